import type { TrainingStep } from '../operators/step.js';
import type { Hyperparameter } from './optimizer.js';
import { optimizerStage, type OptimizerDefinition, type OptimizerOperator, type OptimizerOptions } from './stage.js';

export interface SgdConfig extends OptimizerOptions {
  /** Step size. Default 0.005 (see docs/optimizers.md for how it was chosen). */
  readonly learningRate?: Hyperparameter;
}

/** Plain gradient descent in place: `param −= lr · g`. */
export function sgdUpdate(param: Float64Array, grad: Float64Array, learningRate: number): void {
  for (let i = 0; i < param.length; i++) param[i] = param[i] - learningRate * grad[i];
}

const SGD: OptimizerDefinition<never> = {
  name: 'sgd',
  slots: [],
  hyperparameters: { learningRate: { default: 0.005, range: 'rate' } },
  update(params, grads, _slots, { learningRate }) {
    sgdUpdate(params, grads, learningRate);
  },
};

/**
 * Stochastic gradient descent: each step moves the weights against the gradient, `θ ← θ − lr · g`.
 *
 * It's like `tap`, but the side effect is the update of `step.params` in place during the step's
 * emission; it keeps no memory besides the update count, and emits the step with `optimizer` attached.
 * With a fixed rate it is the least robust choice over long runs: see the optimizer race in
 * docs/optimizers.md.
 *
 * ```ts
 * import { createCorpus, sgd, trainingSteps } from 'min-char-rnn';
 * trainingSteps(createCorpus('hello world. '.repeat(50)), { optimizer: sgd({ learningRate: 0.005 }) });
 * ```
 *
 * @param config `learningRate` (0.005), `schedule` (none), `state`.
 * @returns An operator applying one SGD update per step.
 */
export function sgd<S extends TrainingStep>(config?: SgdConfig): OptimizerOperator<S> {
  return optimizerStage<S, never>(SGD, config ?? {});
}
