// The training worker: the studio session with the page's messages as its commands. All the training
// work happens here, off the page's main thread. For the LSTM and GRU it starts a pool of matrix
// workers (gemm-worker.js) when the page is cross-origin isolated, before the run starts, and ends
// them when the run stops: at most one pool lives at a time.
import { concat, concatMap, defer, EMPTY, from, fromEvent, map, of, tap, type Observable } from 'rxjs';
import { browserThreadsAvailable, createBrowserMatrixThreads, type PoolWorker } from '../../model/batched/browserThreads.js';
import type { MatrixThreads } from '../../model/batched/threads.js';
import type { Kernel } from '../../model/kernel.js';
import { wasmKernelWithThreads } from '../../model/rnn/classic/wasmKernel.js';
import type { StudioCommand, StudioEvent } from '../protocol.js';
import { studioSession } from '../session.js';

/** The part of a dedicated worker's global scope used here (the page's tsconfig has DOM types only). */
interface WorkerScope extends EventTarget {
  postMessage(message: StudioEvent, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;
const isolated = browserThreadsAvailable();

let pool: MatrixThreads | undefined;
let kernel: Kernel | undefined;
let phase = 'idle';

function closePool(): void {
  pool?.close();
  pool = undefined;
  kernel = undefined;
}

const post = (event: StudioEvent): void => scope.postMessage(event, event.type === 'file' ? [event.bytes] : []);

/** Starts the threads a start command asks for (if it may), and says how many the run uses. */
async function prepare(c: Extract<StudioCommand, { type: 'start' }>): Promise<void> {
  if (phase === 'running' || phase === 'paused') return; // the session refuses this start
  closePool();
  const wanted = c.threads ?? 1;
  let threads = 1;
  let note: string;
  if (c.settings.modelType === 'rnn') note = 'the classic RNN computes on one thread';
  else if (wanted < 2) note = 'one thread chosen';
  else if (!isolated) note = 'one thread: the page is not cross-origin isolated (its server must send COOP and COEP headers)';
  else {
    try {
      pool = await createBrowserMatrixThreads(wanted, () => new Worker(new URL('gemm-worker.js', self.location.href)) as PoolWorker);
      kernel = wasmKernelWithThreads(pool);
      threads = wanted;
      note = `${wanted} threads share the matrix products`;
    } catch (e) {
      post({ type: 'error', message: `could not start ${wanted} threads (${e instanceof Error ? e.message : String(e)}); training on one thread` });
      note = 'one thread: the matrix workers did not start';
    }
  }
  post({ type: 'threads', threads, note });
}

const command$: Observable<StudioCommand> = fromEvent<MessageEvent<StudioCommand>>(scope, 'message').pipe(
  map((e) => e.data),
  // In order: a command sent while the threads start waits for them.
  concatMap((c) =>
    c.type !== 'start'
      ? of(c)
      : concat(
          from(prepare(c)).pipe(map(() => c)),
          // A start the session refused leaves no pool behind.
          defer(() => {
            if (phase !== 'running' && phase !== 'paused') closePool();
            return EMPTY;
          }),
        ),
  ),
);

command$
  .pipe(
    studioSession({ kernel: () => kernel }),
    tap((event) => {
      if (event.type !== 'phase') return;
      phase = event.phase;
      if (phase === 'stopped' || phase === 'idle') closePool();
    }),
  )
  .subscribe(post);
