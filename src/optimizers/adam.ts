import type { TrainingStep } from '../operators/step.js';
import { powInt } from '../math/elementary.js';
import type { Hyperparameter } from './optimizer.js';
import { optimizerStage, type OptimizerDefinition, type OptimizerOperator, type OptimizerOptions } from './stage.js';

export interface AdamConfig extends OptimizerOptions {
  /** α, step size. Default 0.002 (see docs/optimizers.md; the paper suggests 0.001). */
  readonly learningRate?: Hyperparameter;
  /** β1, decay of the first moment. Default 0.9 (Kingma & Ba 2015). */
  readonly beta1?: Hyperparameter;
  /** β2, decay of the second moment. Default 0.999 (Kingma & Ba 2015). */
  readonly beta2?: Hyperparameter;
  /** ε, added to √v̂. Default 1e-8 (Kingma & Ba 2015). */
  readonly epsilon?: Hyperparameter;
}

/**
 * Adam in place, update number `t` (from 1): `m ← β1·m + (1 − β1)·g`, `v ← β2·v + (1 − β2)·g²`,
 * `m̂ = m / (1 − β1^t)`, `v̂ = v / (1 − β2^t)`, `param −= lr · (m̂ / (√v̂ + ε) + λ·param)`. With weight
 * decay λ = 0 this is Adam; λ > 0 is AdamW's decoupled decay.
 */
export function adamUpdate(
  param: Float64Array,
  grad: Float64Array,
  m: Float64Array,
  v: Float64Array,
  t: number,
  learningRate: number,
  beta1: number,
  beta2: number,
  epsilon: number,
  weightDecay = 0,
): void {
  const correction1 = 1 - powInt(beta1, t);
  const correction2 = 1 - powInt(beta2, t);
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const mi = beta1 * m[i] + (1 - beta1) * g;
    const vi = beta2 * v[i] + (1 - beta2) * g * g;
    m[i] = mi;
    v[i] = vi;
    const mHat = mi / correction1;
    const vHat = vi / correction2;
    const p = param[i];
    param[i] = p - learningRate * (mHat / (Math.sqrt(vHat) + epsilon) + weightDecay * p);
  }
}

/** Adam's definition; AdamW extends its hyperparameters with the weight decay. */
export const ADAM: OptimizerDefinition<'beta1' | 'beta2' | 'epsilon'> = {
  name: 'adam',
  slots: ['m', 'v'],
  hyperparameters: {
    learningRate: { default: 0.002, range: 'rate' },
    beta1: { default: 0.9, range: 'decay' },
    beta2: { default: 0.999, range: 'decay' },
    epsilon: { default: 1e-8, range: 'positive' },
  },
  update(params, grads, { m, v }, { learningRate, beta1, beta2, epsilon }, t) {
    adamUpdate(params, grads, m!, v!, t, learningRate, beta1, beta2, epsilon);
  },
};

/**
 * Adam (Kingma & Ba 2015): momentum on the gradient (first moment m) divided by the root of a running
 * mean of squared gradients (second moment v), both bias-corrected by the update count t.
 *
 * It's like {@link rmsprop}, but with momentum and with bias correction, so early steps are not too
 * small. Slots `m` and `v` (zeros at subscription); t is the state's `updates`, so a restored state
 * continues the bias correction exactly.
 *
 * ```ts
 * import { adam } from 'min-char-rnn';
 * import { BehaviorSubject } from 'rxjs';
 * const lr$ = new BehaviorSubject(0.002);
 * const stage = adam({ learningRate: lr$ }); // lr$.next(0.001) applies from the next step
 * ```
 *
 * @param config `learningRate` (0.002), `beta1` (0.9), `beta2` (0.999), `epsilon` (1e-8), `schedule`
 *   (none), `state`.
 * @returns An operator applying one Adam update per step.
 * @see adamw, with decoupled weight decay.
 */
export function adam<S extends TrainingStep>(config?: AdamConfig): OptimizerOperator<S> {
  return optimizerStage<S, 'beta1' | 'beta2' | 'epsilon'>(ADAM, config ?? {});
}
