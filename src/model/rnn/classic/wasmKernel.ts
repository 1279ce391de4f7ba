// The WebAssembly SIMD kernel: the numerical work in src/model/wasm/forward.wat, backward.wat and
// softmax.wat (f64x2: two doubles per instruction; exp and log from src/math/wasm/, the same bits
// as src/math/elementary.ts's). Dimension key: H = hiddenSize, V = vocabSize.
//
// The three modules are assembled from their .wat files at build time and embedded as bytes
// (src/model/wasm/kernelBytes.ts), so they load the same way in Node and in a browser, with no file read and no
// fetch. Each is under the 4 kB that Chrome (before 114) allows to compile synchronously on the main
// thread, which is what lets `createModel` stay synchronous; all are instantiated over one memory.
import type { Kernel } from '../../kernel.js';
import { createFastModel, fastLayout, fastMemory, offsetIn, type FastLayout } from './fast.js';
import { BACKWARD_WASM, FORWARD_WASM, SOFTMAX_WASM } from '../../wasm/kernelBytes.js';
import { WASM_MAX_BYTES, WASM_PAGE, wasmApi, type WasmApi } from '../../wasmApi.js';
import { batchedNetworkBytes, batchedNetworkFor, batchedSupports } from '../../batched/network.js';
import type { MatrixThreads } from '../../batched/threads.js';

/** What forward.wat exports (offsets in f64 elements). */
interface ForwardExports {
  /** Reads the {@link INIT_FIELDS} table at this i32 element offset. */
  init(table: number): void;
  hidden(ix: number, hp: number, hc: number): void;
  logits(h: number, y: number): void;
  forward(T: number): void;
}

/** What backward.wat exports (offsets in f64 elements). */
interface BackwardExports {
  /** Reads the {@link INIT_FIELDS} table at this i32 element offset. */
  init(table: number): void;
  backward(T: number): void;
  adagrad(param: number, grad: number, mem: number, n: number, learningRate: number, epsilon: number): void;
  clip(x: number, n: number, limit: number): void;
}

/** What softmax.wat exports (offsets in f64 elements). */
export interface SoftmaxExports {
  /** Reads the {@link INIT_FIELDS} table at this i32 element offset. */
  init(table: number): void;
  /** Rows 0..T−1 of ps ← softmax, in place; returns Σ_t −ln p_t[targets_t]. */
  softmaxLoss(T: number): number;
  /** f[p..p+n) ← exp(f[p..p+n)) in place, the vectorized exp (for tests). */
  expInPlace(p: number, n: number): void;
  /** f[p..p+n) ← ln(f[p..p+n)) in place, the vectorized log (for tests). */
  logInPlace(p: number, n: number): void;
}

/**
 * The table the modules' `init` read, in this order: the sizes, then the offsets of every buffer (in
 * f64 elements; in i32 elements for `inputs` and `targets`). The .wat files read it by position.
 */
const INIT_FIELDS = [
  'H',
  'V',
  'Wxh',
  'Whh',
  'Why',
  'bh',
  'by',
  'dWxh',
  'dWhh',
  'dWhy',
  'dbh',
  'dby',
  'hs',
  'ps',
  'dhnext',
  'dhraw',
  'inputs',
  'targets',
  'gemmA',
  'gemmB',
  'packedWhh',
  'packedWhy',
  'panelTail',
  'tanhScratch',
  'tanhConstants',
  'lossScratch',
] as const;

/**
 * True when this runtime runs the wasm kernel: WebAssembly with 128-bit SIMD (Node ≥ 16.4, Chrome ≥ 91,
 * Firefox ≥ 89, Safari ≥ 16.4). Asks `WebAssembly.validate` about the kernel's own modules each time.
 */
export function wasmSimdAvailable(): boolean {
  const api = wasmApi();
  try {
    return api !== undefined && api.validate(FORWARD_WASM) && api.validate(BACKWARD_WASM) && api.validate(SOFTMAX_WASM);
  } catch {
    return false;
  }
}

interface CompiledModules {
  forward: object;
  backward: object;
  softmax: object;
}
let compiled: CompiledModules | undefined;

/** The compiled modules, compiled once on first use. */
function kernelModules(api: WasmApi): CompiledModules {
  compiled ??= {
    forward: new api.Module(FORWARD_WASM),
    backward: new api.Module(BACKWARD_WASM),
    softmax: new api.Module(SOFTMAX_WASM),
  };
  return compiled;
}

export { WASM_MAX_BYTES };

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
  /** softmax.wat's: each step's p_t[targets_t], then its log: (maxT + 1). */
  readonly lossScratch: number;
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
  const lossScratch = take(maxT + 1);
  return { gemmA, gemmB, packedWhh, packedWhy, panelTail, tanhScratch, tanhConstants, lossScratch, bytes: 8 * end };
}

