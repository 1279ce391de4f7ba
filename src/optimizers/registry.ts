import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../errors.js';
import type { TrainingStep } from '../operators/step.js';
import { adagrad } from './adagrad.js';
import type { OptimizedStep, OptimizerState } from './optimizer.js';

/**
 * An optimizer named with its hyperparameters: plain JSON, so a checkpoint can record it and
 * {@link createOptimizer} can rebuild the same stage on resume.
 */
export interface OptimizerSpec {
  readonly name: string;
  readonly learningRate?: number;
  readonly [hyperparameter: string]: string | number | boolean | undefined;
}

/** Names {@link createOptimizer} knows. */
export const OPTIMIZER_NAMES: readonly string[] = ['adagrad'];

/**
 * Builds the optimizer stage a spec names, optionally continuing from a saved state.
 *
 * ```ts
 * import { createOptimizer } from 'min-char-rnn';
 * const stage = createOptimizer({ name: 'adagrad', learningRate: 0.05 });
 * ```
 *
 * @param spec The optimizer's name and hyperparameters (missing ones take that optimizer's defaults).
 * @param state A saved state of the same optimizer to continue from.
 * @returns An optimizer operator.
 */
export function createOptimizer<S extends TrainingStep>(
  spec: OptimizerSpec,
  state?: OptimizerState,
): OperatorFunction<S, S & OptimizedStep> {
  const { name, ...hyper } = spec;
  switch (name) {
    case 'adagrad':
      return adagrad<S>({
        ...(hyper.learningRate !== undefined ? { learningRate: hyper.learningRate } : {}),
        ...(typeof hyper.epsilon === 'number' ? { epsilon: hyper.epsilon } : {}),
        ...(state ? { state } : {}),
      });
    default:
      throw new ConfigError('optimizer', name, `one of ${OPTIMIZER_NAMES.join(', ')}`);
  }
}
