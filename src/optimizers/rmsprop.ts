import type { TrainingStep } from '../operators/step.js';
import type { Hyperparameter } from './optimizer.js';
import { optimizerStage, type OptimizerDefinition, type OptimizerOperator, type OptimizerOptions } from './stage.js';

export interface RmspropConfig extends OptimizerOptions {
  /** Step size. Default 0.002 (see docs/optimizers.md for how it was chosen). */
  readonly learningRate?: Hyperparameter;
  /** ρ, decay of the mean square. Default 0.9 (Hinton, Neural Networks for Machine Learning, lecture 6e). */
  readonly decay?: Hyperparameter;
  /** Added to the root mean square so steps stay finite. Default 1e-8. */
  readonly epsilon?: Hyperparameter;
}

/** RMSProp in place: `s ← ρ·s + (1 − ρ)·g²; param −= lr · g / (√s + ε)`. */
export function rmspropUpdate(
  param: Float64Array,
  grad: Float64Array,
  meanSquare: Float64Array,
  learningRate: number,
  decay: number,
  epsilon: number,
): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const s = decay * meanSquare[i] + (1 - decay) * g * g;
    meanSquare[i] = s;
    param[i] = param[i] - (learningRate * g) / (Math.sqrt(s) + epsilon);
  }
}

const RMSPROP: OptimizerDefinition<'decay' | 'epsilon'> = {
  name: 'rmsprop',
  slots: ['meanSquare'],
  hyperparameters: {
    learningRate: { default: 0.002, range: 'rate' },
    decay: { default: 0.9, range: 'decay' },
    epsilon: { default: 1e-8, range: 'positive' },
  },
  update(params, grads, { meanSquare }, { learningRate, decay, epsilon }) {
    rmspropUpdate(params, grads, meanSquare!, learningRate, decay, epsilon);
  },
};

/**
 * RMSProp (Hinton's lecture 6e): divides each step by a running root mean square of recent gradients,
 * `s ← ρ·s + (1 − ρ)·g²`, `θ ← θ − lr · g / (√s + ε)`.
 *
 * It's like {@link adagrad}, but the squared gradients are averaged with decay ρ instead of summed,
 * so the step size does not shrink for ever. Slot `meanSquare`, zeros at subscription.
 *
 * ```ts
 * import { rmsprop } from 'min-char-rnn';
 * const stage = rmsprop({ learningRate: 0.002, decay: 0.9 });
 * ```
 *
 * @param config `learningRate` (0.002), `decay` (0.9), `epsilon` (1e-8), `schedule` (none), `state`.
 * @returns An operator applying one RMSProp update per step.
 */
export function rmsprop<S extends TrainingStep>(config?: RmspropConfig): OptimizerOperator<S> {
  return optimizerStage<S, 'decay' | 'epsilon'>(RMSPROP, config ?? {});
}
