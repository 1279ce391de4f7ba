import { Observable } from 'rxjs';
import { CorpusError, requireInteger } from '../errors.js';
import { now, scheduleMacrotask } from '../util/macrotask.js';
import { idSlice, type Corpus } from './corpus.js';

/** One training window: `targets` is `inputs` shifted by one character. */
export interface Window {
  /** Iteration number `n`, counting from 0. */
  readonly iteration: number;
  /** Data position `p` of `inputs[0]` in the corpus. */
  readonly position: number;
  /**
   * ids[p .. p+T). A view into the corpus when its ids are an Int32Array, else a copy of its own: read
   * it, never write it.
   */
  readonly inputs: Int32Array;
  /** ids[p+1 .. p+T+1), likewise. */
  readonly targets: Int32Array;
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
 * ```
 *
 * @param corpus The encoded text.
 * @param config `seqLength` (25), `iterations` (unbounded), `start` ({ iteration: 0, position: 0 }), `yieldEveryMs` (16).
 * @returns A cold Observable of windows whose arrays are views into `corpus.ids`.
 * @see lossFun, the next stage.
 */
export function windows(corpus: Corpus, config?: WindowsConfig): Observable<Window> {
  const { seqLength = 25, iterations = Infinity, start, yieldEveryMs = 16 } = config ?? {};
  requireInteger('seqLength', seqLength);
  if (iterations !== Infinity) requireInteger('iterations', iterations, 0);
  const ids = corpus.ids;
  const N = ids.length;
  if (N < seqLength + 1) {
    throw new CorpusError(
      `the corpus has ${N} characters; it needs at least seqLength + 1 = ${seqLength + 1}`,
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
        subscriber.next({
          iteration: n,
          position: p,
          inputs: idSlice(ids, p, p + seqLength),
          targets: idSlice(ids, p + 1, p + seqLength + 1),
          reset,
        });
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
