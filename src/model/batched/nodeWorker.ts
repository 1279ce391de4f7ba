// A worker thread of node/threads (Node only): runs its part of each matrix product on the shared
// memories the calling thread attached. It never returns to its event loop: it sleeps in Atomics.wait
// on the control block between jobs and takes attached memories from its port synchronously.
import { receiveMessageOnPort, workerData, type MessagePort } from 'node:worker_threads';
import { GEMM32_SHARED_WASM, GEMM_SHARED_WASM } from '../wasm/kernelBytes.js';
import { wasmApi, type WasmMemory } from '../wasmApi.js';
import type { MatrixOps } from './matrix.js';
import { ACTIVE, ATTACH, DETACH, DONE, ERROR, GEMM, ID, OP, READY, SEQ, SLOT } from './threadProtocol.js';

const { control, port, index } = workerData as { control: SharedArrayBuffer; port: MessagePort; index: number };
const ctrl = new Int32Array(control);
const api = wasmApi()!; // the pool only starts workers where the calling thread has WebAssembly
const module = new api.Module(GEMM_SHARED_WASM);
let module32: object | undefined; // gemm32.wat, compiled when a float32 memory first arrives
const instances = new Map<number, MatrixOps>();
const slot = SLOT * index;

let done = Atomics.load(ctrl, SEQ); // before saying ready: no job can be posted until then
Atomics.store(ctrl, slot + DONE, done);
Atomics.add(ctrl, READY, 1);
Atomics.notify(ctrl, READY);
for (;;) {
  let seq: number;
  while ((seq = Atomics.load(ctrl, SEQ)) === done) Atomics.wait(ctrl, SEQ, done);
  done = seq;
  try {
    const op = ctrl[OP];
    if (op === GEMM && ctrl[slot + ACTIVE] === 1) {
      const e = instances.get(ctrl[ID]!);
      if (e === undefined) throw new Error(`memory ${ctrl[ID]} is not attached`);
      const a = ctrl.subarray(slot, slot + ACTIVE);
      e.gemmNT(a[0]!, a[1]!, a[2]!, a[3]!, a[4]!, a[5]!, a[6]!, a[7]!, a[8]!, a[9] as 0 | 1);
    } else if (op === ATTACH) {
      let received = receiveMessageOnPort(port);
      for (let tries = 0; received === undefined && tries < 10_000; tries++) {
        Atomics.wait(ctrl, slot + ACTIVE + 2, 0, 1); // a millisecond's sleep (a word no one changes): the memory is on its way
        received = receiveMessageOnPort(port);
      }
      if (received === undefined) throw new Error('no memory arrived to attach');
      const message = received.message as WasmMemory | { memory: WasmMemory; precision: 'f32' };
      const f32 = 'precision' in message;
      const memory = f32 ? message.memory : message;
      const use = f32 ? (module32 ??= new api.Module(GEMM32_SHARED_WASM)) : module;
      instances.set(ctrl[ID]!, new api.Instance(use, { env: { memory } }).exports as MatrixOps);
    } else if (op === DETACH) {
      instances.delete(ctrl[ID]!);
    }
  } catch {
    Atomics.store(ctrl, ERROR, 1);
  }
  Atomics.store(ctrl, slot + DONE, seq);
  Atomics.notify(ctrl, slot + DONE);
}
