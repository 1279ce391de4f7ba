// Where a batched gated model keeps its numbers: parameters (PyTorch's state-dict order), gradients,
// every layer's activations for the window, and the scratch of the backward pass, in one memory.
// Dimension key: V = vocabSize, H = hiddenSize, L = layers, G = gates (LSTM 4: i, f, g, o; GRU 3:
// r, z, n), B = streams, T = window length (≤ maxT), M = T·B positions. Activations are time-major:
// row m = t·B + b, so the B streams of one step are B contiguous rows. Offsets count elements of the
// model's float width: doubles for f64, floats for f32 (then the memory holds float32 numbers only).
import type { Precision } from '../spec.js';

/** The gated families the batched kernels compute. */
export type GatedType = 'lstm' | 'gru';

/** Gate rows per layer: LSTM i, f, g, o; GRU r, z, n. */
export const GATES: Readonly<Record<GatedType, number>> = { lstm: 4, gru: 3 };

/** The sizes a batched model is built for. */
export interface BatchedShape {
  readonly type: GatedType;
  readonly vocabSize: number;
  readonly hiddenSize: number;
  readonly layers: number;
  readonly batchSize: number;
  readonly maxSeqLength: number;
  /** True when dropout masks are applied to every layer's output (room for them and the masked outputs). */
  readonly dropout: boolean;
  /** The float width of the memory; f64 when absent. */
  readonly precision?: Precision;
}

/** One layer's tensors in the flat parameter buffer (element offsets into it). */
export interface LayerParams {
  /** rnn.weight_ih_l{k}: (G·H, I_k), I_0 = V, I_k = H. */
  readonly Wih: number;
  /** rnn.weight_hh_l{k}: (G·H, H). */
  readonly Whh: number;
  /** rnn.bias_ih_l{k}: (G·H). */
  readonly bih: number;
  /** rnn.bias_hh_l{k}: (G·H). */
  readonly bhh: number;
  /** I_k. */
  readonly inputSize: number;
}

/** The flat parameter buffer: each layer's four tensors, then fc.weight (V, H) and fc.bias (V). */
export interface ParamLayout {
  readonly layers: readonly LayerParams[];
  readonly fcW: number;
  readonly fcB: number;
  readonly count: number;
}

/** Lays out the parameters in PyTorch's state-dict order (so a flat copy is the state dict's tensors back to back). */
export function paramLayout(type: GatedType, V: number, H: number, L: number): ParamLayout {
  const GH = GATES[type] * H;
  let end = 0;
  const take = (n: number): number => {
    const at = end;
    end += n;
    return at;
  };
  const layers: LayerParams[] = [];
  for (let k = 0; k < L; k++) {
    const inputSize = k === 0 ? V : H;
    layers.push({ Wih: take(GH * inputSize), Whh: take(GH * H), bih: take(GH), bhh: take(GH), inputSize });
  }
  const fcW = take(V * H);
  const fcB = take(V);
  return { layers, fcW, fcB, count: end };
}

/** One layer's buffers in the memory (element offsets). */
export interface LayerBuffers {
  /** (maxM, G·H) gate pre-activations, then their activations (LSTM i, f, g, o; GRU r, z, n). */
  readonly acts: number;
  /** GRU: (maxM, G·H) W_hh·h_{t−1} + b_hh at every step (its n part is needed again backwards). */
  readonly gh: number;
  /** (maxM + B, H) hidden states: rows 0..B−1 the state fed in, then h_t at rows (t + 1)·B + b. */
  readonly h: number;
  /** LSTM: (maxM + B, H) cell states, laid out as `h`. */
  readonly c: number;
  /** LSTM: (maxM, H) tanh(c_t), kept for the backward pass. */
  readonly tc: number;
  /** (maxM, H) dropout mask of this layer's output (0 or 1/(1 − p)), time-major; when dropout is on. */
  readonly mask: number;
  /** (maxM, H) the layer's output as the next layer sees it: h ⊙ mask, or `h`'s rows from B when no dropout. */
  readonly out: number;
}

