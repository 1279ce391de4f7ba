// Learning-rate schedules: pure functions of the iteration that return a multiplier of the base learning
// rate. Pure functions of `step.iteration` (rather than Observables) because that is what makes them
// exact on resume: the iteration is saved with the run, so a resumed run continues the same curve.
import { ConfigError } from '../errors.js';
import { cos, powInt } from '../math/elementary.js';

/**
 * A schedule as plain JSON, so a checkpoint can record it and {@link createSchedule} rebuild it:
 * - `{ kind: 'constant' }`: 1 at every iteration.
 * - `{ kind: 'step', every, factor }`: `factor^⌊n / every⌋` (step decay).
 * - `{ kind: 'exp', gamma }`: `gamma^n` (exponential decay).
 * - `{ kind: 'cosine', warmup, total, min }`: linear warm-up `(n + 1) / warmup` for n < warmup, then a
 *   half cosine from 1 down to `min` at n = total, then `min`.
 * - `{ kind: 'warmup', steps }`: linear warm-up `(n + 1) / steps` for n < steps, then 1 (the gentle start
 *   that `train --init` uses for fine-tuning).
 * All values are multipliers of the optimizer's base learning rate (`min` too).
 */
export type ScheduleSpec =
  | { readonly kind: 'constant' }
  | { readonly kind: 'step'; readonly every: number; readonly factor: number }
  | { readonly kind: 'exp'; readonly gamma: number }
  | { readonly kind: 'cosine'; readonly warmup: number; readonly total: number; readonly min: number }
  | { readonly kind: 'warmup'; readonly steps: number };

/** A schedule: the learning-rate multiplier at iteration n, with the JSON spec that rebuilds it. */
export interface Schedule {
  (iteration: number): number;
  readonly spec: ScheduleSpec;
}

function schedule(spec: ScheduleSpec, at: (n: number) => number): Schedule {
  return Object.assign((n: number) => at(n), { spec });
}

function requireRange(option: string, value: unknown, lo: number, hi: number, hiIncluded: boolean, loIncluded = true): number {
  const ok =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    (loIncluded ? value >= lo : value > lo) &&
    (hiIncluded ? value <= hi : value < hi);
  if (!ok) throw new ConfigError(option, value, `a number in ${loIncluded ? '[' : '('}${lo}, ${hi}${hiIncluded ? ']' : ')'}`);
  return value;
}

function requireCount(option: string, value: unknown, min: number): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(option, value, min === 0 ? 'an integer ≥ 0' : 'a positive integer');
  }
  return value;
}

/**
 * Step decay: the learning rate is multiplied by `factor` every `every` iterations.
 *
 * ```ts
 * import { adagrad, stepDecay } from 'min-char-rnn';
 * const halveEvery1000 = stepDecay({ every: 1000, factor: 0.5 });
 * halveEvery1000(2500); // 0.25
 * adagrad({ learningRate: 0.1, schedule: halveEvery1000 });
 * ```
 *
 * @param config `every` (required, iterations), `factor` (0.5).
 * @returns `n ↦ factor^⌊n / every⌋`.
 */
export function stepDecay(config: { readonly every: number; readonly factor?: number }): Schedule {
  const every = requireCount('schedule.every', config.every, 1);
  const factor = requireRange('schedule.factor', config.factor ?? 0.5, 0, 1, true, false);
  return schedule({ kind: 'step', every, factor }, (n) => powInt(factor, Math.floor(n / every)));
}

/**
 * Exponential decay: the learning rate is multiplied by `gamma` every iteration.
 *
 * ```ts
 * import { adam, exponentialDecay } from 'min-char-rnn';
 * adam({ schedule: exponentialDecay({ gamma: 0.9999 }) }); // × 0.37 after 10 000 iterations
 * ```
 *
 * @param config `gamma` (required, in (0, 1]).
 * @returns `n ↦ gamma^n`.
 */
export function exponentialDecay(config: { readonly gamma: number }): Schedule {
  const gamma = requireRange('schedule.gamma', config.gamma, 0, 1, true, false);
  return schedule({ kind: 'exp', gamma }, (n) => powInt(gamma, n));
}

/**
 * Cosine decay with linear warm-up (Loshchilov & Hutter's SGDR curve without restarts, after Goyal et
 * al.'s warm-up): rises linearly to 1 over `warmup` iterations, then follows half a cosine down to `min`
 * at iteration `total`, and stays there.
 *
 * ```ts
 * import { adam, cosineDecay } from 'min-char-rnn';
 * const s = cosineDecay({ warmup: 100, total: 20000, min: 0 });
 * s(0); // 0.01
 * s(99); // 1
 * s(10050); // 0.5
 * adam({ learningRate: 0.002, schedule: s });
 * ```
 *
 * @param config `total` (required: iteration where the curve reaches `min`), `warmup` (0), `min` (0, a
 *   fraction of the base rate).
 * @returns The multiplier at each iteration.
 */
export function cosineDecay(config: { readonly total: number; readonly warmup?: number; readonly min?: number }): Schedule {
  const warmup = requireCount('schedule.warmup', config.warmup ?? 0, 0);
  const total = requireCount('schedule.total', config.total, 1);
  const min = requireRange('schedule.min', config.min ?? 0, 0, 1, true);
  if (total <= warmup) throw new ConfigError('schedule.total', total, `greater than warmup (${warmup})`);
  return schedule({ kind: 'cosine', warmup, total, min }, (n) => {
    if (n < warmup) return (n + 1) / warmup;
    if (n >= total) return min;
    const progress = (n - warmup) / (total - warmup);
    return min + (1 - min) * 0.5 * (1 + cos(Math.PI * progress));
  });
}

