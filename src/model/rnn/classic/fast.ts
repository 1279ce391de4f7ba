// The half the fast kernels share: one memory for every buffer, the forward pass, sampling.
// Dimension key: H = hiddenSize, V = vocabSize, T = window length (≤ maxT).
//
// Both fast kernels keep all their numbers in one memory (an ArrayBuffer for the JavaScript kernel,
// a WebAssembly memory for the wasm one) with the layout below, and leave the numerical work to a
// FastOps: plain loops (jsKernel.ts) or WebAssembly SIMD (wasmKernel.ts), both addressing that memory
// by offsets. The softmax and the loss are computed here, in the reference's expressions with exp and
// log from src/math/elementary.ts, unless the ops bring their own (the wasm kernel's softmax.wat, whose
// exp and log give the same bits).
import { clipInPlace } from '../../clip.js';
import { log } from '../../../math/elementary.js';
import { checkWindowLength, type Kernel, type Model } from '../../kernel.js';
import { parameterCount, paramsView, type Params } from './params.js';
import { softmaxInPlace } from './reference.js';

/**
 * Where each buffer lives in a fast kernel's memory: offsets counted in f64 elements (i32 elements for
 * `inputs` and `targets`), each region starting on a 16-byte boundary for the SIMD loads.
 */
export interface FastLayout {
  readonly H: number;
  readonly V: number;
  readonly maxT: number;
  /** Parameters as `paramsView` lays them out: Wxh (H, V), Whh (H, H), Why (V, H), bh (H), by (V). */
  readonly params: number;
  /** Gradients, same layout. */
  readonly grads: number;
  /** (maxT + 1, H) hidden states, row 0 = hprev. */
  readonly hs: number;
  /** (maxT, V) softmax outputs; the backward pass turns them into dy in place. */
  readonly ps: number;
  /** (H) scratch of the backward pass. */
  readonly dh: number;
  /** (H) */
  readonly dhnext: number;
  /** (maxT, H) every step's dhraw, kept for dWhh. */
  readonly dhraw: number;
  /** (H) sampling: the state fed in. */
  readonly sampleH: number;
  /** (H) sampling: the next state. */
  readonly sampleHnext: number;
  /** (V) sampling: the logits. */
  readonly sampleY: number;
  /** {@link FAST_SLOTS} zeroed parameter-sized buffers for `allocate` (optimizer memory). */
  readonly slots: number;
  /** (maxT) i32: the window's inputs, copied in for the backward pass. */
  readonly inputs: number;
  /** (maxT) i32: its targets. */
  readonly targets: number;
  /** Total size in bytes. */
  readonly bytes: number;
}

/**
 * Parameter-sized buffers reserved beside the parameters for `allocate`: Adagrad needs one, and a
 * second leaves room for an optimizer with two (Adam). Reserved up front because a WebAssembly memory
 * that grows detaches every view over it; further requests get ordinary arrays.
 */
export const FAST_SLOTS = 2;

/** Lays out one model's buffers (see {@link FastLayout}). */
export function fastLayout(H: number, V: number, maxT: number): FastLayout {
  const P = parameterCount(H, V);
  let end = 0;
  const take = (n: number): number => {
    const at = end;
    end += n + (n % 2); // keep every region 16-byte aligned
    return at;
  };
  const params = take(P);
  const grads = take(P);
  const hs = take((maxT + 1) * H);
  const ps = take(maxT * V);
  const dh = take(H);
  const dhnext = take(H);
  const dhraw = take(maxT * H);
  const sampleH = take(H);
  const sampleHnext = take(H);
  const sampleY = take(V);
  const slots = take(FAST_SLOTS * P);
  const ints = take(maxT); // 2·maxT i32 fit in maxT f64
  return {
    H,
    V,
    maxT,
    params,
    grads,
    hs,
    ps,
    dh,
    dhnext,
    dhraw,
    sampleH,
    sampleHnext,
    sampleY,
    slots,
    inputs: 2 * ints,
    targets: 2 * ints + maxT,
    bytes: 8 * end,
  };
}

/** A fast kernel's memory: the layout, views over the whole of it, and the parameters and gradients. */
export interface FastMemory {
  readonly layout: FastLayout;
  /** The whole memory as doubles: the ops address it by element offset. */
  readonly f: Float64Array;
  /** The whole memory as 32-bit integers (inputs and targets). */
  readonly ints: Int32Array;
  readonly params: Params;
  readonly grads: Params;
}

/** Views over `buffer` (at least `layout.bytes` long) laid out as `layout` says. */
export function fastMemory(layout: FastLayout, buffer: ArrayBuffer): FastMemory {
  const { H, V } = layout;
  const P = parameterCount(H, V);
  const f = new Float64Array(buffer);
  return {
    layout,
    f,
    ints: new Int32Array(buffer),
    params: paramsView(H, V, f.subarray(layout.params, layout.params + P)),
    grads: paramsView(H, V, f.subarray(layout.grads, layout.grads + P)),
  };
}

/** Element offset of a view into the memory `f` spans. */
export function offsetIn(f: Float64Array, view: Float64Array): number {
  return (view.byteOffset - f.byteOffset) / 8;
}

/**
 * The matrix work a fast kernel supplies, over its {@link FastMemory}: every argument is an element
 * offset into `f` or a count.
 */
