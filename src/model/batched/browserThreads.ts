// Worker threads for the batched kernels in browsers: a pool of Web Workers sharing the models'
// WebAssembly memories, driven synchronously through the control block of threadProtocol.ts, as the
// Node pool is (nodeThreads.ts). Two differences from Node, both from what browsers allow:
// - the pool is driven from a worker (a page's main thread may not Atomics.wait), and it starts
//   asynchronously: a new Worker only runs once its creator has returned to its event loop;
// - a worker cannot read a message synchronously, so for ATTACH it goes back to its event loop,
//   takes the memory from its message and then says DONE (browserWorker.ts).
// Shared memory needs cross-origin isolation: see {@link browserThreadsAvailable}.
// This file is free of DOM types: the worker is whatever `startWorker` returns.
import { requireInteger } from '../../errors.js';
import { GEMM_SHARED_WASM } from '../wasm/kernelBytes.js';
import { wasmApi, type WasmMemory } from '../wasmApi.js';
import { driveThreads } from './threadDriver.js';
import type { MatrixThreads } from './threads.js';
import { READY, SLOT } from './threadProtocol.js';

/** How long the workers may take to start. */
const START_TIMEOUT_MS = 20_000;

/** The part of a Web Worker the pool uses. */
export interface PoolWorker {
  postMessage(message: unknown): void;
  terminate(): void;
  addEventListener(
    type: 'message' | 'error' | 'messageerror',
    listener: (event: { readonly data?: unknown; readonly message?: string; preventDefault(): void }) => void,
  ): void;
}

/** What the pool posts to a worker first (browserWorker.ts reads it). */
export interface PoolWorkerInit {
  readonly control: SharedArrayBuffer;
  readonly index: number;
  /** The compiled gemm module (WebAssembly.Module), compiled once for all workers. */
  readonly module: object;
}

/** What the pool posts to a worker for ATTACH. */
export interface PoolWorkerAttach {
  readonly memory: WasmMemory;
}

/** What a worker posts back: once when it is ready, or when something failed before it could say so. */
export type PoolWorkerReply = { readonly ready: number } | { readonly failed: string };

/**
 * Whether this browser context may share memory between workers and block in Atomics.wait: it is
 * cross-origin isolated (the page was served with `Cross-Origin-Opener-Policy: same-origin` and
 * `Cross-Origin-Embedder-Policy: require-corp`), and it is not a page's main thread.
 */
export function browserThreadsAvailable(): boolean {
  const g = globalThis as { crossOriginIsolated?: boolean; SharedArrayBuffer?: unknown; document?: unknown };
  if (g.crossOriginIsolated !== true || typeof g.SharedArrayBuffer !== 'function' || g.document !== undefined) return false;
  const api = wasmApi();
  if (api === undefined) return false;
  try {
    new api.Memory({ initial: 1, maximum: 1, shared: true });
    return true;
  } catch {
    return false;
  }
}

/**
 * A pool of `threads` threads in all (the caller's and threads − 1 Web Workers from `startWorker`,
 * each running browserWorker.ts) for the batched kernels; it resolves once every worker is up.
 * Call it from a worker (where Atomics.wait is allowed) that {@link browserThreadsAvailable} says may
 * share memory. One thread needs no workers. `close()` terminates the workers.
 *
 * ```ts
 * const threads = await createBrowserMatrixThreads(2, () => new Worker('gemm-worker.js'));
 * trainingSteps(corpus, { ...config, kernel: wasmKernelWithThreads(threads) })
 *   .subscribe({ complete: () => threads.close() });
 * ```
 */
export async function createBrowserMatrixThreads(threads: number, startWorker: () => PoolWorker): Promise<MatrixThreads> {
  requireInteger('threads', threads);
  if (threads === 1) return { threads: 1, attach: () => 0, detach: () => undefined, run: (_i, _p, own) => own(), close: () => undefined };
  const api = wasmApi();
  if (api === undefined) throw new Error('this browser has no WebAssembly');
  const module = new api.Module(GEMM_SHARED_WASM);
  const workers = threads - 1;
  const control = new SharedArrayBuffer(4 * SLOT * (threads + 1));
  const ctrl = new Int32Array(control);
  const pool: PoolWorker[] = [];
  const close = (): void => {
    for (const w of pool.splice(0)) w.terminate();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      let ready = 0;
      const timer = setTimeout(() => reject(new Error(`${ready} of ${workers} matrix workers started within ${START_TIMEOUT_MS / 1000} s`)), START_TIMEOUT_MS);
      const fail = (message: string): void => {
        clearTimeout(timer);
        reject(new Error(message));
      };
      for (let t = 1; t <= workers; t++) {
        const worker = startWorker();
        pool.push(worker);
        worker.addEventListener('error', (e) => {
          e.preventDefault(); // handled here: not also an uncaught error of the calling worker
          fail(`matrix worker ${t} failed: ${e.message || 'its script could not be loaded'}`);
        });
        worker.addEventListener('messageerror', () => fail(`matrix worker ${t} could not read its message`));
        worker.addEventListener('message', (e) => {
          const reply = e.data as PoolWorkerReply;
          if ('failed' in reply) fail(`matrix worker ${t} failed: ${reply.failed}`);
          else if (++ready === workers) {
            clearTimeout(timer);
            resolve();
          }
        });
        const init: PoolWorkerInit = { control, index: t, module };
        worker.postMessage(init);
      }
    });
  } catch (e) {
    close();
    throw e;
  }
  if (Atomics.load(ctrl, READY) !== workers) {
    close();
    throw new Error('the matrix workers did not report ready');
  }

  return driveThreads(ctrl, threads, ['matrix workers', 'a matrix worker'], (memory) => {
    const message: PoolWorkerAttach = { memory };
    for (const w of pool) w.postMessage(message);
  }, close);
}
