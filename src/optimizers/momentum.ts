import type { TrainingStep } from '../operators/step.js';
import type { Hyperparameter } from './optimizer.js';
import { optimizerStage, type OptimizerDefinition, type OptimizerOperator, type OptimizerOptions } from './stage.js';

export interface MomentumConfig extends OptimizerOptions {
  /** Step size. Default 0.0005: with μ = 0.9 the steady step is lr/(1 − μ) = 10× that of SGD (see docs/optimizers.md). */
  readonly learningRate?: Hyperparameter;
  /** μ, how much of the velocity carries over. Default 0.9 (Sutskever et al. 2013; Polyak 1964). */
  readonly momentum?: Hyperparameter;
  /** Use Nesterov's look-ahead form. Default false. */
  readonly nesterov?: boolean;
}

/** Classical momentum in place: `v ← μ·v + g; param −= lr · v`. */
export function momentumUpdate(
  param: Float64Array,
  grad: Float64Array,
  velocity: Float64Array,
  learningRate: number,
  momentum: number,
): void {
  for (let i = 0; i < param.length; i++) {
    const v = momentum * velocity[i] + grad[i];
    velocity[i] = v;
    param[i] = param[i] - learningRate * v;
  }
}

/**
 * Nesterov momentum in place, in the form that needs only the gradient at the current weights
 * (Bengio et al. 2012; as in PyTorch): `v ← μ·v + g; param −= lr · (g + μ·v)`.
 */
export function nesterovUpdate(
  param: Float64Array,
  grad: Float64Array,
  velocity: Float64Array,
  learningRate: number,
  momentum: number,
): void {
  for (let i = 0; i < param.length; i++) {
    const g = grad[i];
    const v = momentum * velocity[i] + g;
    velocity[i] = v;
    param[i] = param[i] - learningRate * (g + momentum * v);
  }
}

const HYPERPARAMETERS = {
  learningRate: { default: 0.0005, range: 'rate' },
  momentum: { default: 0.9, range: 'decay' },
} as const;

const MOMENTUM: OptimizerDefinition<'momentum'> = {
  name: 'momentum',
  slots: ['velocity'],
  hyperparameters: HYPERPARAMETERS,
  update(params, grads, { velocity }, { learningRate, momentum }) {
    momentumUpdate(params, grads, velocity!, learningRate, momentum);
  },
};

const NESTEROV: OptimizerDefinition<'momentum'> = {
  name: 'nesterov',
  slots: ['velocity'],
  hyperparameters: HYPERPARAMETERS,
  update(params, grads, { velocity }, { learningRate, momentum }) {
    nesterovUpdate(params, grads, velocity!, learningRate, momentum);
  },
};

/**
 * Gradient descent with momentum (Polyak's heavy ball), or Nesterov's accelerated form with
 * `nesterov: true`: the weights follow a velocity that accumulates gradients, `v ← μ·v + g`,
 * `θ ← θ − lr · v` (Nesterov: `θ ← θ − lr · (g + μ·v)`).
 *
 * It's like {@link sgd}, but with a per-parameter `velocity` slot (zeros at subscription) that smooths
 * the direction of travel. The state's name is `'momentum'`, or `'nesterov'` for the Nesterov form.
 *
 * ```ts
 * import { momentum } from 'min-char-rnn';
 * const classical = momentum({ learningRate: 0.0005, momentum: 0.9 });
 * const accelerated = momentum({ nesterov: true });
 * ```
 *
 * @param config `learningRate` (0.0005), `momentum` (0.9), `nesterov` (false), `schedule` (none), `state`.
 * @returns An operator applying one momentum update per step.
 * @see nesterov
 */
export function momentum<S extends TrainingStep>(config?: MomentumConfig): OptimizerOperator<S> {
  const { nesterov: useNesterov = false, ...rest } = config ?? {};
  return optimizerStage<S, 'momentum'>(useNesterov ? NESTEROV : MOMENTUM, rest);
}

/**
 * Nesterov's accelerated gradient (Nesterov 1983; Sutskever et al. 2013): `momentum({ nesterov: true })`.
 *
 * ```ts
 * import { nesterov } from 'min-char-rnn';
 * const stage = nesterov({ momentum: 0.95 });
 * ```
 *
 * @param config `learningRate` (0.0005), `momentum` (0.9), `schedule` (none), `state`.
 * @returns An operator applying one Nesterov update per step.
 */
export function nesterov<S extends TrainingStep>(config?: Omit<MomentumConfig, 'nesterov'>): OptimizerOperator<S> {
  return momentum<S>({ ...config, nesterov: true });
}
