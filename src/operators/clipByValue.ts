import { map, type OperatorFunction } from 'rxjs';
import { requirePositive } from '../errors.js';
import { clipInPlace } from '../model/clip.js';
import type { TrainingStep } from './step.js';

/**
 * Elementwise gradient clipping: every gradient element is clamped to [−limit, limit], in place.
 *
 * It's like `tap`, but what it touches is `step.grads`, which the clipping stages may rewrite in place
 * between the loss stage and the optimizer (the grads are valid only during the emission anyway). This
 * is the classic `np.clip(dparam, -5, 5, out=dparam)`; the default pipeline applies `clipByValue(5)`.
 * NaN stays NaN so that divergence is still seen.
 *
 * ```ts
 * import { createCorpus, initParams, windows, lossFun, clipByValue, adagrad } from 'min-char-rnn';
 *
 * const corpus = createCorpus('abcabcabcabc');
 * windows(corpus, { seqLength: 4, iterations: 10 })
 *   .pipe(lossFun(initParams(8, 3, 1), { clip: null }), clipByValue(5), adagrad())
 *   .subscribe();
 * ```
 *
 * @param limit The largest magnitude a gradient element may keep (> 0).
 * @returns An operator clipping each step's gradients and passing the step on.
 * @see clipByGlobalNorm
 */
export function clipByValue<S extends TrainingStep>(limit: number): OperatorFunction<S, S> {
  requirePositive('clipByValue limit', limit);
  return map((step) => {
    // The kernel's own clip when it has one (same numbers bit for bit, faster on its buffers).
    if (step.model.clipInPlace) step.model.clipInPlace(step.grads.data, limit);
    else clipInPlace(step.grads.data, limit);
    return step;
  });
}
