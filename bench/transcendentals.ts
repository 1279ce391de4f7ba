// `node dist/bench/transcendentals.js`: why the wasm kernel never calls out to JavaScript for a
// function: the cost of one call of the project's own tanh (src/math/elementary.ts, the function every
// kernel's numbers come from) made from JavaScript, against the same function reached from WebAssembly
// through an import. (The wasm kernel computes tanh, exp and log in its modules: forward.wat, softmax.wat.)
import wabtInit from 'wabt';
import { tanh } from '../src/math/elementary.js';

const WAT = `(module
  (import "math" "tanh" (func $tanh (param f64) (result f64)))
  (import "env" "memory" (memory 1))
  ;; x[i] = tanh(x[i]) for i < n, through the import
  (func (export "tanhAll") (param $n i32)
    (local $p i32) (local $end i32)
    (local.set $end (i32.shl (local.get $n) (i32.const 3)))
    (block $done (loop $each
      (br_if $done (i32.ge_u (local.get $p) (local.get $end)))
      (f64.store (local.get $p) (call $tanh (f64.load (local.get $p))))
      (local.set $p (i32.add (local.get $p) (i32.const 8)))
      (br $each)))))`;

// The WebAssembly API, typed for the little used here (the project compiles without the DOM library).
interface WasmApi {
  Memory: new (d: { initial: number }) => { buffer: ArrayBuffer };
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { exports: Record<string, unknown> };
}
const WA = (globalThis as unknown as { WebAssembly: WasmApi }).WebAssembly;

const wabt = await wabtInit();
const assembled = wabt.parseWat('tanh.wat', WAT);
const bytes = assembled.toBinary({}).buffer;
const memory = new WA.Memory({ initial: 1 });
const instance = new WA.Instance(new WA.Module(bytes), { math: { tanh }, env: { memory } });
const tanhAll = instance.exports['tanhAll'] as (n: number) => void;
const x = new Float64Array(memory.buffer, 0, 100);
const reset = (): void => {
  for (let i = 0; i < x.length; i++) x[i] = (i - 50) / 30;
};

const ROUNDS = 20000;
const perCall = (fn: () => void): number => {
  const times: number[] = [];
  for (let r = 0; r < 7; r++) {
    reset();
    const t0 = performance.now();
    for (let k = 0; k < ROUNDS; k++) fn();
    times.push(((performance.now() - t0) * 1e6) / (ROUNDS * x.length));
  }
  return times.sort((a, b) => a - b)[3]!;
};
const fromJs = (): void => {
  for (let i = 0; i < x.length; i++) x[i] = tanh(x[i]!);
};
perCall(fromJs); // warm-up
perCall(() => tanhAll(x.length));
process.stdout.write(
  `elementary tanh from JavaScript: ${perCall(fromJs).toFixed(1)} ns a call; ` +
    `through a wasm import: ${perCall(() => tanhAll(x.length)).toFixed(1)} ns a call (median of 7)\n`,
);
