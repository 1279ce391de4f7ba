// The optimizer flags of `train`: which spec key each sets, and the spec a command line asks for.
import { ConfigError } from '../errors.js';
import {
  createOptimizer,
  OPTIMIZER_DEFAULTS,
  OPTIMIZER_NAMES,
  resolveOptimizerSpec,
  type OptimizerName,
  type OptimizerSpec,
} from '../optimizers/registry.js';
import { parseSchedule, type ScheduleSpec } from '../optimizers/schedules.js';
import { UsageError } from './args.js';

/** Optimizer flags and the spec key each sets (resuming compares only the ones given). */
export const HYPERPARAMETER_FLAGS: readonly (readonly [flag: string, key: string])[] = [
  ['learning-rate', 'learningRate'],
  ['momentum', 'momentum'],
  ['beta1', 'beta1'],
  ['beta2', 'beta2'],
  ['decay', 'decay'],
  ['epsilon', 'epsilon'],
  ['weight-decay', 'weightDecay'],
];

/**
 * The optimizer spec the flags describe, checked: the name, only hyperparameters that optimizer takes,
 * values in range, a well-formed schedule. Every problem is a one-line UsageError naming the flag.
 */
export function optimizerFromFlags(f: ReadonlyMap<string, unknown>): OptimizerSpec {
  const name = (f.get('optimizer') as string | undefined) ?? 'adagrad';
  if (!(OPTIMIZER_NAMES as readonly string[]).includes(name)) {
    throw new UsageError(`--optimizer must be one of ${OPTIMIZER_NAMES.join(', ')}, got ${JSON.stringify(name)}`);
  }
  const takes = Object.keys(OPTIMIZER_DEFAULTS[name as OptimizerName]);
  const spec: Record<string, unknown> = { name };
  for (const [flag, key] of HYPERPARAMETER_FLAGS) {
    const value = f.get(flag);
    if (value === undefined) continue;
    if (!takes.includes(key)) {
      const own = HYPERPARAMETER_FLAGS.filter(([, k]) => takes.includes(k)).map(([fl]) => `--${fl}`);
      throw new UsageError(`--${flag} does not apply to --optimizer ${name} (it takes ${own.join(', ')})`);
    }
    spec[key] = value;
  }
  const scheduleText = f.get('lr-schedule') as string | undefined;
  if (scheduleText !== undefined) {
    let schedule: ScheduleSpec;
    try {
      schedule = parseSchedule(scheduleText).spec;
    } catch (e) {
      if (e instanceof ConfigError) {
        throw new UsageError(
          e.option === 'schedule'
            ? e.message.replace(/^schedule/, '--lr-schedule')
            : `--lr-schedule ${scheduleText}: ${e.message.replace(/^schedule\./, '')}`,
        );
      }
      throw e;
    }
    spec.schedule = schedule;
  }
  try {
    createOptimizer(spec as unknown as OptimizerSpec); // checks every range now, before any file is read
  } catch (e) {
    const entry = e instanceof ConfigError ? HYPERPARAMETER_FLAGS.find(([, key]) => key === e.option) : undefined;
    if (e instanceof ConfigError && entry) throw new UsageError(e.message.replace(e.option, `--${entry[0]}`));
    throw e;
  }
  return resolveOptimizerSpec(spec as unknown as OptimizerSpec);
}

