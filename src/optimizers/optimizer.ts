// The optimizer contract. An optimizer is an ordinary RxJS operator from training steps to training
// steps; this file says what it may rely on, what it may change, and how its state travels. The full
// text, with examples, is docs/optimizers.md.
//
// 1. What a step carries. Each step is one window after the loss stage (and any clipping stage):
//    `iteration` (the global iteration number n, counting from 0 across resumes), `params` (the live
//    weights), `grads` (the gradients of this window's loss, already clipped), plus `loss`, `hprev`,
//    `h`, `model` and whatever earlier stages added (e.g. `sample`).
// 2. Who owns what. `params` belong to the `lossFun` subscription; the optimizer stage is the only stage
//    that writes them, in place, during the synchronous emission of the step (before it passes the step
//    on). `grads`, `hprev` and `h` are valid only during that emission; clipping stages may rewrite
//    `grads` in place before the optimizer sees them. An optimizer never keeps references to them.
// 3. State. Everything an optimizer remembers between steps lives in per-subscription state created at
//    subscription (so two subscriptions never share it): a step count `updates` and per-parameter
//    buffers (`slots`) laid out like `params.data`, allocated with `step.model.allocate`. After updating,
//    the stage emits the step with `optimizer: OptimizerState` attached. The slot buffers in it are live;
//    `copyOptimizerState(step.optimizer)` is what a checkpoint saves, and passing that copy back as the
//    `state` option (or to `createOptimizer(spec, state)`) continues exactly where it left off.
import type { Observable } from 'rxjs';
import type { TrainingStep } from '../operators/step.js';
import type { ScheduleSpec } from './schedules.js';

/**
 * An optimizer's state as it travels with each step, for checkpoints and inspection.
 *
 * The slot buffers are live (laid out like `params.data`) and change with the next step: copy the state
 * with {@link copyOptimizerState} to keep it. Restoring needs only `name`, `updates` and `slots`.
 */
export interface OptimizerState {
  /** Which optimizer owns the state: the name {@link createOptimizer} knows it by, e.g. `'adam'`. */
  readonly name: string;
  /** Updates applied so far, this one included (Adam's bias-correction step count t). */
  readonly updates: number;
  /**
   * Per-parameter buffers, each the length of `params.data`: Adagrad `memory`; momentum and Nesterov
   * `velocity`; RMSProp `meanSquare`; Adam and AdamW `m` and `v`; SGD none.
   */
  readonly slots: Readonly<Record<string, Float64Array>>;
  /**
   * The hyperparameter values this update used, after any schedule (plain numbers, safe to keep). For
   * logging; a restore ignores them (the optimizer's spec or options say what the next values are).
   */
  readonly hyperparameters?: Readonly<Record<string, number>>;
}

/**
 * A handle on a running optimizer stage, for a later stage that must undo a step (the NaN guard,
 * `guardNonFinite`): put a saved state back and lower the learning rate. One per subscription.
 */
export interface OptimizerControl {
  /** Puts a saved state back (a copy of `step.optimizer`): the update count, and every slot in place. */
  restore(state: OptimizerState): void;
  /** Multiplies the learning rate of every later update by `factor` (cumulative). */
  scaleLearningRate(factor: number): void;
  /** The product of every factor so far: 1 until scaled. */
  readonly learningRateScale: number;
}

/** What an optimizer stage adds to a step. */
export interface OptimizedStep {
  readonly optimizer: OptimizerState;
  /** Present for optimizers built with `optimizerStage` (all the built-in ones). */
  readonly optimizerControl?: OptimizerControl;
}

/**
 * A hyperparameter value: a plain number; an Observable of numbers, whose latest value is used from the
 * next step on (the optimizer's default until it first emits); or a function of the iteration, called
 * once per step with `step.iteration` (a schedule is one).
 */
export type Hyperparameter = number | Observable<number> | ((iteration: number) => number);

/**
 * An independent copy of an optimizer state: what a checkpoint saves, and what the `state` option of
 * every optimizer (or {@link createOptimizer}) takes back.
 *
 * ```ts
 * import { copyOptimizerState } from 'min-char-rnn';
 * let saved;
 * step$.subscribe((step) => { if (step.iteration === 999) saved = copyOptimizerState(step.optimizer); });
 * ```
 *
 * @param state A live state, e.g. `step.optimizer`.
 * @returns A deep copy (fresh slot buffers).
 */
export function copyOptimizerState(state: OptimizerState): OptimizerState {
  const slots: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(state.slots)) slots[k] = v.slice();
  return {
    name: state.name,
    updates: state.updates,
    slots,
    ...(state.hyperparameters ? { hyperparameters: { ...state.hyperparameters } } : {}),
  };
}

/**
 * The optimizer's slot `name` for this run: a copy of the saved one, or zeros, allocated beside the
 * parameters with `step.model.allocate` (so a kernel that keeps parameters in its own memory can keep
 * optimizer buffers there too).
 *
 * @param step The first step the optimizer sees (gives the size and the allocator).
 * @param name The slot, e.g. `'memory'`.
 * @param saved A saved state to continue from; zeros when omitted or when it lacks the slot.
 * @returns A buffer the length of `step.params.data`, owned by the caller.
 */
export function initialSlot(step: TrainingStep, name: string, saved: OptimizerState | undefined): Float64Array {
  const n = step.params.data.length;
  const slot = step.model.allocate(n);
  const from = saved?.slots[name];
  if (from) {
    if (from.length !== n) throw new RangeError(`optimizer slot ${name} has ${from.length} numbers, expected ${n}`);
    slot.set(from);
  }
  return slot;
}

/**
 * An optimizer named with its hyperparameters and schedule: plain JSON, so a checkpoint can record it
 * and {@link createOptimizer} can rebuild the same stage on resume. Omitted hyperparameters take the
 * optimizer's defaults (`OPTIMIZER_DEFAULTS`); a hyperparameter the optimizer does not have is an
 * error.
 */
export interface OptimizerSpec {
  /** One of `OPTIMIZER_NAMES`. */
  readonly name: string;
  /** Base step size (multiplied by `schedule`). All optimizers. */
  readonly learningRate?: number;
  /** μ: momentum, nesterov. */
  readonly momentum?: number;
  /** Momentum only: `true` is the same as `name: 'nesterov'`. */
  readonly nesterov?: boolean;
  /** ρ: rmsprop. */
  readonly decay?: number;
  /** β1, β2: adam, adamw. */
  readonly beta1?: number;
  readonly beta2?: number;
  /** ε: adagrad, rmsprop, adam, adamw. */
  readonly epsilon?: number;
  /** λ: adamw. */
  readonly weightDecay?: number;
  /** Learning-rate multiplier by iteration. All optimizers. Default: none. */
  readonly schedule?: ScheduleSpec;
}
