import { isObservable, startWith } from 'rxjs';
import { ConfigError } from '../errors.js';
import type { TrainingStep } from '../operators/step.js';
import { adagrad } from './adagrad.js';
import { adam } from './adam.js';
import { adamw } from './adamw.js';
import { momentum } from './momentum.js';
import type { Hyperparameter, OptimizerSpec, OptimizerState } from './optimizer.js';
import { rmsprop } from './rmsprop.js';
import { sgd } from './sgd.js';
import type { OptimizerOperator } from './stage.js';

export type { OptimizerSpec } from './optimizer.js';

/** Names {@link createOptimizer} knows. */
export const OPTIMIZER_NAMES = ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw', 'adagrad'] as const;
export type OptimizerName = (typeof OPTIMIZER_NAMES)[number];

/** The hyperparameters an optimizer's operator reports in its spec, without the name. */
function defaultsOf(operator: OptimizerOperator): Readonly<Record<string, number>> {
  const { name: _name, ...hyper } = operator.spec!;
  return hyper as Record<string, number>;
}

/**
 * The hyperparameters each optimizer takes, with their defaults (read from the operators themselves, so
 * the two cannot drift apart; the learning rates are chosen for this model, see docs/optimizers.md).
 */
export const OPTIMIZER_DEFAULTS: Readonly<Record<OptimizerName, Readonly<Record<string, number>>>> = {
  sgd: defaultsOf(sgd()),
  momentum: defaultsOf(momentum()),
  nesterov: defaultsOf(momentum({ nesterov: true })),
  rmsprop: defaultsOf(rmsprop()),
  adam: defaultsOf(adam()),
  adamw: defaultsOf(adamw()),
  adagrad: defaultsOf(adagrad()),
};

function isOptimizerName(name: unknown): name is OptimizerName {
  return typeof name === 'string' && (OPTIMIZER_NAMES as readonly string[]).includes(name);
}

/**
 * Checks a spec and fills in every default, giving the complete description of the optimizer (what the
 * CLI prints in its start record and what a checkpoint should save). `{ name: 'momentum', nesterov: true }`
 * comes back as `{ name: 'nesterov', ... }`.
 *
 * ```ts
 * import { resolveOptimizerSpec } from 'min-char-rnn';
 * resolveOptimizerSpec({ name: 'adam' });
 * // { name: 'adam', learningRate: 0.002, beta1: 0.9, beta2: 0.999, epsilon: 1e-8 }
 * ```
 *
 * @param spec An optimizer spec, e.g. parsed from JSON.
 * @returns The same optimizer with every hyperparameter present.
 */
export function resolveOptimizerSpec(spec: OptimizerSpec): OptimizerSpec {
  if (typeof spec !== 'object' || spec === null) throw new ConfigError('optimizer', spec, 'an optimizer spec object');
  const { name: given, nesterov, schedule, ...hyper } = spec;
  if (!isOptimizerName(given)) throw new ConfigError('optimizer', given, `one of ${OPTIMIZER_NAMES.join(', ')}`);
  if (nesterov !== undefined) {
    if (given !== 'momentum' && given !== 'nesterov') {
      throw new ConfigError('optimizer.nesterov', nesterov, `absent for ${given} (it applies to momentum)`);
    }
    if (typeof nesterov !== 'boolean') throw new ConfigError('optimizer.nesterov', nesterov, 'true or false');
    if (given === 'nesterov' && !nesterov) throw new ConfigError('optimizer.nesterov', nesterov, 'true or absent for nesterov');
  }
  const name: OptimizerName = given === 'momentum' && nesterov === true ? 'nesterov' : given;
  const defaults = OPTIMIZER_DEFAULTS[name];
  const out: Record<string, unknown> = { name };
  for (const [key, value] of Object.entries(hyper)) {
    if (value === undefined) continue;
    if (!(key in defaults)) {
      throw new ConfigError(`optimizer.${key}`, value, `absent for ${name} (it takes ${Object.keys(defaults).join(', ')})`);
    }
    if (typeof value !== 'number') throw new ConfigError(`optimizer.${key}`, value, 'a number');
  }
  for (const key of Object.keys(defaults)) out[key] = (hyper as Record<string, unknown>)[key] ?? defaults[key];
  if (schedule !== undefined) out.schedule = schedule;
  return out as unknown as OptimizerSpec;
}

/**
 * Builds the optimizer stage a spec names, optionally continuing from a saved state: what a resumed run
 * calls with the `{ spec, state }` its checkpoint saved.
 *
 * ```ts
 * import { createOptimizer } from 'min-char-rnn';
 * const stage = createOptimizer({ name: 'adam', learningRate: 0.001, schedule: { kind: 'exp', gamma: 0.9999 } });
 * // On resume: createOptimizer(saved.spec, saved.state), where saved.state = copyOptimizerState(step.optimizer).
 * ```
 *
 * @param spec The optimizer's name, hyperparameters (missing ones take that optimizer's defaults) and
 *   schedule.
 * @param state A saved state of the same optimizer to continue from.
 * @param live `learningRate`: a live value (an Observable, e.g. from a slider, or a function of the
 *   iteration) in place of the spec's number, which stays the value until the Observable first emits.
 *   The operator then has no `spec` (it is not plain JSON): record the current rate yourself.
 * @returns An optimizer operator (its `spec` is the resolved spec).
 */
export function createOptimizer<S extends TrainingStep>(
  spec: OptimizerSpec,
  state?: OptimizerState,
  live?: { readonly learningRate?: Hyperparameter },
): OptimizerOperator<S> {
  const r = resolveOptimizerSpec(spec) as Required<Omit<OptimizerSpec, 'schedule' | 'nesterov'>> & OptimizerSpec;
  const rate = live?.learningRate;
  const learningRate: Hyperparameter = isObservable(rate) ? rate.pipe(startWith(r.learningRate)) : (rate ?? r.learningRate);
  const common = { learningRate, ...(r.schedule ? { schedule: r.schedule } : {}), ...(state ? { state } : {}) };
  switch (r.name as OptimizerName) {
    case 'sgd':
      return sgd<S>(common);
    case 'momentum':
      return momentum<S>({ ...common, momentum: r.momentum });
    case 'nesterov':
      return momentum<S>({ ...common, momentum: r.momentum, nesterov: true });
    case 'rmsprop':
      return rmsprop<S>({ ...common, decay: r.decay, epsilon: r.epsilon });
    case 'adam':
      return adam<S>({ ...common, beta1: r.beta1, beta2: r.beta2, epsilon: r.epsilon });
    case 'adamw':
      return adamw<S>({ ...common, beta1: r.beta1, beta2: r.beta2, epsilon: r.epsilon, weightDecay: r.weightDecay });
    case 'adagrad':
      return adagrad<S>({ ...common, epsilon: r.epsilon });
  }
}
