// A batched gated model (LSTM or GRU, stacked layers, B streams) in one memory: the window's forward
// pass layer by layer, the output layer and softmax cross-entropy over all B·T positions as one
// product, and backpropagation through time. Dimension key: see layout.ts (V, H, L, G, B, T, M = T·B).
//
// The matrix work runs on MatrixOps: WebAssembly SIMD over a WebAssembly memory, or the same
// recipe in plain loops over an ArrayBuffer; both give the same bits. Gate math, softmax and loss are
// JavaScript with exp, log and tanh from math/elementary.ts.
//
// With `precision: 'f32'` the memory holds float32 numbers and the products are float32 ones
// (matrix32.ts); gate math and softmax store every value as a float32 (each formula evaluated in a
// double, rounded once on the store). The parameters, gradients and states the model shows stay
// float64 arrays: the parameters are rounded into the memory at the start of every window and the
// float32 gradients and state copied out at its end, so optimizers and checkpoints see doubles.
import { exp, log } from '../../math/elementary.js';
import { WASM_MAX_BYTES, WASM_PAGE, wasmApi } from '../wasmApi.js';
import { gruBackward, gruForward } from './gru.js';
import { batchedLayout, type BatchedLayout, type BatchedShape, type ParamLayout } from './layout.js';
import { lstmBackward, lstmForward } from './lstm.js';
import { jsMatrixOps, wasmMatrixAvailable, wasmMatrixOps, type Floats, type MatrixOps } from './matrix.js';
import { jsMatrixOps32, wasmMatrixOps32 } from './matrix32.js';
import { fillRows, type BatchedContext } from './projections.js';
import { threadedMatrixOps, type MatrixThreads } from './threads.js';

/** Which implementation of the matrix work: WebAssembly SIMD or plain JavaScript (same numbers). */
export type BatchedBackend = 'wasm' | 'js';

/** One run's batched model: its buffers, and forward/backward over windows of B streams. */
export interface BatchedModel {
  readonly shape: BatchedShape;
  readonly backend: BatchedBackend;
  readonly paramLayout: ParamLayout;
  /** The live parameters, flat in PyTorch's state-dict order (see layout.ts). */
  readonly params: Float64Array;
  /** Gradients of the last window (mean over streams), same layout. */
  readonly grads: Float64Array;
  /** S, state numbers per stream: H per layer, 2H for the LSTM. */
  readonly stateSize: number;
  /**
   * (B, S) the state each window starts from, by stream: every layer's h in turn, each LSTM layer's c
   * right after its h, `[h_0, (c_0), h_1, (c_1), …]`. Zero it to reset.
   */
  readonly hprev: Float64Array;
  /** (B, S) the state after the last window, same layout. */
  readonly h: Float64Array;
  /** Copies `h` into `hprev`: carrying the state to the next window. */
  carry(): void;
  /**
   * Forward and backward over one window: `inputs` and `targets` are B×T row-major by stream. Returns
   * the mean over streams of the summed loss Σ_t −ln p_t[target]; leaves the gradients (mean over
   * streams, unclipped) in `grads` and the final state in `h`. `dropoutMasks` (L, B, T, H), used when
   * the model was built with dropout, multiplies each layer's output (0 or 1/(1 − p) per element).
   */
  lossFun(inputs: Int32Array, targets: Int32Array, dropoutMasks?: Float64Array): number;
  /** Forward only, without dropout: the same loss, the final state in `h`; gradients are untouched. */
  loss(inputs: Int32Array, targets: Int32Array): number;
}

// Memories attached to a pool of threads are detached when their model is collected.
const attached = new FinalizationRegistry<{ threads: MatrixThreads; id: number }>(({ threads, id }) => threads.detach(id));

/** The memory and matrix ops of a backend, or why it cannot hold this model. */
function allocate(
  layout: BatchedLayout,
  backend: BatchedBackend,
  threads: MatrixThreads | undefined,
): { buffer: ArrayBufferLike; ops: MatrixOps; attachment?: { threads: MatrixThreads; id: number } } {
  const f32 = layout.elementBytes === 4;
  if (backend === 'js') {
    const buffer = new ArrayBuffer(layout.bytes);
    const ints = new Int32Array(buffer);
    return { buffer, ops: f32 ? jsMatrixOps32(new Float32Array(buffer), ints) : jsMatrixOps(new Float64Array(buffer), ints) };
  }
  const api = wasmApi();
  if (api === undefined || !wasmMatrixAvailable()) throw new Error('this runtime has no WebAssembly SIMD');
  if (layout.bytes > WASM_MAX_BYTES) {
    throw new RangeError(`the model needs ${layout.bytes} bytes, more than a WebAssembly memory holds (${WASM_MAX_BYTES})`);
  }
  const pages = Math.ceil(layout.bytes / WASM_PAGE);
  if (threads === undefined || threads.threads < 2 || (f32 && threads.float32 !== true)) {
    const memory = new api.Memory({ initial: pages, maximum: pages });
    return { buffer: memory.buffer, ops: f32 ? wasmMatrixOps32(memory) : wasmMatrixOps(memory) };
  }
  const memory = new api.Memory({ initial: pages, maximum: pages, shared: true });
  const id = f32 ? threads.attach(memory, 'f32') : threads.attach(memory);
  const local = f32 ? wasmMatrixOps32(memory, true) : wasmMatrixOps(memory, true);
  return { buffer: memory.buffer, ops: threadedMatrixOps(local, threads, id), attachment: { threads, id } };
}

