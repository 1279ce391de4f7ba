// The WebAssembly SIMD kernel: the matrix work in wasm/kernel.wat (f64x2: two doubles per instruction),
// the time loop, exp, tanh and log in fast.ts. Dimension key: H = hiddenSize, V = vocabSize.
//
// The module is assembled from kernel.wat at build time and embedded as bytes (wasm/kernelBytes.ts),
// so it loads the same way in Node and in a browser, with no file read and no fetch. It is 3.3 kB,
// under the 4 kB that Chrome allows to compile synchronously on the main thread, which is what lets
// `createModel` stay synchronous.
import type { Kernel } from './kernel.js';
import { createFastModel, fastLayout, fastMemory, offsetIn, type FastLayout, type FastOps } from './fast.js';
import { KERNEL_WASM } from './wasm/kernelBytes.js';

// The parts of the WebAssembly API used here, typed locally: the project compiles against ES2022
// without the DOM library, and a runtime without WebAssembly must still load this file.
interface WasmMemory {
  readonly buffer: ArrayBuffer;
}
interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Instance: new (module: object, imports: object) => { readonly exports: object };
  Memory: new (descriptor: { initial: number; maximum?: number }) => WasmMemory;
}

/** What kernel.wat exports (offsets in f64 elements, i32 elements for inputs and targets). */
interface KernelExports {
  init(
    H: number,
    V: number,
    Wxh: number,
    Whh: number,
    Why: number,
    bh: number,
    by: number,
    dWxh: number,
    dWhh: number,
    dWhy: number,
    dbh: number,
    dby: number,
    hs: number,
    ps: number,
    dhnext: number,
    dhraw: number,
    inputs: number,
    targets: number,
    gemmA: number,
    gemmB: number,
    packedWhh: number,
    packedWhy: number,
    panelTail: number,
    tanhScratch: number,
    tanhConstants: number,
  ): void;
  hidden(ix: number, hp: number, hc: number): void;
  logits(h: number, y: number): void;
  forward(T: number): void;
  backward(T: number): void;
  adagrad(param: number, grad: number, mem: number, n: number, learningRate: number, epsilon: number): void;
  clip(x: number, n: number, limit: number): void;
}

const wasmApi = (): WasmApi | undefined => (globalThis as { WebAssembly?: WasmApi }).WebAssembly;

/**
 * True when this runtime runs the wasm kernel: WebAssembly with 128-bit SIMD (Node ≥ 16.4, Chrome ≥ 91,
 * Firefox ≥ 89, Safari ≥ 16.4). Asks `WebAssembly.validate` about the kernel's own module each time.
 */
export function wasmSimdAvailable(): boolean {
  const api = wasmApi();
  try {
    return api !== undefined && api.validate(KERNEL_WASM);
  } catch {
    return false;
  }
}

let compiled: object | undefined;

/** The compiled module, compiled once on first use. */
function kernelModule(api: WasmApi): object {
  compiled ??= new api.Module(KERNEL_WASM);
  return compiled;
}

const PAGE = 65536;

/**
 * The wasm kernel's own buffers, after the shared layout's: element offsets, 16-byte aligned, and the
 * new total size in bytes.
 */
export interface WasmScratch {
  /** $gemmTN's panels of its left operand, each number twice (splatted): (2 · maxT · max(H, V)). */
  readonly gemmA: number;
  /** $gemmTN's panels of its right operand: (max(maxT, V) · H). */
  readonly gemmB: number;
  /** Whh copied into panels of six rows at the start of each window: (⌈H/6⌉·6 · H). */
  readonly packedWhh: number;
  /** Why likewise: (⌈V/6⌉·6 · H). */
  readonly packedWhy: number;
  /** Six doubles of scratch for the panels' last rows. */
  readonly panelTail: number;
  /** $tanhInPlace's scratch: (5·H + 12). */
  readonly tanhScratch: number;
  /** $tanhInPlace's constants: (24). */
  readonly tanhConstants: number;
  readonly bytes: number;
}

/** Lays out the wasm kernel's own buffers after `layout`'s. */
export function wasmScratch(layout: FastLayout): WasmScratch {
  const { H, V, maxT } = layout;
  let end = layout.bytes / 8;
  const take = (n: number): number => {
    const at = end;
    end += n + (n % 2);
    return at;
  };
  const gemmA = take(2 * maxT * Math.max(H, V));
  const gemmB = take(Math.max(maxT, V) * H);
  const packedWhh = take(Math.ceil(H / 6) * 6 * H);
  const packedWhy = take(Math.ceil(V / 6) * 6 * H);
  const panelTail = take(6);
  const tanhScratch = take(5 * H + 12);
  const tanhConstants = take(24);
  return { gemmA, gemmB, packedWhh, packedWhy, panelTail, tanhScratch, tanhConstants, bytes: 8 * end };
}

/**
 * The WebAssembly SIMD kernel. Each model is its own instance over its own memory, sized once (a
 * memory that grew would detach the parameter views). Forward dot products are summed in two lanes, so
 * numbers differ from the reference kernel's by rounding only; the backward pass, Adagrad and clipping
 * compute the reference's operations in its order. Throws when {@link wasmSimdAvailable} is false.
 */
export const wasmKernel: Kernel = {
  name: 'wasm',
  createModel(hiddenSize: number, vocabSize: number, maxSeqLength: number) {
    const api = wasmApi();
    if (api === undefined || !wasmSimdAvailable()) {
      throw new Error('the wasm kernel needs WebAssembly with SIMD, which this runtime lacks (use the js kernel)');
    }
    const layout = fastLayout(hiddenSize, vocabSize, maxSeqLength);
    const scratch = wasmScratch(layout);
    const pages = Math.ceil(scratch.bytes / PAGE);
    const wasmMemory = new api.Memory({ initial: pages, maximum: pages });
    const { exports } = new api.Instance(kernelModule(api), { env: { memory: wasmMemory } });
    const ops = exports as KernelExports;
    const memory = fastMemory(layout, wasmMemory.buffer);
    const { f, params: p, grads: g } = memory;
    const at = (view: Float64Array): number => offsetIn(f, view);
    ops.init(
      hiddenSize,
      vocabSize,
      at(p.Wxh),
      at(p.Whh),
      at(p.Why),
      at(p.bh),
      at(p.by),
      at(g.Wxh),
      at(g.Whh),
      at(g.Why),
      at(g.bh),
      at(g.by),
      layout.hs,
      layout.ps,
      layout.dhnext,
      layout.dhraw,
      layout.inputs,
      layout.targets,
      scratch.gemmA,
      scratch.gemmB,
      scratch.packedWhh,
      scratch.packedWhy,
      scratch.panelTail,
      scratch.tanhScratch,
      scratch.tanhConstants,
    );
    return createFastModel(wasmKernel, memory, {
      hidden: ops.hidden,
      logits: ops.logits,
      forward: ops.forward,
      backward: ops.backward,
      adagrad: ops.adagrad,
      clip: ops.clip,
    });
  },
};
