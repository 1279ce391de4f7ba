import { map, scan, type OperatorFunction } from 'rxjs';
import { ConfigError, requirePositive } from '../errors.js';
import type { GuardedStep } from './step.js';
import type { TrainingStep } from './step.js';
import { log } from '../math/elementary.js';
import { extend } from '../util/extend.js';

export interface SmoothLossConfig {
  /** Starting value. Default `−ln(1/V) · T`, the loss of a uniform guess over the first window. */
  readonly initial?: number;
  /**
   * Weight of the new loss. Default 0.001, the classic constant; the old value is weighted `1 − rate`
   * (0.999 exactly for the default, so the numbers match the classic script bit for bit).
   */
  readonly rate?: number;
}

/**
 * Adds the exponentially smoothed loss to each step: `smoothLoss = (1 − rate) · smoothLoss + rate · loss`.
 *
 * It's like `scan`, but it passes each step through with a `smoothLoss` field instead of emitting the
 * accumulator alone. The state is per subscription. A step the NaN guard undid (one with `nonFinite`,
 * see guardNonFinite) leaves the smooth loss as it was.
 *
 * ```ts
 * import { of } from 'rxjs';
 * import { smoothLoss } from 'min-char-rnn';
 *
 * of({ loss: 50 }, { loss: 40 })
 *   .pipe(smoothLoss({ initial: 100 }))
 *   .subscribe((s) => console.log(s.smoothLoss));
 * // 99.95
 * // 99.89005
 * ```
 *
 * @param config `initial` (−ln(1/V)·T from the first step), `rate` (0.001).
 * @returns An operator adding `smoothLoss` to each step.
 */
export function smoothLoss<S extends Pick<TrainingStep, 'loss'> & Partial<TrainingStep>>(
  config?: SmoothLossConfig,
): OperatorFunction<S, S & { readonly smoothLoss: number }> {
  const { initial, rate = 0.001 } = config ?? {};
  requirePositive('rate', rate);
  if (rate > 1) throw new ConfigError('rate', rate, 'a number in (0, 1]');
  const decay = 1 - rate;
  return (source) =>
    source.pipe(
      scan<S, { step: S; value: number } | null>((acc, step) => {
        const previous = acc?.value ?? initial ?? uniformLoss(step);
        // A step the NaN guard undid (guardNonFinite) did not happen as far as the average goes.
        if ((step as GuardedStep).nonFinite !== undefined) return { step, value: previous };
        // Same expression and order as the classic `smooth_loss * 0.999 + loss * 0.001`.
        return { step, value: previous * decay + step.loss * rate };
      }, null),
      map((acc) => extend(acc!.step, { smoothLoss: acc!.value })),
    );
}

/** Loss of a model that guesses uniformly: −ln(1/V) per character, T characters per stream. */
function uniformLoss(step: Partial<TrainingStep>): number {
  if (!step.params || !step.inputs) {
    throw new TypeError('smoothLoss needs `initial` when steps carry no params and inputs');
  }
  return -log(1.0 / step.params.vocabSize) * (step.inputs.length / (step.batchSize ?? 1));
}
