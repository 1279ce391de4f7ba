import { isObservable, map, Observable, type OperatorFunction } from 'rxjs';
import { ConfigError } from '../errors.js';
import type { TrainingStep } from '../operators/step.js';
import {
  initialSlot,
  type Hyperparameter,
  type OptimizedStep,
  type OptimizerControl,
  type OptimizerSpec,
  type OptimizerState,
} from './optimizer.js';
import { createSchedule, type Schedule, type ScheduleSpec } from './schedules.js';
import type { Network } from '../model/network.js';
import { extend } from '../util/extend.js';

/** The allowed range of a hyperparameter and its default. */
export interface HyperparameterRule {
  /** The value used when the option is omitted (and until an Observable option first emits). */
  readonly default: number;
  /** `'rate'`: ≥ 0; `'positive'`: > 0; `'decay'`: in [0, 1). */
  readonly range: 'rate' | 'positive' | 'decay';
}

/**
 * An optimizer written as an update rule: what {@link optimizerStage} needs to turn it into an operator.
 * `K` names its hyperparameters; every optimizer has `learningRate`.
 */
export interface OptimizerDefinition<K extends string> {
  /** The name in its state and spec, e.g. `'adam'`. */
  readonly name: string;
  /** Names of its per-parameter buffers, e.g. `['m', 'v']`. */
  readonly slots: readonly string[];
  readonly hyperparameters: { readonly [P in K | 'learningRate']: HyperparameterRule };
  /**
   * One update, in place: `params` from `grads` and the slots. `h` holds this step's values (the
   * learning rate already multiplied by the schedule); `t` counts updates from 1 (this one included).
   * `model` is the step's kernel model, for an update that has a faster kernel version.
   */
  update(
    params: Float64Array,
    grads: Float64Array,
    slots: Readonly<Record<string, Float64Array>>,
    h: Readonly<Record<K | 'learningRate', number>>,
    t: number,
    model: Network,
  ): void;
}

/** Options every optimizer built with {@link optimizerStage} takes, besides its hyperparameters. */
export interface OptimizerOptions {
  /**
   * Multiplies the learning rate by `schedule(step.iteration)` at every step: a {@link Schedule} or its
   * JSON spec. Default: none (× 1).
   */
  readonly schedule?: Schedule | ScheduleSpec;
  /** Continue from a saved state (a copy of `step.optimizer` from a run of the same optimizer). */
  readonly state?: OptimizerState;
}

/**
 * An optimizer operator. `spec` describes it as JSON when every hyperparameter is a plain number (not an
 * Observable or a function), so a checkpoint can record it and {@link createOptimizer} rebuild it.
 */
export interface OptimizerOperator<S extends TrainingStep = TrainingStep> extends OperatorFunction<S, S & OptimizedStep> {
  readonly spec?: OptimizerSpec;
  /** The names of its per-parameter buffers (what it adds to a run's memory: one parameter-sized array each). */
  readonly slots?: readonly string[];
}

const RANGE_WORDS = { rate: 'a number ≥ 0', positive: 'a positive number', decay: 'a number in [0, 1)' } as const;

function inRange(value: unknown, range: HyperparameterRule['range']): value is number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return false;
  switch (range) {
    case 'rate':
      return value >= 0;
    case 'positive':
      return value > 0;
    case 'decay':
      return value >= 0 && value < 1;
  }
}

function checked(option: string, value: unknown, rule: HyperparameterRule): number {
  if (!inRange(value, rule.range)) throw new ConfigError(option, value, RANGE_WORDS[rule.range]);
  return value;
}

/**
 * Turns an update rule into an optimizer operator that keeps the contract (see docs/optimizers.md).
 *
 * It's like `scan`, but the accumulator is the optimizer's state (an update count and per-parameter slot
 * buffers, created at subscription and allocated beside the parameters at the first step, or copied from
 * `state`), the update happens in place on `step.params.data` during the step's emission, and each
 * hyperparameter may be a number, a function of the iteration, or an Observable that it subscribes to
 * for as long as the operator is subscribed (its latest value applies from the next step; its errors,
 * and out-of-range values, go to the error channel). Emits each step with `optimizer` attached.
 *
 * ```ts
 * import { optimizerStage } from 'min-char-rnn';
 *
 * // Sign SGD: θ ← θ − lr · sign(g).
 * const signSgd = (options = {}) =>
 *   optimizerStage(
 *     {
 *       name: 'sign-sgd',
 *       slots: [],
 *       hyperparameters: { learningRate: { default: 0.001, range: 'rate' } },
 *       update(params, grads, _slots, { learningRate }) {
 *         for (let i = 0; i < params.length; i++) params[i] -= learningRate * Math.sign(grads[i]);
 *       },
 *     },
 *     options,
 *   );
 * ```
 *
 * @param definition The name, slots, hyperparameter rules and update of the optimizer.
 * @param options Hyperparameter values (defaults from `definition`), `schedule`, `state`.
 * @returns The optimizer operator, with `spec` when it is describable as JSON.
 */