/**
 * The WebAssembly SIMD kernel. Each model is its own pair of instances over its own memory, sized once
 * (a memory that grew would detach the parameter views). Forward dot products are summed in two lanes
 * and Whyᵀ·dy over the vocabulary downwards, so numbers differ from the reference kernel's by rounding
 * only; tanh, exp and log are src/math/elementary.ts's, bit for bit; the softmax, the loss, the rest
 * of the backward pass, Adagrad and clipping compute the reference's operations in its order. Throws when {@link wasmSimdAvailable}
 * is false.
 */
export const wasmKernel: Kernel = {
  name: 'wasm',
  // LSTM and GRU: the batched kernels (batched/), in WebAssembly SIMD where the model fits.
  createNetwork: (spec, vocabSize, maxSeqLength, batchSize) => batchedNetworkFor(spec, vocabSize, maxSeqLength, batchSize, 'wasm'),
  implementsNetwork: batchedSupports,
  networkBytes: batchedNetworkBytes,
  maxModelBytes: WASM_MAX_BYTES,
  modelBytes(hiddenSize: number, vocabSize: number, maxSeqLength: number) {
    return wasmScratch(fastLayout(hiddenSize, vocabSize, maxSeqLength)).bytes;
  },
  createModel(hiddenSize: number, vocabSize: number, maxSeqLength: number) {
    const api = wasmApi();
    if (api === undefined || !wasmSimdAvailable()) {
      throw new Error('the wasm kernel needs WebAssembly with SIMD, which this runtime lacks (use the js kernel)');
    }
    const layout = fastLayout(hiddenSize, vocabSize, maxSeqLength);
    const scratch = wasmScratch(layout);
    if (scratch.bytes > WASM_MAX_BYTES) {
      throw new RangeError(
        `a model of hiddenSize ${hiddenSize} and vocabulary ${vocabSize} needs ${scratch.bytes} bytes, more than WebAssembly's ${WASM_MAX_BYTES} (use the js kernel)`,
      );
    }
    const pages = Math.ceil(scratch.bytes / WASM_PAGE);
    const wasmMemory = new api.Memory({ initial: pages, maximum: pages });
    const modules = kernelModules(api);
    const imports = { env: { memory: wasmMemory } };
    const fwd = new api.Instance(modules.forward, imports).exports as ForwardExports;
    const bwd = new api.Instance(modules.backward, imports).exports as BackwardExports;
    const soft = new api.Instance(modules.softmax, imports).exports as SoftmaxExports;
    const memory = fastMemory(layout, wasmMemory.buffer as ArrayBuffer); // unshared: created so above
    const { f, ints, params: p, grads: g } = memory;
    const at = (view: Float64Array): number => offsetIn(f, view);
    const fields: Record<(typeof INIT_FIELDS)[number], number> = {
      H: hiddenSize,
      V: vocabSize,
      Wxh: at(p.Wxh),
      Whh: at(p.Whh),
      Why: at(p.Why),
      bh: at(p.bh),
      by: at(p.by),
      dWxh: at(g.Wxh),
      dWhh: at(g.Whh),
      dWhy: at(g.Why),
      dbh: at(g.bh),
      dby: at(g.by),
      hs: layout.hs,
      ps: layout.ps,
      dhnext: layout.dhnext,
      dhraw: layout.dhraw,
      inputs: layout.inputs,
      targets: layout.targets,
      ...scratch,
    };
    // The table goes where $gemmTN's scratch will be, read once by each init.
    const table = 2 * scratch.gemmA; // as an i32 element offset
    INIT_FIELDS.forEach((name, i) => (ints[table + i] = fields[name]));
    fwd.init(table);
    bwd.init(table);
    soft.init(table);
    return createFastModel(wasmKernel, memory, {
      hidden: fwd.hidden,
      logits: fwd.logits,
      forward: fwd.forward,
      softmaxLoss: soft.softmaxLoss,
      backward: bwd.backward,
      adagrad: bwd.adagrad,
      clip: bwd.clip,
    });
  },
};

/**
 * The wasm kernel with the batched LSTM/GRU products split between `threads` (in Node, from
 * `createMatrixThreads(n)`): the same numbers as one thread, bit for bit. The classic RNN is unchanged.
 *
 * ```ts
 * import { createCorpus, trainingSteps, wasmKernelWithThreads } from 'min-char-rnn';
 * import { createMatrixThreads } from 'min-char-rnn/node';
 *
 * const threads = createMatrixThreads(2);
 * trainingSteps(createCorpus(text), { model: { type: 'lstm', hiddenSize: 256, layers: 2 }, batchSize: 32, seqLength: 64, kernel: wasmKernelWithThreads(threads) })
 *   .subscribe({ next: (s) => console.log(s.iteration, s.loss), complete: () => threads.close() });
 * ```
 */
export function wasmKernelWithThreads(threads: MatrixThreads): Kernel {
  return {
    ...wasmKernel,
    createNetwork: (spec, vocabSize, maxSeqLength, batchSize) => batchedNetworkFor(spec, vocabSize, maxSeqLength, batchSize, 'wasm', threads),
  };
}
