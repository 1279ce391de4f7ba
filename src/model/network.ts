// Dimension key: B = batchSize (streams), T = window length, S = state numbers per stream, V = vocabSize.
import type { ResolvedModelSpec } from './spec.js';
import type { ModelParams } from './tensors.js';

/**
 * One training run's model of any family, over B streams: its parameters, gradients and carried state,
 * and the compute functions bound to them. What the pipeline's stages work with. Owned by a single
 * subscription: the loss stage writes `grads` and the state, the optimizer writes `params` in place.
 *
 * State: each stream carries S numbers, the hidden state of every layer in order (and, for the LSTM,
 * each layer's cell state right after its hidden state): `[h_0, (c_0), h_1, (c_1), ...]`, H each.
 * `hprev` is (B, S) row-major by stream; so is `h`.
 *
 * Implementations: the classic kernels (wasm, js, reference) for the one-layer RNN at B = 1, and a
 * family's readable reference for everything else; a faster kernel plugs in through
 * `Kernel.createNetwork` (docs/models.md).
 */
export interface Network {
  /** Which implementation computes: `wasm`, `js`, `reference`, ... */
  readonly kernelName: string;
  /**
   * Set when the implementation is not the one asked for, saying why in one line (e.g. a model too
   * large for WebAssembly memory computed by the js kernel), for a front end to show.
   */
  readonly kernelNote?: string;
  readonly spec: ResolvedModelSpec;
  readonly vocabSize: number;
  /** B, the number of streams a window holds. */
  readonly batchSize: number;
  /** Longest window (T) this network was sized for. */
  readonly maxSeqLength: number;
  /** S, state numbers per stream. */
  readonly stateSize: number;
  /** The live parameters. */
  readonly params: ModelParams;
  /** Gradients of the last window (mean over streams), overwritten by each `lossFun` call. */
  readonly grads: ModelParams;
  /** (B, S) the state fed into the next window: write it (or zero it) before `lossFun` / `loss`. */
  readonly hprev: Float64Array;
  /** (B, S) the state after the last window computed (a view that the next call overwrites). */
  readonly h: Float64Array;
  /** Copies `h` into `hprev`: what carrying the state to the next window means. */
  carry(): void;
  /**
   * Forward pass and backpropagation through time over a window of B streams: `inputs` and `targets`
   * are (B, T) row-major by stream. Returns the mean over streams of each stream's summed loss
   * Σ_t −ln p_t[target]; leaves the unclipped gradients of that mean in `grads` and the final state in
   * `h`. `dropoutMasks` (L, B, T, H), when the spec has dropout, holds each layer output's multiplier
   * (0 or 1 / (1 − p)), drawn by the caller so that every kernel sees the same masks.
   */
  lossFun(inputs: Int32Array, targets: Int32Array, dropoutMasks?: Float64Array): number;
  /** Forward pass only, no dropout: the same loss, final state in `h`, gradients untouched. */
  loss(inputs: Int32Array, targets: Int32Array): number;
  /**
   * One sampling step of one stream: feeds character `ix` through every layer, advancing `state` (S) in
   * place, then `probs ← softmax(y / temperature)` (V).
   */
  sampleStep(ix: number, state: Float64Array, temperature: number, probs: Float64Array): void;
  /** A zeroed buffer living beside the parameters (optimizer slots). */
  allocate(length: number): Float64Array;
  /** Optional fast Adagrad over the network's own buffers (see `Model.adagradUpdate`). */
  adagradUpdate?(param: Float64Array, grad: Float64Array, mem: Float64Array, learningRate: number, epsilon: number): boolean;
  /** Optional fast element-wise clip (see `Model.clipInPlace`). */
  clipInPlace?(x: Float64Array, limit: number): void;
  /** A new network of the same spec and implementation with zero parameters and state (e.g. for evaluation). */
  sibling(maxSeqLength: number, batchSize: number): Network;
}

/** Just what sampling needs: {@link Network} and the classic `Model` both are one. */
export interface Sampler {
  readonly params: { readonly vocabSize: number };
  sampleStep(ix: number, state: Float64Array, temperature: number, probs: Float64Array): void;
}
