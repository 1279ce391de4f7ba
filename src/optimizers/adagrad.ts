import { map, scan, type OperatorFunction } from 'rxjs';
import { ConfigError, requirePositive } from '../errors.js';
import type { TrainingStep } from '../operators/step.js';
import { initialSlot, type OptimizedStep, type OptimizerState } from './optimizer.js';
import { extend } from '../util/extend.js';

export interface AdagradConfig {
  /** Step size. Default 0.1, the classic value. */
  readonly learningRate?: number;
  /** Added under the square root so the first steps stay finite. Default 1e-8, the classic value. */
  readonly epsilon?: number;
  /** Continue from a saved state (its `memory` slot) instead of zeros. */
  readonly state?: OptimizerState;
}

/**
 * Adagrad in place over flat buffers: `mem += g²; param += −lr · g / √(mem + ε)`, in the classic
 * expression order so the result matches numpy bit for bit.
 */
export function adagradUpdate(
  param: Float64Array,
  grad: Float64Array,
  mem: Float64Array,
  learningRate: number,
  epsilon: number,
): void {
  const n = param.length;
  for (let i = 0; i < n; i++) {
    const g = grad[i]!;
    const m = mem[i]! + g * g;
    mem[i] = m;
    param[i] = param[i]! + (-learningRate * g) / Math.sqrt(m + epsilon);
  }
}

/**
 * The Adagrad optimizer stage: updates each step's parameters in place with its gradients.
 *
 * It's like `scan`, but the accumulator it holds is the Adagrad memory (the running sum of squared
 * gradients, zeros at subscription, allocated beside the parameters), and what it emits is the step
 * itself, updated, with the optimizer state attached as `optimizer` (live buffers: copy to keep). The
 * update happens during the step's synchronous emission, before any later stage sees it.
 *
 * ```ts
 * import { createCorpus, initParams, windows, lossFun, adagrad } from 'min-char-rnn';
 * import { take } from 'rxjs';
 *
 * const corpus = createCorpus('abcabcabcabc');
 * windows(corpus, { seqLength: 4 })
 *   .pipe(lossFun(initParams(8, 3, 1)), adagrad({ learningRate: 0.1 }), take(3))
 *   .subscribe((s) => console.log(s.iteration, s.loss.toFixed(3)));
 * // 0 4.394
 * // 1 ...
 * ```
 *
 * @param config `learningRate` (0.1), `epsilon` (1e-8), `state` (zeros).
 * @returns An operator applying one Adagrad update per step.
 * @see sgd in the examples, for writing your own optimizer stage.
 */
export function adagrad<S extends TrainingStep>(
  config?: AdagradConfig,
): OperatorFunction<S, S & OptimizedStep> {
  const { learningRate = 0.1, epsilon = 1e-8, state } = config ?? {};
  requirePositive('learningRate', learningRate);
  requirePositive('epsilon', epsilon);
  if (state !== undefined && state.name !== 'adagrad') {
    throw new ConfigError('state', state.name, 'an adagrad state');
  }
  type Acc = { readonly step: S; readonly memory: Float64Array; readonly updates: number };
  return (source) =>
    source.pipe(
      scan<S, Acc | null>((acc, step) => {
        const memory = acc?.memory ?? initialSlot(step, 'memory', state);
        // The kernel's own update when it has one (same numbers bit for bit, faster on its buffers).
        const { model } = step;
        if (model.adagradUpdate) model.adagradUpdate(step.params.data, step.grads.data, memory, learningRate, epsilon);
        else adagradUpdate(step.params.data, step.grads.data, memory, learningRate, epsilon);
        return { step, memory, updates: (acc?.updates ?? state?.updates ?? 0) + 1 };
      }, null),
      map((acc) => {
        const { step, memory, updates } = acc!;
        return extend(step, { optimizer: { name: 'adagrad', updates, slots: { memory } } });
      }),
    );
}