export interface FastOps {
  /**
   * `f[hc..hc+H) ← tanh(Wxh[:, ix] + Whh·f[hp..hp+H) + bh)`: one recurrent step, reading the
   * parameters as they are now (sampling uses it between updates).
   */
  hidden(ix: number, hp: number, hc: number): void;
  /** `f[y..y+V) ← Why·f[h..h+H) + by`: the output layer before the softmax. */
  logits(h: number, y: number): void;
  /**
   * Optional: the forward pass of a whole window at once, the window's inputs copied into `inputs`:
   * fills `hs` rows 1..T and the logits in `ps` rows 0..T−1, as `hidden` and `logits` step by step
   * would. The parameters do not change until the window's `backward`, so a kernel may copy them
   * into a faster layout here.
   */
  forward?(T: number): void;
  /**
   * Backpropagation through time over the T steps the forward pass left in `hs` and `ps` (softmax
   * outputs by then), with the window copied into `inputs` and `targets`: overwrites all five
   * gradients (unclipped) and `ps`.
   */
  backward(T: number): void;
  /**
   * Optional: rows 0..T−1 of `ps` (logits) ← their softmax, in place, with the window's targets copied
   * into `targets`; returns Σ_t −ln p_t[targets_t]. The same numbers as the reference's softmax and loss.
   */
  softmaxLoss?(T: number): number;
  /** Optional fast `adagradUpdate` over n elements (bit for bit the same numbers). */
  adagrad?(param: number, grad: number, mem: number, n: number, learningRate: number, epsilon: number): void;
  /** Optional fast `clipInPlace` over n elements (bit for bit the same numbers). */
  clip?(x: number, n: number, limit: number): void;
}

/**
 * A {@link Model} over `memory` computing with `ops`: the forward pass (the softmax and the loss in
 * the reference's expressions, or the ops' own), sampling, and the optional fast Adagrad and clipping.
 */
export function createFastModel(kernel: Kernel, memory: FastMemory, ops: FastOps): Model {
  const { layout: L, f, ints, params, grads } = memory;
  const { H, V, maxT } = L;
  const hs = f.subarray(L.hs, L.hs + (maxT + 1) * H);
  let slotsUsed = 0;

  // Fills hs rows 1..T and ps rows 0..T-1; returns Σ_t −ln p_t[targets_t]. Leaves the window's
  // inputs and targets copied in for the backward pass.
  const forward = (inputs: Int32Array, targets: Int32Array): number => {
    checkWindowLength(inputs.length, maxT);
    const T = inputs.length;
    ints.set(inputs, L.inputs);
    ints.set(targets, L.targets);
    if (ops.forward) ops.forward(T);
    else {
      for (let t = 0; t < T; t++) {
        const hc = L.hs + (t + 1) * H; // h_t; h_{t-1} is the row before
        ops.hidden(inputs[t], hc - H, hc); // h_t = tanh(Wxh x_t + Whh h_{t-1} + bh)
        ops.logits(hc, L.ps + t * V); // y_t = Why h_t + by
      }
    }
    if (ops.softmaxLoss) return ops.softmaxLoss(T);
    let loss = 0;
    for (let t = 0; t < T; t++) {
      const y = L.ps + t * V; // p_t = softmax(y_t)
      let max = -Infinity;
      for (let k = y; k < y + V; k++) if (f[k] > max) max = f[k];
      softmaxInPlace(f, y, V, max);
      loss += -log(f[y + targets[t]]);
    }
    return loss;
  };

  // True when `a` is a view into this model's memory, so the ops can address it.
  const own = (a: Float64Array): boolean => a.buffer === f.buffer;
  const { adagrad, clip } = ops;

  return {
    kernel,
    maxSeqLength: maxT,
    params,
    grads,
    hs,
    lossFun(inputs, targets) {
      const loss = forward(inputs, targets);
      ops.backward(inputs.length);
      return loss;
    },
    loss: forward,
    sampleStep(ix, h, temperature, probs) {
      f.set(h, L.sampleH);
      ops.hidden(ix, L.sampleH, L.sampleHnext);
      for (let i = 0; i < H; i++) h[i] = f[L.sampleHnext + i];
      ops.logits(L.sampleHnext, L.sampleY);
      let max = -Infinity;
      for (let k = 0; k < V; k++) {
        const y = f[L.sampleY + k] / temperature;
        probs[k] = y;
        if (y > max) max = y;
      }
      softmaxInPlace(probs, 0, V, max);
    },
    allocate(length) {
      const P = params.data.length;
      if (length > P || slotsUsed === FAST_SLOTS) return new Float64Array(length);
      const at = L.slots + P * slotsUsed++;
      return f.subarray(at, at + length);
    },
    ...(adagrad && {
      adagradUpdate(param: Float64Array, grad: Float64Array, mem: Float64Array, learningRate: number, epsilon: number) {
        const n = param.length;
        if (grad.length !== n || mem.length !== n || !own(param) || !own(grad) || !own(mem)) return false;
        adagrad(offsetIn(f, param), offsetIn(f, grad), offsetIn(f, mem), n, learningRate, epsilon);
        return true;
      },
    }),
    ...(clip && {
      clipInPlace(x: Float64Array, limit: number) {
        if (own(x)) clip(offsetIn(f, x), x.length, limit);
        else clipInPlace(x, limit);
      },
    }),
  };
}
