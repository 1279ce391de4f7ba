// The NaN guard: a diverging step is undone instead of ending the run. Dimension key: P = parameter count.
//
// What it checks, and when. The loss of every step (free: one number). The parameters and optimizer
// state every `keepEvery` iterations, before keeping them as the state to return to: a non-finite
// gradient turns the parameters it touches non-finite in the update, so it is found there at the latest,
// and a kept state is never a broken one. Checking all P numbers on every step would cost several percent
// of a small model's step; every `keepEvery` steps it costs nothing measurable.
import { defer, map, type OperatorFunction, type Observable } from 'rxjs';
import { ConfigError, NonFiniteLossError, requireInteger } from '../errors.js';
import { copyOptimizerState, type OptimizedStep, type OptimizerState } from './optimizer.js';
import { extend } from '../util/extend.js';
import type { GuardedStep, NonFiniteRecord, TrainingStep } from '../operators/step.js';

export type { GuardedStep, NonFiniteRecord };

export interface GuardNonFiniteConfig {
  /** Keep the parameters and optimizer state as the state to return to every this many iterations. Default 100. */
  readonly keepEvery?: number;
  /** Multiply the learning rate by this after each rollback, in (0, 1]. Default 0.5. */
  readonly lrFactor?: number;
  /** Rollbacks allowed before a new state is kept; one more fails the run. Default 5. */
  readonly maxRetries?: number;
}

/** True when every number is finite: `x * 0` is 0 for finite x and NaN otherwise. */
function allFinite(x: Float64Array): boolean {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * 0;
  return s === 0;
}

function stateFinite(state: OptimizerState): boolean {
  return Object.values(state.slots).every(allFinite);
}

/**
 * A guard against divergence: undoes a step whose loss or gradient is not finite instead of failing.
 *
 * It's like `catchError` followed by a retry, but for one step and without restarting anything: it keeps
 * a copy of the parameters and optimizer state every `keepEvery` iterations (after checking that they are
 * finite); when a step's loss is NaN or infinite (or the parameters it is about to keep are not finite)
 * it copies that state back in place, multiplies the learning rate by `lrFactor` (through the optimizer's
 * `optimizerControl`), restarts the hidden state from the window's input state (zeros if that is broken
 * too) and emits the step with a `nonFinite` record: later stages should skip it (`smoothLoss` does).
 * After `maxRetries` rollbacks without a new state kept, it fails on the error channel with a
 * `NonFiniteLossError` naming the iteration. Place it right after the optimizer; the loss stage must let
 * non-finite losses through (`lossFun(params, { nonFinite: 'pass' })`).
 *
 * ```ts
 * import { adagrad, createCorpus, guardNonFinite, initParams, lossFun, smoothLoss, windows } from 'min-char-rnn';
 *
 * const corpus = createCorpus('hello world. '.repeat(50));
 * windows(corpus, { seqLength: 8, iterations: 500 })
 *   .pipe(
 *     lossFun(initParams(16, corpus.vocab.size, 1), { nonFinite: 'pass' }),
 *     adagrad({ learningRate: 0.1 }),
 *     guardNonFinite({ keepEvery: 50, lrFactor: 0.5, maxRetries: 3 }),
 *     smoothLoss(),
 *   )
 *   .subscribe((s) => s.nonFinite && console.log(`rolled back at ${s.iteration} to ${s.nonFinite.restoredFrom}`));
 * ```
 *
 * @param config `keepEvery` (100), `lrFactor` (0.5), `maxRetries` (5).
 * @returns An operator on optimized steps that adds `nonFinite` to the steps it undid.
 * @see lossFun, whose `nonFinite: 'pass'` lets such steps through.
 */
export function guardNonFinite<S extends TrainingStep & OptimizedStep>(
  config?: GuardNonFiniteConfig,
): OperatorFunction<S, S & GuardedStep> {
  const { keepEvery = 100, lrFactor = 0.5, maxRetries = 5 } = config ?? {};
  requireInteger('keepEvery', keepEvery);
  requireInteger('maxRetries', maxRetries, 0);
  if (typeof lrFactor !== 'number' || !(lrFactor > 0 && lrFactor <= 1)) throw new ConfigError('lrFactor', lrFactor, 'a number in (0, 1]');

  return (source: Observable<S>) =>
    defer(() => {
      // Per subscription: the state to return to, and the rollbacks since it was kept.
      let keptParams: Float64Array | undefined;
      let keptOptimizer: OptimizerState | undefined;
      let keptAt = -1;
      let retries = 0;

      const keep = (s: S): void => {
        if (keptParams === undefined || keptParams.length !== s.params.data.length) keptParams = new Float64Array(s.params.data.length);
        keptParams.set(s.params.data);
        keptOptimizer = copyOptimizerState(s.optimizer);
        keptAt = s.iteration;
        retries = 0;
      };

      const rollBack = (s: S, what: NonFiniteRecord['what']): S & GuardedStep => {
        retries += 1;
        if (keptParams === undefined || keptOptimizer === undefined) {
          throw new NonFiniteLossError(s.iteration, s.loss, 'no good state was kept yet to return to');
        }
        if (retries > maxRetries) {
          throw new NonFiniteLossError(s.iteration, s.loss, `still after ${maxRetries} rollbacks to iteration ${keptAt}`);
        }
        const control = s.optimizerControl;
        if (control === undefined) {
          throw new NonFiniteLossError(s.iteration, s.loss, `optimizer ${s.optimizer.name} cannot be rolled back (it has no optimizerControl)`);
        }
        s.params.data.set(keptParams);
        control.restore(keptOptimizer);
        control.scaleLearningRate(lrFactor);
        // The next window starts from this one's input state, or from zeros when that is broken too.
        if (allFinite(s.hprev)) s.h.set(s.hprev);
        else s.h.fill(0);
        const nonFinite: NonFiniteRecord = {
          iteration: s.iteration,
          what,
          loss: s.loss,
          restoredFrom: keptAt,
          learningRateScale: control.learningRateScale,
          retry: retries,
          maxRetries,
        };
        const optimizer: OptimizerState = { ...s.optimizer, updates: keptOptimizer.updates };
        return extend(s, { nonFinite, optimizer });
      };

      return source.pipe(
        map((s): S & GuardedStep => {
          if (!Number.isFinite(s.loss)) return rollBack(s, 'loss');
          if (keptParams === undefined || s.iteration - keptAt >= keepEvery) {
            if (!allFinite(s.params.data) || !stateFinite(s.optimizer)) return rollBack(s, 'parameters');
            keep(s);
          }
          return s;
        }),
      );
    });
}
