import { Observable } from 'rxjs';
import { CorpusError, requireInteger } from '../errors.js';
import { now, scheduleMacrotask } from '../util/macrotask.js';
import { idSlice, type Corpus, type CorpusIds } from './corpus.js';

/**
 * One training window: `targets` is `inputs` shifted by one character. With B streams (`batchSize`)
 * both are (B, T) row-major by stream: stream b reads the b-th of B equal contiguous parts of the text.
 */
export interface Window {
  /** Iteration number `n`, counting from 0. */
  readonly iteration: number;
  /** Data position `p` of `inputs[0]` in the corpus (with B streams: within each stream). */
  readonly position: number;
  /**
   * ids[p .. p+T). A view into the corpus when its ids are an Int32Array (and B = 1), else a copy of
   * its own: read it, never write it.
   */
  readonly inputs: Int32Array;
  /** ids[p+1 .. p+T+1), likewise. */
  readonly targets: Int32Array;
  /** B, the streams the window holds. Absent means 1. */
  readonly batchSize?: number;
  /** True when the hidden state must restart from zeros (first window, or the data wrapped). */
  readonly reset: boolean;
}

/** Where a run of windows starts: the loop state after `iteration` windows were consumed. */
export interface WindowCursor {
  /** The next iteration number `n`. */
  readonly iteration: number;
  /** The next data position `p`, before the wrap rule is applied. */
  readonly position: number;
}

export interface WindowsConfig {
  /** T, characters per window. Default 25, the classic value. */
  readonly seqLength?: number;
  /**
   * B, streams: the text is cut into B contiguous parts of ⌊N / B⌋ characters (the rest is unused), as
   * char-rnn and torch-rnn do; every window holds T characters of each, and all streams move and wrap
   * together by the classic rule applied to the stream length. Default 1, the classic loop.
   */
  readonly batchSize?: number;
  /** Stop after this iteration count is reached (counting from 0, so `start.iteration` included). Default: never. */
  readonly iterations?: number;
  /** Resume from a saved loop state instead of n = 0, p = 0. */
  readonly start?: WindowCursor;
  /**
   * Longest stretch, in ms, of synchronous work before yielding to the event loop so that timers,
   * I/O and signals run. Default 16: far below the ~50 ms a user notices, far above the ~10 µs a yield
   * costs, so it takes well under 1% of throughput.
   */
  readonly yieldEveryMs?: number;
}

/**
 * Turns a corpus into the classic min-char-rnn stream of training windows.
 *
 * It's like `range`, but each value is a window `{ iteration, position, inputs, targets, reset }` following
 * the classic loop: at iteration `n`, if `p + T + 1 >= N` or `n == 0` the window restarts at `p = 0` with
 * `reset: true`; after each window `p += T`. The stream is cold (every subscriber gets its own loop from
 * `start`), never ends unless `iterations` is set, and yields to the event loop every `yieldEveryMs` so
 * that timers and Ctrl-C keep working while training. Unsubscribing stops it before the next window.
 *
 * ```ts
 * import { createCorpus, windows } from 'min-char-rnn';
 * import { take } from 'rxjs';
 *
 * const corpus = createCorpus('hello world, hello rnn');
 * windows(corpus, { seqLength: 4 }).pipe(take(2)).subscribe((w) => console.log(w.position, w.inputs));
 * // 0 Int32Array(4) [ 4, 3, 5, 5 ]
 * // 4 Int32Array(4) [ 7, 0, 9, 7 ]
 *
 * // Two streams: "hello world" and ", hello rnn", four characters of each per window.
 * windows(corpus, { seqLength: 4, batchSize: 2 }).pipe(take(1)).subscribe((w) => console.log(w.position, w.inputs));
 * // 0 Int32Array(8) [ 4, 3, 5, 5, 1, 0, 4, 3 ]
 * ```
 *
 * @param corpus The encoded text.
 * @param config `seqLength` (25), `batchSize` (1), `iterations` (unbounded), `start` ({ iteration: 0, position: 0 }), `yieldEveryMs` (16).
 * @returns A cold Observable of windows whose arrays are views into `corpus.ids`.
 * @see lossFun, the next stage.
 */
export function windows(corpus: Corpus, config?: WindowsConfig): Observable<Window> {
  const { seqLength = 25, iterations = Infinity, start, yieldEveryMs = 16, batchSize = 1 } = config ?? {};
  requireInteger('seqLength', seqLength);
  requireInteger('batchSize', batchSize);
  if (iterations !== Infinity) requireInteger('iterations', iterations, 0);
  const ids = corpus.ids;
  const B = batchSize;
  const N = Math.floor(ids.length / B); // stream length
  if (N < seqLength + 1) {
    throw new CorpusError(
      B === 1
        ? `the corpus has ${N} characters; it needs at least seqLength + 1 = ${seqLength + 1}`
        : `the corpus has ${ids.length} characters: ${B} streams of ${N}, shorter than seqLength + 1 = ${seqLength + 1}; use a smaller batch size`,
    );
  }
  const first: WindowCursor = start ?? { iteration: 0, position: 0 };
  requireInteger('start.iteration', first.iteration, 0);
  requireInteger('start.position', first.position, 0);

  return new Observable<Window>((subscriber) => {
    let n = first.iteration;
    let p = first.position;
    let cancel: (() => void) | undefined;

    const runSlice = (): void => {
      cancel = undefined;
      const deadline = now() + yieldEveryMs;
      while (!subscriber.closed) {
        if (n >= iterations) {
          subscriber.complete();
          return;
        }
        const reset = p + seqLength + 1 >= N || n === 0;
        if (reset) p = 0;
        subscriber.next(B === 1 ? {
          iteration: n,
          position: p,
          inputs: idSlice(ids, p, p + seqLength),
          targets: idSlice(ids, p + 1, p + seqLength + 1),
          reset,
        } : batchedWindow(ids, N, B, seqLength, n, p, reset));
        p += seqLength;
        n += 1;
        if (now() >= deadline) {
          if (!subscriber.closed) cancel = scheduleMacrotask(runSlice);
          return;
        }
      }
    };

    runSlice();
    return () => cancel?.();
  });
}

/** The window of B streams at position p: (B, T) inputs and targets, stream b reading ids[b·N + p ..]. */
function batchedWindow(ids: CorpusIds, N: number, B: number, T: number, n: number, p: number, reset: boolean): Window {
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  for (let b = 0; b < B; b++) {
    inputs.set(ids.subarray(b * N + p, b * N + p + T), b * T);
    targets.set(ids.subarray(b * N + p + 1, b * N + p + T + 1), b * T);
  }
  return { iteration: n, position: p, inputs, targets, reset, batchSize: B };
}
