// The calling thread's side of threadProtocol.ts, shared by the Node pool (nodeThreads.ts) and the
// browser's (browserThreads.ts): it posts jobs into the control block, takes its own part, and waits
// until every worker's DONE word says it has finished. Only how a memory reaches the workers and how
// they end differ between the two, and those come in as `post` and `end`.
import type { Precision } from '../spec.js';
import type { WasmMemory } from '../wasmApi.js';
import type { GemmArgs, MatrixThreads } from './threads.js';
import { ACTIVE, ATTACH, DETACH, DONE, ERROR, GEMM, ID, OP, SEQ, SLOT } from './threadProtocol.js';

/** How long a job may take before the pool gives up on its workers (a window's product takes ms). */
const JOB_TIMEOUT_MS = 120_000;

/**
 * A MatrixThreads over control block `ctrl` whose `threads − 1` workers are up: `post(memory)` sends a
 * memory to every worker before an ATTACH job, `end()` stops them; `what` names them in messages
 * (all of them, and one: `['worker threads', 'a worker thread']`). `float32`: the workers run
 * gemm32.wat on memories posted with precision `f32` (see MatrixThreads.float32).
 */
export function driveThreads(
  ctrl: Int32Array,
  threads: number,
  what: readonly [string, string],
  post: (memory: WasmMemory, precision?: Precision) => void,
  end: () => void,
  float32 = false,
): MatrixThreads {
  const workers = threads - 1;
  let closed = false;
  const close = (): void => {
    closed = true;
    end();
  };
  let seq = Atomics.load(ctrl, SEQ);
  const dispatch = (op: number, id: number): void => {
    if (closed) throw new Error('the thread pool is closed');
    ctrl[OP] = op;
    ctrl[ID] = id;
    seq = (seq + 1) | 0;
    Atomics.store(ctrl, SEQ, seq);
    Atomics.notify(ctrl, SEQ);
  };
  const finish = (): void => {
    const since = Date.now();
    for (let t = 1; t <= workers; t++) {
      for (let d = Atomics.load(ctrl, SLOT * t + DONE); d !== seq; d = Atomics.load(ctrl, SLOT * t + DONE)) {
        if (Date.now() - since > JOB_TIMEOUT_MS) {
          close();
          throw new Error(`${what[0]} stopped answering (worker ${t} busy for ${JOB_TIMEOUT_MS / 1000} s)`);
        }
        Atomics.wait(ctrl, SLOT * t + DONE, d, 1000);
      }
    }
    if (Atomics.exchange(ctrl, ERROR, 0) !== 0) throw new Error(`${what[1]} failed its part of a matrix product`);
  };

  let nextId = 1;
  return {
    threads,
    ...(float32 ? { float32 } : {}),
    attach(memory, precision) {
      const id = nextId++;
      post(memory, precision);
      dispatch(ATTACH, id);
      finish();
      return id;
    },
    detach(id) {
      if (closed) return;
      dispatch(DETACH, id);
      finish();
    },
    run(id, parts: readonly GemmArgs[], own) {
      for (let t = 1; t <= workers; t++) {
        const part = parts[t - 1];
        ctrl[SLOT * t + ACTIVE] = part ? 1 : 0;
        if (part) ctrl.set(part, SLOT * t);
      }
      dispatch(GEMM, id);
      try {
        own();
      } finally {
        finish();
      }
    },
    close,
  };
}
