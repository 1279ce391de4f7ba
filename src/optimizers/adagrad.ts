import type { TrainingStep } from '../operators/step.js';
import type { Hyperparameter } from './optimizer.js';
import { optimizerStage, type OptimizerDefinition, type OptimizerOperator, type OptimizerOptions } from './stage.js';

export interface AdagradConfig extends OptimizerOptions {
  /** Step size. Default 0.1, the classic min-char-rnn value. */
  readonly learningRate?: Hyperparameter;
  /** Added under the square root so the first steps stay finite. Default 1e-8, the classic value. */
  readonly epsilon?: Hyperparameter;
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
    const g = grad[i];
    const m = mem[i] + g * g;
    mem[i] = m;
    param[i] = param[i] + (-learningRate * g) / Math.sqrt(m + epsilon);
  }
}

const ADAGRAD: OptimizerDefinition<'epsilon'> = {
  name: 'adagrad',
  slots: ['memory'],
  hyperparameters: {
    learningRate: { default: 0.1, range: 'rate' },
    epsilon: { default: 1e-8, range: 'positive' },
  },
  update(params, grads, { memory }, { learningRate, epsilon }, _t, model) {
    // The kernel's own update when it has one and owns the buffers: the same numbers bit for bit, faster.
    if (!model.adagradUpdate?.(params, grads, memory!, learningRate, epsilon)) {
      adagradUpdate(params, grads, memory!, learningRate, epsilon);
    }
  },
};

/**
 * The Adagrad optimizer stage (Duchi, Hazan & Singer 2011), the one the classic min-char-rnn uses:
 * each parameter's step shrinks with the square root of its summed squared gradients.
 *
 * It's like `scan`, but the accumulator it holds is the Adagrad memory (the running sum of squared
 * gradients, slot `memory`, zeros at subscription, allocated beside the parameters), and what it emits
 * is the step itself, updated in place during its emission, with the optimizer state attached as
 * `optimizer` (live buffers: copy to keep). Defaults are the classic script's.
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
 * // 1 4.440
 * // 2 3.733
 * ```
 *
 * @param config `learningRate` (0.1), `epsilon` (1e-8), `schedule` (none), `state` (zeros). Each
 *   hyperparameter may be a number, an Observable or a function of the iteration.
 * @returns An operator applying one Adagrad update per step.
 * @see optimizerStage, for writing your own optimizer stage.
 */
export function adagrad<S extends TrainingStep>(config?: AdagradConfig): OptimizerOperator<S> {
  return optimizerStage<S, 'epsilon'>(ADAGRAD, config ?? {});
}