/** The whole memory of a batched model (element offsets; i32 element offsets for `inputs`, `targets`). */
export interface BatchedLayout {
  readonly shape: BatchedShape;
  readonly G: number;
  readonly maxM: number;
  readonly paramLayout: ParamLayout;
  readonly params: number;
  readonly grads: number;
  readonly layers: readonly LayerBuffers[];
  /** S, state numbers per stream: H per layer, 2H for the LSTM (h, then c). */
  readonly S: number;
  /** (B, S) the state fed into the next window, by stream: [h_0, (c_0), h_1, (c_1), …]. */
  readonly hprev: number;
  /** (B, S) the state after the last window, same layout. */
  readonly hout: number;
  /** (G·H) b_ih + b_hh (LSTM), folded into the input projection. */
  readonly bsum: number;
  /** (max(V, H), G·H) W_ihᵀ of the layer being computed (its rows are W_ih's columns). */
  readonly WihT: number;
  /** (H, G·H) W_hhᵀ of the layer being computed. */
  readonly WhhT: number;
  /** (maxM, G·H) gradients of the gate pre-activations (GRU: of its input-side sums). */
  readonly dG: number;
  /** GRU: (maxM, G·H) gradients of the hidden-side sums W_hh·h + b_hh. */
  readonly dGh: number;
  /** (G·H, maxM) a transposed dG, for the weight gradients as products over the window. */
  readonly dGT: number;
  /** (max(H, V)·maxM) a transposed layer input or dy. */
  readonly XT: number;
  /** (V, G·H) layer 0's dW_ihᵀ, summed by character. */
  readonly dWihT: number;
  /** (maxM, H) ×2: the gradient reaching a layer's output, and the one it passes down. */
  readonly dA: number;
  readonly dB: number;
  /** (B, H) dh_{t+1} and (B, H) dc_{t+1} within the backward pass. */
  readonly dhNext: number;
  readonly dcNext: number;
  /** (maxM, V) logits, then softmax outputs, then dy. */
  readonly logits: number;
  /** (H, V) fc.weightᵀ. */
  readonly fcWT: number;
  /** (maxM) i32: the window's inputs, time-major. */
  readonly inputs: number;
  /** (maxM) i32: its targets. */
  readonly targets: number;
  /** Bytes per float: 8 (f64) or 4 (f32). */
  readonly elementBytes: 8 | 4;
  readonly bytes: number;
}

/** Lays out a batched model's memory. Regions start on 16-byte boundaries for the SIMD loads. */
export function batchedLayout(shape: BatchedShape): BatchedLayout {
  const { type, vocabSize: V, hiddenSize: H, layers: L, batchSize: B, maxSeqLength } = shape;
  const G = GATES[type];
  const GH = G * H;
  const maxM = maxSeqLength * B;
  const pl = paramLayout(type, V, H, L);
  const elementBytes = shape.precision === 'f32' ? 4 : 8;
  const align = 16 / elementBytes; // elements in 16 bytes
  let end = 0;
  const take = (n: number): number => {
    const at = end;
    end += Math.ceil(n / align) * align;
    return at;
  };
  const params = take(pl.count);
  const grads = take(pl.count);
  const layers: LayerBuffers[] = [];
  for (let k = 0; k < L; k++) {
    const acts = take(maxM * GH);
    const gh = type === 'gru' ? take(maxM * GH) : -1;
    const h = take((maxM + B) * H);
    const c = type === 'lstm' ? take((maxM + B) * H) : -1;
    const tc = type === 'lstm' ? take(maxM * H) : -1;
    const mask = shape.dropout ? take(maxM * H) : -1;
    const out = shape.dropout ? take(maxM * H) : h + B * H;
    layers.push({ acts, gh, h, c, tc, mask, out });
  }
  const S = (type === 'lstm' ? 2 : 1) * L * H;
  const hprev = take(B * S);
  const hout = take(B * S);
  const bsum = take(GH);
  const WihT = take(Math.max(V, H) * GH);
  const WhhT = take(H * GH);
  const dG = take(maxM * GH);
  const dGh = type === 'gru' ? take(maxM * GH) : -1;
  const dGT = take(GH * maxM);
  const XT = take(Math.max(H, V) * maxM);
  const dWihT = take(V * GH);
  const dA = take(maxM * H);
  const dB = take(maxM * H);
  const dhNext = take(B * H);
  const dcNext = take(B * H);
  const logits = take(maxM * V);
  const fcWT = take(H * V);
  const perFloat = elementBytes / 4; // i32 per float
  const ints = take(Math.ceil((2 * maxM) / perFloat));
  return {
    shape,
    G,
    maxM,
    paramLayout: pl,
    params,
    grads,
    layers,
    S,
    hprev,
    hout,
    bsum,
    WihT,
    WhhT,
    dG,
    dGh,
    dGT,
    XT,
    dWihT,
    dA,
    dB,
    dhNext,
    dcNext,
    logits,
    fcWT,
    inputs: perFloat * ints,
    targets: perFloat * ints + maxM,
    elementBytes,
    bytes: elementBytes * end,
  };
}