/**
 * Linear warm-up, then the base rate: `(n + 1) / steps` for the first `steps` iterations, 1 after.
 * Fine-tuning wants it: a fresh Adagrad (or Adam) memory makes the first update about ±learningRate on
 * every weight, whatever the gradient's size, which undoes much of what a trained model knows.
 *
 * ```ts
 * import { adagrad, linearWarmup } from 'min-char-rnn';
 * const s = linearWarmup({ steps: 100 });
 * s(0); // 0.01
 * s(99); // 1
 * adagrad({ learningRate: 0.1, schedule: s });
 * ```
 *
 * @param config `steps` (required, a positive integer).
 * @returns The multiplier at each iteration.
 */
export function linearWarmup(config: { readonly steps: number }): Schedule {
  const steps = requireCount('schedule.steps', config.steps, 1);
  return schedule({ kind: 'warmup', steps }, (n) => (n < steps ? (n + 1) / steps : 1));
}

/** The schedule that leaves the learning rate alone. */
export const constantSchedule: Schedule = schedule({ kind: 'constant' }, () => 1);

/**
 * Rebuilds a schedule from its JSON spec (as saved in a checkpoint), checking every field.
 *
 * ```ts
 * import { createSchedule } from 'min-char-rnn';
 * const s = createSchedule({ kind: 'cosine', warmup: 100, total: 20000, min: 0 });
 * ```
 *
 * @param spec A {@link ScheduleSpec}.
 * @returns The schedule it describes.
 */
export function createSchedule(spec: ScheduleSpec): Schedule {
  const s = spec as unknown as Record<string, unknown>;
  if (typeof s !== 'object' || s === null) throw new ConfigError('schedule', spec, 'a schedule spec object');
  const fields: Record<string, readonly string[]> = {
    constant: [],
    step: ['every', 'factor'],
    exp: ['gamma'],
    cosine: ['warmup', 'total', 'min'],
    warmup: ['steps'],
  };
  const allowed = fields[String(s.kind)];
  if (!allowed) throw new ConfigError('schedule.kind', s.kind, 'one of constant, step, exp, cosine, warmup');
  for (const key of Object.keys(s)) {
    if (key !== 'kind' && !allowed.includes(key)) {
      throw new ConfigError(`schedule.${key}`, s[key], `absent (a ${String(s.kind)} schedule takes ${allowed.join(', ') || 'nothing'})`);
    }
  }
  switch (spec.kind) {
    case 'constant':
      return constantSchedule;
    case 'step':
      return stepDecay(spec);
    case 'exp':
      return exponentialDecay(spec);
    case 'cosine':
      return cosineDecay(spec);
    case 'warmup':
      return linearWarmup(spec);
  }
}

/**
 * Parses the compact schedule syntax of the command line: `KIND:key=value,key=value`, e.g.
 * `step:every=1000,factor=0.5`, `exp:gamma=0.9999`, `cosine:warmup=200,total=20000,min=0.001`,
 * `warmup:steps=100`, `constant`. Missing optional keys take their defaults; anything else is a ConfigError naming the part.
 *
 * ```ts
 * import { parseSchedule } from 'min-char-rnn';
 * parseSchedule('step:every=1000').spec; // { kind: 'step', every: 1000, factor: 0.5 }
 * ```
 *
 * @param text The schedule in compact syntax.
 * @returns The schedule (its `spec` is the normalised JSON form).
 */
export function parseSchedule(text: string): Schedule {
  const colon = text.indexOf(':');
  const kind = (colon < 0 ? text : text.slice(0, colon)).trim();
  const body = colon < 0 ? '' : text.slice(colon + 1).trim();
  const values: Record<string, number> = {};
  if (body !== '') {
    for (const part of body.split(',')) {
      const m = /^\s*([a-z]+)\s*=\s*([^=\s]+)\s*$/i.exec(part);
      const x = m ? Number(m[2]) : NaN;
      if (!m || m[2].trim() === '' || !Number.isFinite(x)) {
        throw new ConfigError('schedule', text, `KIND:key=number,... (bad part ${JSON.stringify(part)})`);
      }
      if (m[1] in values) throw new ConfigError('schedule', text, `each key once (${m[1]} repeats)`);
      values[m[1]] = x;
    }
  }
  const known = ['constant', 'step', 'exp', 'cosine', 'warmup'];
  if (!known.includes(kind)) throw new ConfigError('schedule', text, 'one of constant, step:..., exp:..., cosine:..., warmup:...');
  const spec = { kind, ...values } as unknown as ScheduleSpec;
  return createSchedule(spec);
}

/**
 * The compact command-line form of a schedule spec (the inverse of {@link parseSchedule}).
 *
 * @param spec A {@link ScheduleSpec}.
 * @returns E.g. `cosine:warmup=200,total=20000,min=0`.
 */
export function formatSchedule(spec: ScheduleSpec): string {
  const { kind, ...rest } = spec;
  const parts = Object.entries(rest).map(([k, v]) => `${k}=${String(v)}`);
  return parts.length ? `${kind}:${parts.join(',')}` : kind;
}
