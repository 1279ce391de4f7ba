import type { TrainingStep } from '../operators/step.js';
import { ADAM, adamUpdate, type AdamConfig } from './adam.js';
import type { Hyperparameter } from './optimizer.js';
import { optimizerStage, type OptimizerDefinition, type OptimizerOperator } from './stage.js';

export interface AdamwConfig extends AdamConfig {
  /** λ, decoupled weight decay per unit of learning rate. Default 0.01 (as in PyTorch and Keras). */
  readonly weightDecay?: Hyperparameter;
}

const ADAMW: OptimizerDefinition<'beta1' | 'beta2' | 'epsilon' | 'weightDecay'> = {
  name: 'adamw',
  slots: ['m', 'v'],
  hyperparameters: { ...ADAM.hyperparameters, weightDecay: { default: 0.01, range: 'rate' } },
  update(params, grads, { m, v }, { learningRate, beta1, beta2, epsilon, weightDecay }, t) {
    adamUpdate(params, grads, m!, v!, t, learningRate, beta1, beta2, epsilon, weightDecay);
  },
};

/**
 * AdamW (Loshchilov & Hutter 2019): Adam with decoupled weight decay, `θ ← θ − lr · (m̂ / (√v̂ + ε) + λ·θ)`.
 *
 * It's like {@link adam}, but the weights also shrink toward zero by `lr · λ` of themselves each step,
 * outside the adaptive scaling (unlike an L2 term added to the gradient, which Adam would rescale). The
 * decay applies to every parameter, biases included. Slots `m` and `v`, as Adam's.
 *
 * ```ts
 * import { adamw } from 'min-char-rnn';
 * const stage = adamw({ learningRate: 0.002, weightDecay: 0.01 });
 * ```
 *
 * @param config `learningRate` (0.002), `beta1` (0.9), `beta2` (0.999), `epsilon` (1e-8), `weightDecay`
 *   (0.01), `schedule` (none), `state`.
 * @returns An operator applying one AdamW update per step.
 */
export function adamw<S extends TrainingStep>(config?: AdamwConfig): OptimizerOperator<S> {
  return optimizerStage<S, 'beta1' | 'beta2' | 'epsilon' | 'weightDecay'>(ADAMW, config ?? {});
}
