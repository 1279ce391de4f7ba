// Worker threads for the batched kernels in Node (Node only, like checkpoint/file.ts): a pool of
// worker_threads sharing the models' WebAssembly memories, driven synchronously through a control
// block (threadProtocol.ts), so a window's products split between cores without leaving the call.
// The workers are unref'd: they never keep a process alive, and they end with it.
import { MessageChannel, Worker, type MessagePort } from 'node:worker_threads';
import { requireInteger } from '../../errors.js';
import type { Precision } from '../spec.js';
import type { WasmMemory } from '../wasmApi.js';
import { driveThreads } from './threadDriver.js';
import type { MatrixThreads } from './threads.js';
import { READY, SLOT } from './threadProtocol.js';


/** A single thread: the caller does everything. */
const ONE_THREAD: MatrixThreads = {
  threads: 1,
  attach: () => 0,
  detach: () => undefined,
  run: (_id, _parts, own) => own(),
  close: () => undefined,
};

/**
 * A pool of `threads` threads in all (the caller's and threads − 1 workers) for the batched kernels.
 * Pass it to `wasmKernelWithThreads` (or `createBatchedModel`). One thread needs no workers. Throws
 * a ConfigError for a count that is not a positive integer, an Error when the workers do not start.
 *
 * ```ts
 * import { availableParallelism } from 'node:os';
 * import { createMatrixThreads } from 'min-char-rnn/node';
 * const threads = createMatrixThreads(availableParallelism());
 * console.log(threads.threads); // e.g. 2
 * threads.close(); // optional: the workers never keep the process alive
 * ```
 */
export function createMatrixThreads(threads: number): MatrixThreads {
  requireInteger('threads', threads);
  if (threads === 1) return ONE_THREAD;
  const workers = threads - 1;
  const control = new SharedArrayBuffer(4 * SLOT * (threads + 1));
  const ctrl = new Int32Array(control);
  const pool: Worker[] = [];
  const ports: MessagePort[] = [];
  for (let t = 1; t <= workers; t++) {
    const { port1, port2 } = new MessageChannel();
    const worker = new Worker(new URL('./nodeWorker.js', import.meta.url), {
      workerData: { control, port: port2, index: t },
      execArgv: [], // not the parent's flags: with -e or --input-type a worker would not start
      transferList: [port2],
    });
    worker.unref();
    port1.unref();
    pool.push(worker);
    ports.push(port1);
  }
  const close = (): void => {
    for (const w of pool) void w.terminate();
    for (const p of ports) p.close();
  };
  // Wait (blocking: the workers start on threads of their own) until every worker is up.
  const started = Date.now();
  for (let ready = Atomics.load(ctrl, READY); ready < workers; ready = Atomics.load(ctrl, READY)) {
    if (Date.now() - started > 10_000) {
      close();
      throw new Error(`worker threads did not start (${ready} of ${workers} within 10 s)`);
    }
    Atomics.wait(ctrl, READY, ready, 100);
  }

  // A float32 memory goes with a word saying so (the workers then run gemm32.wat on it).
  const post = (memory: WasmMemory, precision?: Precision): void => {
    for (const p of ports) p.postMessage(precision === 'f32' ? { memory, precision } : memory);
  };
  return driveThreads(ctrl, threads, ['worker threads', 'a worker thread'], post, close, true);
}
