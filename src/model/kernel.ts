// Dimension key: H = hiddenSize, V = vocabSize, T = seqLength (window length).
import type { Network } from './network.js';
import type { Params } from './rnn/classic/params.js';
import type { ResolvedModelSpec } from './spec.js';

/**
 * A compute backend for the model: forward + backpropagation through time over one window, and one
 * step of sampling. The plain reference kernel is the oracle; faster kernels must agree with it to
 * rounding. A kernel keeps its buffers where it computes best, hence the factory: `createModel`
 * allocates one {@link Model} per training run.
 */
export interface Kernel {
  readonly name: string;
  /** Allocates zeroed parameters, gradients and scratch space for windows of up to `maxSeqLength`. */
  createModel(hiddenSize: number, vocabSize: number, maxSeqLength: number): Model;
  /**
   * Optional: this kernel's network for any model it implements beyond the classic one-layer RNN at
   * B = 1 (an LSTM, a GRU, stacked layers, B streams), or undefined for a spec it does not implement
   * (the family's reference then computes). It must agree with the reference to rounding; see
   * docs/models.md.
   */
  createNetwork?(spec: ResolvedModelSpec, vocabSize: number, maxSeqLength: number, batchSize: number): Network | undefined;
  /**
   * Optional, beside `createNetwork`: whether it implements `spec` (without building anything), so a
   * front end can name what will compute. Absent: every spec is assumed implemented.
   */
  implementsNetwork?(spec: ResolvedModelSpec): boolean;
  /** Optional, beside `createNetwork`: the bytes its network for these sizes allocates (for memory checks). */
  networkBytes?(spec: ResolvedModelSpec, vocabSize: number, maxSeqLength: number, batchSize: number): number;
  /**
   * Optional: the most bytes one model of this kernel can occupy (a WebAssembly memory's limit), when
   * the kernel has a limit of its own below the machine's.
   */
  readonly maxModelBytes?: number;
  /** Optional: the bytes `createModel` would allocate for these sizes (to check against {@link maxModelBytes}). */
  modelBytes?(hiddenSize: number, vocabSize: number, maxSeqLength: number): number;
}

/**
 * One run's buffers and the kernel functions bound to them. Owned by a single subscription: the loss
 * stage writes `grads` and `hs`, the optimizer writes `params` in place, nothing else writes.
 */
export interface Model {
  readonly kernel: Kernel;
  readonly maxSeqLength: number;
  /** The live parameters. */
  readonly params: Params;
  /** Gradients of the last window, overwritten by each `lossFun` call. */
  readonly grads: Params;
  /**
   * Hidden states, (maxSeqLength + 1, H) row-major. Row 0 is `hprev`, the state fed into the window
   * (write it before calling `lossFun`); row t + 1 is the state after input t.
   */
  readonly hs: Float64Array;
  /**
   * Forward pass and backpropagation through time over `inputs` (length T ≤ maxSeqLength), starting
   * from hidden state `hs` row 0. Returns the summed loss Σ_t −ln p_t[targets_t]; leaves the unclipped
   * gradients in `grads` and the hidden states in `hs`.
   */
  lossFun(inputs: Int32Array, targets: Int32Array): number;
  /** Forward pass only: the summed loss of the window, hidden states in `hs`, gradients untouched. */
  loss(inputs: Int32Array, targets: Int32Array): number;
  /**
   * One sampling step: `h ← tanh(Wxh[:, ix] + Whh·h + bh)` in place, then `probs ← softmax(y / temperature)`
   * with `y = Why·h + by`. `h` has H entries and `probs` V.
   */
  sampleStep(ix: number, h: Float64Array, temperature: number, probs: Float64Array): void;
  /** A zeroed buffer living beside the parameters (e.g. optimizer memory a fast update can reach). */
  allocate(length: number): Float64Array;
  /**
   * Optional: this kernel's own `adagradUpdate` (same arguments, same numbers bit for bit: Adagrad is
   * element-wise, so a faster loop has no excuse to differ). The adagrad operator uses it when present.
   * It works on the model's own buffers (`params.data`, `grads.data`, `allocate`d ones) and returns
   * false, touching nothing, for any other: the caller then runs the plain loop.
   */
  adagradUpdate?(
    param: Float64Array,
    grad: Float64Array,
    mem: Float64Array,
    learningRate: number,
    epsilon: number,
  ): boolean;
  /**
   * Optional: this kernel's own `clipInPlace` (same numbers bit for bit), used by the lossFun operator
   * when present; fast on the model's own buffers, the plain loop for any other.
   */
  clipInPlace?(x: Float64Array, limit: number): void;
}

/** Throws the RangeError every kernel gives for a window longer than its model was sized for. */
export function checkWindowLength(length: number, maxSeqLength: number): void {
  if (length > maxSeqLength) {
    throw new RangeError(`window of ${length} exceeds the model's maxSeqLength ${maxSeqLength}`);
  }
}
