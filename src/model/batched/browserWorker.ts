// A Web Worker of browserThreads.ts: runs its part of each matrix product on the shared memories the
// pool attached. Between jobs it sleeps in Atomics.wait on the control block, never returning to its
// event loop, except for ATTACH: a browser worker can only read a message from its event loop, so it
// returns there, takes the memory from the message the pool posted just before the job, and says DONE.
import { wasmApi } from '../wasmApi.js';
import type { PoolWorkerAttach, PoolWorkerInit, PoolWorkerReply } from './browserThreads.js';
import type { MatrixOps } from './matrix.js';
import { ACTIVE, ATTACH, DETACH, DONE, ERROR, GEMM, ID, OP, READY, SEQ, SLOT } from './threadProtocol.js';

/** The part of a dedicated worker's global scope used here (the library compiles without DOM types). */
interface WorkerScope {
  postMessage(message: PoolWorkerReply): void;
  onmessage: ((event: { readonly data: PoolWorkerInit | PoolWorkerAttach }) => void) | null;
}

const scope = globalThis as unknown as WorkerScope;
const api = wasmApi()!; // the pool only starts where WebAssembly is
const instances = new Map<number, MatrixOps>();
let ctrl: Int32Array;
let slot = 0;
let module: object;
let done = 0;

scope.onmessage = ({ data }) => {
  if ('control' in data) {
    try {
      ctrl = new Int32Array(data.control);
      slot = SLOT * data.index;
      module = data.module;
      done = Atomics.load(ctrl, SEQ); // before saying ready: no job can be posted until then
      Atomics.store(ctrl, slot + DONE, done);
      scope.postMessage({ ready: Atomics.add(ctrl, READY, 1) + 1 });
    } catch (e) {
      scope.postMessage({ failed: e instanceof Error ? e.message : String(e) });
      return;
    }
  } else {
    // The ATTACH job `done` is waiting for this memory.
    try {
      instances.set(ctrl[ID]!, new api.Instance(module, { env: { memory: data.memory } }).exports as MatrixOps);
    } catch {
      Atomics.store(ctrl, ERROR, 1);
    }
    finish(done);
  }
  serve();
};

function finish(seq: number): void {
  Atomics.store(ctrl, slot + DONE, seq);
  Atomics.notify(ctrl, slot + DONE);
}

/** Does jobs until one needs the event loop (ATTACH). */
function serve(): void {
  for (;;) {
    let seq: number;
    while ((seq = Atomics.load(ctrl, SEQ)) === done) Atomics.wait(ctrl, SEQ, done);
    done = seq;
    const op = ctrl[OP];
    if (op === ATTACH) return; // the memory is in the next message
    try {
      if (op === GEMM && ctrl[slot + ACTIVE] === 1) {
        const e = instances.get(ctrl[ID]!);
        if (e === undefined) throw new Error(`memory ${ctrl[ID]} is not attached`);
        const a = ctrl.subarray(slot, slot + ACTIVE);
        e.gemmNT(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9] as 0 | 1);
      } else if (op === DETACH) {
        instances.delete(ctrl[ID]!);
      }
    } catch {
      Atomics.store(ctrl, ERROR, 1);
    }
    finish(seq);
  }
}
