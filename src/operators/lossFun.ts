import { defer, map, type OperatorFunction, type Observable } from 'rxjs';
import type { Window } from '../corpus/windows.js';
import { NonFiniteLossError, requireInteger, requirePositive } from '../errors.js';
import { clipInPlace } from '../model/clip.js';
import { initModel } from '../model/families.js';
import type { Kernel } from '../model/kernel.js';
import { defaultKernel } from '../model/kernels.js';
import type { Network } from '../model/network.js';
import { createNetwork } from '../model/networks.js';
import { restoreRandom, seededRandom, type RandomState, type SeededRandom } from '../model/rng.js';
import { resolveModelSpec, type ModelSpec } from '../model/spec.js';
import type { ModelParams } from '../model/tensors.js';
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
   * State for a first window that is not a reset (resuming mid-corpus), (B, S): every stream's state.
   * Default: zeros. Copied at subscription.
   */
  readonly hprev?: Float64Array;
  /** Seed of the weights when given a spec, and of the dropout generator (`${seed}:dropout`). Default 1. */
  readonly seed?: string | number;
  /** Continue a saved dropout generator instead of seeding one (resuming). */
  readonly dropoutRandomState?: RandomState;
  /** V, needed only when `lossFun` is given a spec rather than weights. */
  readonly vocabSize?: number;
  /**
   * What a NaN or infinite loss does: `'error'` fails with a `NonFiniteLossError`; `'pass'` emits the
   * step as it is, for a `guardNonFinite` stage further on to undo. Default `'error'`.
   */
  readonly nonFinite?: 'error' | 'pass';
}

/**
 * Fills `masks` (L, B, T, H) with inverted-dropout multipliers: 0 with probability p, else 1 / (1 − p),
 * one uniform draw per element in buffer order.
 */
export function drawDropoutMasks(random: () => number, p: number, masks: Float64Array): void {
  const keep = 1 / (1 - p);
  for (let i = 0; i < masks.length; i++) masks[i] = random() < p ? 0 : keep;
}

/**
 * The classic `lossFun` as an operator: forward pass and backpropagation through time for each window,
 * for any model family.
 *
 * It's like `map`, but stateful per subscription: it copies `initialParams` into its own network when
 * subscribed (so two subscriptions never share weights), carries every stream's state from one window
 * to the next (zeros when the window says `reset`), draws the dropout masks from its own seeded
 * generator, and emits a {@link TrainingStep} with the loss (the mean over streams of each stream's
 * summed loss), the clipped gradients and the live parameters, which the optimizer stage that follows
 * updates in place. A NaN or infinite loss is reported on the error channel as a `NonFiniteLossError`
 * naming the iteration. Given a spec instead of weights, it starts from fresh weights (`seed`).
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
 *
 * windows(corpus, { seqLength: 4, batchSize: 2 })
 *   .pipe(lossFun({ type: 'lstm', hiddenSize: 8, layers: 2 }, { seed: 1, vocabSize: corpus.vocab.size }), take(1))
 *   .subscribe((step) => console.log(step.loss > 4));
 * // true
 * ```
 *
 * @param initialParams Starting weights (copied per subscription, never written), or a model spec.
 * @param config `kernel` ({@link defaultKernel}), `clip` (5), `hprev` (zeros), `seed` (1), `dropoutRandomState`,
 *   `nonFinite` (`'error'`).
 * @returns An operator from windows to training steps.
 * @see adagrad, the optimizer stage that usually follows.
 */
export function lossFun(
  initialParams: ModelParams | ModelSpec,
  config?: LossFunConfig,
): OperatorFunction<Window, TrainingStep> {
  const { kernel = defaultKernel(), clip = 5, hprev, seed = 1, dropoutRandomState, vocabSize, nonFinite = 'error' } = config ?? {};
  if (clip !== null) requirePositive('clip', clip);
  const given = isParams(initialParams) ? initialParams : undefined;
  if (!given) requireInteger('vocabSize', vocabSize ?? NaN);
  const spec = resolveModelSpec(given?.spec ?? (initialParams as ModelSpec));
  const startH = hprev?.slice();

  return (source: Observable<Window>) =>
    defer(() => {
      const params0 = given ?? initModel(spec, vocabSize!, seed);
      let network: Network | undefined;
      let masks: Float64Array | undefined; // (L, B, T, H)
      let random: SeededRandom | undefined;
      const dropoutState = (): RandomState => (random ??= dropoutRandomState ? restoreRandom(dropoutRandomState) : seededRandom(`${seed}:dropout`)).state();
      return source.pipe(
        map((w): TrainingStep => {
          const B = w.batchSize ?? 1;
          requireInteger('batchSize', B);
          const T = w.inputs.length / B;
          if (network === undefined || T > network.maxSeqLength) {
            const next = network?.sibling(T, B) ?? createNetwork(params0.spec, params0.vocabSize, { kernel, maxSeqLength: T, batchSize: B });
            next.params.data.set(network?.params.data ?? params0.data);
            if (network) {
              next.hprev.set(network.h);
            } else if (startH) {
              if (startH.length !== next.hprev.length) {
                throw new RangeError(`hprev has ${startH.length} numbers, expected ${next.hprev.length} (${B} streams of ${next.stateSize})`);
              }
              next.hprev.set(startH);
            }
            network = next;
          } else {
            network.carry();
          }
          if (w.reset) network.hprev.fill(0);
          if (spec.dropout > 0) {
            const size = spec.layers * B * T * spec.hiddenSize;
            if (masks?.length !== size) masks = new Float64Array(size);
            random ??= dropoutRandomState ? restoreRandom(dropoutRandomState) : seededRandom(`${seed}:dropout`);
            drawDropoutMasks(random, spec.dropout, masks);
          }
          const loss = network.lossFun(w.inputs, w.targets, spec.dropout > 0 ? masks : undefined);
          if (nonFinite === 'error' && !Number.isFinite(loss)) throw new NonFiniteLossError(w.iteration, loss);
          if (clip !== null) {
            if (network.clipInPlace) network.clipInPlace(network.grads.data, clip);
            else clipInPlace(network.grads.data, clip);
          }
          return extend(w, {
            loss,
            params: network.params,
            grads: network.grads,
            hprev: network.hprev,
            h: network.h,
            model: network,
            dropoutRandomState: dropoutState,
          });
        }),
      );
    });
}

function isParams(x: ModelParams | ModelSpec): x is ModelParams {
  return (x as ModelParams).data instanceof Float64Array;
}
