import type { Window } from '../corpus/windows.js';
import type { Network } from '../model/network.js';
import type { RandomState } from '../model/rng.js';
import type { ModelParams } from '../model/tensors.js';

/**
 * What the loss stage emits for each window. Ownership, so that stages can reuse buffers safely:
 * - `params` are the live parameters, owned by the `lossFun` subscription; only the optimizer stage
 *   writes them, in place, while the step is being emitted.
 * - `grads`, `hprev` and `h` are views into buffers that the next window overwrites: they are valid only
 *   during the synchronous emission of this step. Copy them to keep them. Clipping stages between the
 *   loss stage and the optimizer may rewrite `grads` in place.
 * The optimizer contract (state, restore) is in optimizers/optimizer.ts and docs/optimizers.md.
 * Everything else is a plain value.
 */
export interface TrainingStep extends Window {
  /** Σ_t −ln p_t[targets_t] over the window (summed, not averaged); with B streams the mean of their sums. */
  readonly loss: number;
  /** The live parameters (see ownership above). */
  readonly params: ModelParams;
  /** Gradients of `loss` (clipped when the loss stage clips). Valid during emission only. */
  readonly grads: ModelParams;
  /** State fed into the window, (B, S): every stream's (see `Network`). Valid during emission only. */
  readonly hprev: Float64Array;
  /** State after the window's last character, (B, S); becomes the next window's `hprev`. Valid during emission only. */
  readonly h: Float64Array;
  /** The network holding these buffers, so later stages (sampling, evaluation) compute with the same kernel. */
  readonly model: Network;
  /** Snapshot of the dropout generator after this step (a fresh copy each call), for checkpoints. */
  readonly dropoutRandomState?: () => RandomState;
}

/** What the guard reports about a step it undid: plain values, safe to keep. */
export interface NonFiniteRecord {
  /** The iteration whose result was thrown away. */
  readonly iteration: number;
  /** What was found: a non-finite `loss`, or `parameters` (from a non-finite gradient) when keeping a state. */
  readonly what: 'loss' | 'parameters';
  /** That step's loss (NaN or ±Infinity when `what` is `loss`). */
  readonly loss: number;
  /** The iteration after which the restored state was kept. */
  readonly restoredFrom: number;
  /** The learning-rate multiplier from now on (the product of every `lrFactor` so far). */
  readonly learningRateScale: number;
  /** Rollbacks since a state was last kept, this one included. */
  readonly retry: number;
  readonly maxRetries: number;
}

/** What the guard adds to a step it undid (other steps pass unchanged). */
export interface GuardedStep {
  /** Set when this step's update was undone: the parameters and optimizer state are the restored ones. */
  readonly nonFinite?: NonFiniteRecord;
}
