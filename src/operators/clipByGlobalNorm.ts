import { map, type OperatorFunction } from 'rxjs';
import { requirePositive } from '../errors.js';
import type { TrainingStep } from './step.js';

/** The Euclidean norm of all elements of `x` together: √Σ x_i². */
export function globalNorm(x: Float64Array): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i] * x[i];
  return Math.sqrt(sum);
}

/**
 * Gradient clipping by global norm (Pascanu, Mikolov & Bengio 2013): when the norm of all gradients
 * together, ‖g‖, exceeds `maxNorm`, every gradient is scaled by `maxNorm / ‖g‖`, in place; otherwise
 * they pass unchanged.
 *
 * It's like {@link clipByValue}, but it keeps the gradient's direction: all elements shrink by the
 * same factor, so the clipped gradient has norm exactly `maxNorm` (to rounding).
 *
 * ```ts
 * import { createCorpus, initParams, windows, lossFun, clipByGlobalNorm, adam } from 'min-char-rnn';
 *
 * const corpus = createCorpus('abcabcabcabc');
 * windows(corpus, { seqLength: 4, iterations: 10 })
 *   .pipe(lossFun(initParams(8, 3, 1), { clip: null }), clipByGlobalNorm(1), adam())
 *   .subscribe();
 * ```
 *
 * @param maxNorm The largest global norm the gradients may keep (> 0).
 * @returns An operator clipping each step's gradients and passing the step on.
 */
export function clipByGlobalNorm<S extends TrainingStep>(maxNorm: number): OperatorFunction<S, S> {
  requirePositive('clipByGlobalNorm maxNorm', maxNorm);
  return map((step) => {
    const g = step.grads.data;
    const norm = globalNorm(g);
    if (norm > maxNorm) {
      const scale = maxNorm / norm;
      for (let i = 0; i < g.length; i++) g[i] = g[i] * scale;
    }
    return step;
  });
}
