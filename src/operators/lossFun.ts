import { defer, map, type OperatorFunction, type Observable } from 'rxjs';
import type { Window } from '../corpus/windows.js';
import { NonFiniteLossError, requirePositive } from '../errors.js';
import { clipInPlace } from '../model/clip.js';
import type { Kernel, Model } from '../model/kernel.js';
import { defaultKernel } from '../model/kernels.js';
import type { Params } from '../model/params.js';
import { extend } from '../util/extend.js';
import type { TrainingStep } from './step.js';

export interface LossFunConfig {
  /** Compute backend. Default: {@link defaultKernel}. */
  readonly kernel?: Kernel;
  /**
   * Clip every gradient element to [−clip, clip], as the classic lossFun does; `null` leaves gradients
   * unclipped (for a separate clipping stage or a gradient check). Default 5.
   */
  readonly clip?: number | null;
  /**
   * Hidden state for a first window that is not a reset (resuming mid-corpus). Default: zeros.
   * Copied at subscription.
   */
  readonly hprev?: Float64Array;
  /**
   * What a NaN or infinite loss does: `'error'` fails with a `NonFiniteLossError`; `'pass'` emits the
   * step as it is, for a `guardNonFinite` stage further on to undo. Default `'error'`.
   */
  readonly nonFinite?: 'error' | 'pass';
}

/**
 * The classic `lossFun` as an operator: forward pass and backpropagation through time for each window.
 *
 * It's like `map`, but stateful per subscription: it copies `initialParams` into its own model when
 * subscribed (so two subscriptions never share weights), carries the hidden state from one window to the
 * next (zeros when the window says `reset`), and emits a {@link TrainingStep} with the loss, the clipped
 * gradients and the live parameters, which the optimizer stage that follows updates in place. A NaN or
 * infinite loss is reported on the error channel as a `NonFiniteLossError` naming the iteration.
 *
 * ```ts
 * import { createCorpus, initParams, windows, lossFun } from 'min-char-rnn';
 * import { take } from 'rxjs';
 *
 * const corpus = createCorpus('abcabcabcabc');
 * const params = initParams(8, corpus.vocab.size, 1);
 * windows(corpus, { seqLength: 4 })
 *   .pipe(lossFun(params), take(1))
 *   .subscribe((step) => console.log(step.loss.toFixed(4)));
 * // 4.3944  (= 4 · ln 3: tiny weights predict uniformly)
 * ```
 *
 * @param initialParams Starting weights; copied per subscription, never written.
 * @param config `kernel` ({@link defaultKernel}), `clip` (5), `hprev` (zeros), `nonFinite` (`'error'`).
 * @returns An operator from windows to training steps.
 * @see adagrad, the optimizer stage that usually follows.
 */
export function lossFun(
  initialParams: Params,
  config?: LossFunConfig,
): OperatorFunction<Window, TrainingStep> {
  const { kernel = defaultKernel(), clip = 5, hprev, nonFinite = 'error' } = config ?? {};
  if (clip !== null) requirePositive('clip', clip);
  const H = initialParams.hiddenSize;
  if (hprev !== undefined && hprev.length !== H) {
    throw new RangeError(`hprev has ${hprev.length} numbers, expected hiddenSize ${H}`);
  }
  const startH = hprev?.slice();

  return (source: Observable<Window>) =>
    defer(() => {
      let model: Model | undefined;
      let lastT = 0; // length of the previous window: its final hidden state is row lastT of hs
      return source.pipe(
        map((w): TrainingStep => {
          const T = w.inputs.length;
          if (model === undefined || T > model.maxSeqLength) {
            const next = kernel.createModel(H, initialParams.vocabSize, T);
            next.params.data.set(model?.params.data ?? initialParams.data);
            if (model === undefined) {
              if (startH) next.hs.set(startH);
            } else {
              next.hs.set(model.hs.subarray(lastT * H, (lastT + 1) * H));
            }
            model = next;
          } else if (lastT > 0) {
            // Carry h from the end of the previous window to row 0 (hprev) of this one.
            model.hs.copyWithin(0, lastT * H, (lastT + 1) * H);
          }
          const hs = model.hs;
          if (w.reset) hs.fill(0, 0, H);

          const loss = model.lossFun(w.inputs, w.targets);
          lastT = T;
          if (nonFinite === 'error' && !Number.isFinite(loss)) throw new NonFiniteLossError(w.iteration, loss);
          if (clip !== null) {
            if (model.clipInPlace) model.clipInPlace(model.grads.data, clip);
            else clipInPlace(model.grads.data, clip);
          }
          return extend(w, {
            loss,
            params: model.params,
            grads: model.grads,
            hprev: hs.subarray(0, H),
            h: hs.subarray(T * H, (T + 1) * H),
            model,
          });
        }),
      );
    });
}