export function optimizerStage<S extends TrainingStep, K extends string>(
  definition: OptimizerDefinition<K>,
  options: OptimizerOptions & { readonly [P in K | 'learningRate']?: Hyperparameter },
): OptimizerOperator<S> {
  const { name, slots: slotNames, hyperparameters: rules, update } = definition;
  const keys = Object.keys(rules) as (K | 'learningRate')[];
  const values = {} as Record<K | 'learningRate', Hyperparameter>;
  for (const key of keys) {
    const v: unknown = options[key] ?? rules[key].default;
    if (typeof v === 'number') checked(key, v, rules[key]);
    else if (typeof v !== 'function' && !isObservable(v)) {
      throw new ConfigError(key, v, 'a number, an Observable of numbers or a function of the iteration');
    }
    values[key] = v as Hyperparameter;
  }
  const schedule = resolveSchedule(options.schedule);
  const state = options.state;
  if (state !== undefined) checkState(name, slotNames, state);

  const operator = (source: Observable<S>): Observable<S & OptimizedStep> =>
    new Observable<S & OptimizedStep>((subscriber) => {
      // Per subscription: the current value of each live hyperparameter, the slots and the count.
      const current = {} as Record<K | 'learningRate', number>;
      for (const key of keys) {
        const v = values[key];
        if (!isObservable(v)) continue;
        current[key] = rules[key].default;
        subscriber.add(
          v.subscribe({
            next: (x) => {
              if (inRange(x, rules[key].range)) current[key] = x;
              else subscriber.error(new ConfigError(`${key}$`, x, RANGE_WORDS[rules[key].range]));
            },
            error: (e: unknown) => subscriber.error(e),
          }),
        );
        if (subscriber.closed) return;
      }
      let slots: Readonly<Record<string, Float64Array>> | undefined;
      let updates = state?.updates ?? 0;
      // Multiplies the base learning rate (before the schedule) once a later stage lowers it: the same
      // product a checkpoint records as its learning rate, so a resumed run computes the same numbers.
      let learningRateScale = 1;
      const control: OptimizerControl = {
        restore(saved: OptimizerState) {
          checkState(name, slotNames, saved);
          updates = saved.updates;
          if (slots) for (const slot of slotNames) slots[slot].set(saved.slots[slot]);
        },
        scaleLearningRate(factor: number) {
          if (!(factor > 0 && Number.isFinite(factor))) throw new ConfigError('factor', factor, 'a positive number');
          learningRateScale *= factor;
        },
        get learningRateScale() {
          return learningRateScale;
        },
      };
      // Subscribing with `subscriber` itself (not a new observer) chains the upstream subscription to it
      // before the first value: a synchronous source then stops as soon as downstream unsubscribes
      // (e.g. `takeWhile`), and a throw in the update reaches the error channel.
      source
        .pipe(
          map((step): S & OptimizedStep => {
            if (slots === undefined) {
              const s: Record<string, Float64Array> = {};
              for (const slot of slotNames) s[slot] = initialSlot(step, slot, state);
              slots = Object.freeze(s);
            }
            const h = {} as Record<K | 'learningRate', number>;
            for (const key of keys) {
              const v = values[key];
              if (typeof v === 'number') h[key] = v;
              else if (typeof v === 'function') h[key] = checked(`${key}(${step.iteration})`, v(step.iteration), rules[key]);
              else h[key] = current[key];
            }
            if (learningRateScale !== 1) h.learningRate = h.learningRate * learningRateScale;
            if (schedule) h.learningRate = h.learningRate * schedule(step.iteration);
            updates += 1;
            update(step.params.data, step.grads.data, slots, h, updates, step.model);
            return extend(step, { optimizer: { name, updates, slots, hyperparameters: h }, optimizerControl: control });
          }),
        )
        .subscribe(subscriber);
    });

  const spec = describe(name, keys, values, schedule);
  return Object.assign(operator, { slots: slotNames, ...(spec ? { spec } : {}) });
}

function resolveSchedule(s: Schedule | ScheduleSpec | undefined): Schedule | undefined {
  if (s === undefined) return undefined;
  if (typeof s === 'function') return s;
  return createSchedule(s);
}

function checkState(name: string, slotNames: readonly string[], state: OptimizerState): void {
  if (typeof state !== 'object' || state === null || state.name !== name) {
    throw new ConfigError('state', state?.name, `the state of a ${name} optimizer (name ${JSON.stringify(name)})`);
  }
  if (!Number.isSafeInteger(state.updates) || state.updates < 0) {
    throw new ConfigError('state.updates', state.updates, 'an integer ≥ 0');
  }
  for (const slot of slotNames) {
    if (!(state.slots?.[slot] instanceof Float64Array)) {
      throw new ConfigError(`state.slots.${slot}`, state.slots?.[slot], `a Float64Array (the ${name} state's ${slot})`);
    }
  }
}

function describe<K extends string>(
  name: string,
  keys: readonly K[],
  values: Readonly<Record<K, Hyperparameter>>,
  schedule: Schedule | undefined,
): OptimizerSpec | undefined {
  const spec: Record<string, unknown> = { name };
  for (const key of keys) {
    const v = values[key];
    if (typeof v !== 'number') return undefined;
    spec[key] = v;
  }
  if (schedule) {
    if (!schedule.spec) return undefined;
    spec.schedule = schedule.spec;
  }
  return spec as unknown as OptimizerSpec;
}