/**
 * Builds a batched model with zero parameters (copy the initial ones into `params`). With `threads`
 * (wasm only), the matrix products are split between them over a shared memory: the same bits as
 * one thread.
 */
export function createBatchedModel(shape: BatchedShape, backend: BatchedBackend, threads?: MatrixThreads): BatchedModel {
  const layout = batchedLayout(shape);
  const { buffer, ops, attachment } = allocate(layout, backend, threads);
  const f32 = layout.elementBytes === 4;
  const f: Floats = f32 ? new Float32Array(buffer) : new Float64Array(buffer);
  const ints = new Int32Array(buffer);
  const ctx: BatchedContext = { f, ops, layout };
  const { type, vocabSize: V, hiddenSize: H, layers: L, batchSize: B, maxSeqLength: maxT } = shape;
  const pl = layout.paramLayout;
  const forwardLayer = type === 'lstm' ? lstmForward : gruForward;
  const backwardLayer = type === 'lstm' ? lstmBackward : gruBackward;
  const streamLoss = new Float64Array(B);
  const { S } = layout;
  const perLayer = type === 'lstm' ? 2 : 1; // blocks of H per layer in a stream's state
  const BH = B * H;

  // Copies the window in (time-major) and the carried state into every layer's rows 0..B−1.
  const begin = (inputs: Int32Array, targets: Int32Array): number => {
    const T = inputs.length / B;
    if (!Number.isInteger(T) || T < 1 || targets.length !== inputs.length) {
      throw new RangeError(`a window of ${inputs.length} inputs and ${targets.length} targets is not ${B} streams of equal length`);
    }
    if (T > maxT) throw new RangeError(`window of ${T} steps exceeds the model's maxSeqLength ${maxT}`);
    for (let b = 0; b < B; b++) {
      for (let t = 0; t < T; t++) {
        const x = inputs[b * T + t];
        const y = targets[b * T + t];
        if (!(x >= 0 && x < V && y >= 0 && y < V)) throw new RangeError(`character index ${x < 0 || x >= V ? x : y} is outside the vocabulary of ${V}`);
        ints[layout.inputs + t * B + b] = x;
        ints[layout.targets + t * B + b] = y;
      }
    }
    for (let k = 0; k < L; k++) {
      const buf = layout.layers[k]!;
      for (let b = 0; b < B; b++) {
        const from = layout.hprev + b * S + k * perLayer * H; // this layer's h (then c) in stream b's state
        f.copyWithin(buf.h + b * H, from, from + H);
        if (type === 'lstm') f.copyWithin(buf.c + b * H, from + H, from + 2 * H);
      }
    }
    return T;
  };

  // The caller's masks (L, B, T, H) by stream, into each layer's (T·B, H) time-major mask.
  const setMasks = (masks: Float64Array, T: number): void => {
    if (masks.length !== L * B * T * H) throw new RangeError(`dropout masks have ${masks.length} numbers, expected L·B·T·H = ${L * B * T * H}`);
    for (let k = 0; k < L; k++) {
      const { mask } = layout.layers[k]!;
      for (let b = 0; b < B; b++) {
        for (let t = 0; t < T; t++) {
          const from = ((k * B + b) * T + t) * H;
          for (let j = 0; j < H; j++) f[mask + (t * B + b) * H + j] = masks[from + j]!;
        }
      }
    }
  };

  // Every layer forward, then the logits of all M positions as one product; their softmax in place.
  // Returns the mean over streams of each stream's summed loss.
  const forward = (T: number, masked: boolean): number => {
    const M = T * B;
    for (let k = 0; k < L; k++) {
      forwardLayer(ctx, k, T);
      const { h, mask, out } = layout.layers[k]!;
      if (shape.dropout) {
        if (masked) for (let e = 0; e < M * H; e++) f[out + e] = f[h + BH + e] * f[mask + e];
        else f.copyWithin(out, h + BH, h + BH + M * H);
      }
    }
    const top = layout.layers[L - 1]!.out;
    fillRows(f, layout.params + pl.fcB, layout.logits, M, V);
    ops.gemmNT(top, H, layout.params + pl.fcW, H, layout.logits, V, M, V, H, 1); // y = W x + b
    streamLoss.fill(0);
    for (let m = 0; m < M; m++) {
      const y = layout.logits + m * V;
      let max = -Infinity;
      for (let v = y; v < y + V; v++) if (f[v] > max) max = f[v];
      let sum = 0;
      for (let v = y; v < y + V; v++) {
        const e = exp(f[v] - max);
        f[v] = e;
        sum += e;
      }
      for (let v = y; v < y + V; v++) f[v] = f[v] / sum;
      streamLoss[m % B] += -log(f[y + ints[layout.targets + m]]);
    }
    let total = 0;
    for (let b = 0; b < B; b++) total += streamLoss[b];
    return total / B;
  };

  // The final states of every layer become the carried state.
  const end = (T: number): void => {
    for (let k = 0; k < L; k++) {
      const buf = layout.layers[k]!;
      for (let b = 0; b < B; b++) {
        const to = layout.hout + b * S + k * perLayer * H;
        const row = (T * B + b) * H; // h_{T−1} of stream b
        f.copyWithin(to, buf.h + row, buf.h + row + H);
        if (type === 'lstm') f.copyWithin(to + H, buf.c + row, buf.c + row + H);
      }
    }
  };

  const backward = (T: number, masked: boolean): void => {
    const M = T * B;
    const dy = layout.logits; // dy = (p − onehot(target)) / B: the mean over streams
    for (let m = 0; m < M; m++) {
      const y = dy + m * V;
      for (let v = y; v < y + V; v++) f[v] = f[v] / B;
      const target = y + ints[layout.targets + m];
      f[target] = f[target] - 1 / B;
    }
    const top = layout.layers[L - 1]!.out;
    ops.sumRows(dy, M, layout.grads + pl.fcB, V);
    ops.transpose(dy, V, layout.XT, M, M, V); // dyᵀ (V, M)
    ops.transpose(top, H, layout.dGT, M, M, H); // xᵀ (H, M)
    ops.gemmNT(layout.XT, M, layout.dGT, M, layout.grads + pl.fcW, H, V, H, M, 0); // dW = dyᵀ x
    ops.transpose(layout.params + pl.fcW, H, layout.fcWT, V, V, H); // Wᵀ (H, V)
    let dOut = layout.dA;
    let dIn = layout.dB;
    ops.gemmNT(dy, V, layout.fcWT, V, dOut, H, M, H, V, 0); // dx = dy W
    for (let k = L - 1; k >= 0; k--) {
      const { mask } = layout.layers[k]!;
      if (masked) for (let e = 0; e < M * H; e++) f[dOut + e] = f[dOut + e] * f[mask + e];
      backwardLayer(ctx, k, T, dOut, k > 0 ? dIn : -1);
      [dOut, dIn] = [dIn, dOut];
    }
  };

  // float64 views of the memory, or (f32) float64 arrays of their own that each window rounds into
  // the memory (params, hprev) and fills from it (grads, h).
  const shown = (at: number, n: number): Float64Array => (f32 ? new Float64Array(n) : (f as Float64Array).subarray(at, at + n));
  const params = shown(layout.params, pl.count);
  const grads = shown(layout.grads, pl.count);
  const hprev = shown(layout.hprev, B * S);
  const h = shown(layout.hout, B * S);
  const roundIn = (): void => {
    if (!f32) return;
    f.set(params, layout.params);
    f.set(hprev, layout.hprev);
  };
  const copyOut = (withGrads: boolean): void => {
    if (!f32) return;
    if (withGrads) grads.set(f.subarray(layout.grads, layout.grads + pl.count));
    h.set(f.subarray(layout.hout, layout.hout + B * S));
  };

  const model: BatchedModel = {
    shape,
    backend,
    paramLayout: pl,
    params,
    grads,
    stateSize: S,
    hprev,
    h,
    carry() {
      if (f32) hprev.set(h);
      else f.copyWithin(layout.hprev, layout.hout, layout.hout + B * S);
    },
    lossFun(inputs, targets, dropoutMasks) {
      roundIn();
      const T = begin(inputs, targets);
      const masked = shape.dropout && dropoutMasks !== undefined;
      if (masked) setMasks(dropoutMasks, T);
      const loss = forward(T, masked);
      backward(T, masked);
      end(T);
      copyOut(true);
      return loss;
    },
    loss(inputs, targets) {
      roundIn();
      const T = begin(inputs, targets);
      const loss = forward(T, false);
      end(T);
      copyOut(false);
      return loss;
    },
  };
  if (attachment) attached.register(model, attachment);
  return model;
}
