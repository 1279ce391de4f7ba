import { isObservable, map, Observable, type OperatorFunction } from 'rxjs';
import type { Vocabulary } from '../corpus/vocabulary.js';
import { decode } from '../corpus/vocabulary.js';
import { ConfigError, requireInteger, requirePositive } from '../errors.js';
import { restoreRandom, seededRandom, type RandomState, type SeededRandom } from '../model/rng.js';
import { sampleIndices } from '../model/sampling.js';
import type { TrainingStep } from './step.js';
import { extend } from '../util/extend.js';

/** A piece of generated text. */
export interface Sample {
  /** The iteration at which it was drawn (before that iteration's update). */
  readonly iteration: number;
  readonly text: string;
  /** The softmax temperature it was drawn at. */
  readonly temperature: number;
}

export interface SampleEveryConfig {
  /** Maps drawn indices to characters. */
  readonly vocab: Vocabulary;
  /** Characters per sample. Default 200. */
  readonly length?: number;
  /**
   * Softmax temperature: below 1 is more conservative, above 1 more adventurous. Default 1. An
   * Observable makes it live: subscribed for as long as the operator is, its latest value applies from
   * the next sample on (1 until it first emits; its errors and values ≤ 0 go to the error channel).
   */
  readonly temperature?: number | Observable<number>;
  /** Seed of the sampling generator (separate from the weights' generator). Default 1. */
  readonly seed?: string | number;
  /** Continue a saved generator instead of seeding a new one (resuming). */
  readonly randomState?: RandomState;
}

/** What {@link sampleEvery} adds: `sample` on the steps it sampled at, and the generator's position. */
export interface SampledStep {
  readonly sample?: Sample;
  /** Snapshot of the sampling generator after this step (a fresh copy each call). */
  readonly sampleRandomState: () => RandomState;
}

/**
 * A sampling tap: every `every` iterations, generates text from the model without changing it.
 *
 * It's like `tap`, but what it produces travels with the stream: at iterations where
 * `iteration % every == 0` it draws `length` characters, starting from the window's first character and
 * hidden state `hprev` (exactly where the classic loop samples; with B streams, stream 0's), and attaches `{ iteration, text }` as
 * `sample`; other steps pass through unchanged. Placed between the loss stage and the optimizer it sees
 * the parameters the classic loop samples from. The generator is per subscription.
 *
 * ```ts
 * import { createCorpus, initParams, windows, lossFun, sampleEvery } from 'min-char-rnn';
 * import { filter, take } from 'rxjs';
 *
 * const corpus = createCorpus('abcabcabcabc');
 * windows(corpus, { seqLength: 4 })
 *   .pipe(lossFun(initParams(8, 3, 1)), sampleEvery(2, { vocab: corpus.vocab, length: 10 }), take(3))
 *   .subscribe((s) => s.sample && console.log(s.sample.iteration, s.sample.text.length));
 * // 0 10
 * // 2 10
 * ```
 *
 * @param every Sample when `iteration % every == 0`; 0 never samples (steps still pass through).
 * @param config `vocab` (required), `length` (200), `temperature` (1, or an Observable of it), `seed` (1),
 *   `randomState`.
 * @returns An operator passing steps through, with `sample` on sampled ones.
 */
export function sampleEvery<S extends TrainingStep>(
  every: number,
  config: SampleEveryConfig,
): OperatorFunction<S, S & SampledStep> {
  requireInteger('sampleEvery', every, 0);
  const { vocab, length = 200, temperature = 1, seed = 1, randomState } = config;
  requireInteger('length', length);
  if (!isObservable(temperature)) requirePositive('temperature', temperature);

  return (source: Observable<S>) =>
    new Observable<S & SampledStep>((subscriber) => {
      const random: SeededRandom = randomState ? restoreRandom(randomState) : seededRandom(seed);
      const sampleRandomState = (): RandomState => random.state();
      let current = isObservable(temperature) ? 1 : temperature;
      if (isObservable(temperature)) {
        subscriber.add(
          temperature.subscribe({
            next: (x) => {
              if (typeof x === 'number' && x > 0 && Number.isFinite(x)) current = x;
              else subscriber.error(new ConfigError('temperature$', x, 'a positive number'));
            },
            error: (e: unknown) => subscriber.error(e),
          }),
        );
        if (subscriber.closed) return;
      }
      // Subscribing with `subscriber` itself chains the upstream subscription to it (see optimizerStage).
      source
        .pipe(
          map((step): S & SampledStep => {
            if (every === 0 || step.iteration % every !== 0) return extend(step, { sampleRandomState });
            const h = step.hprev.slice(0, step.model.stateSize); // stream 0's state, a copy: sampling must not disturb training
            const ids = sampleIndices(step.model, h, step.inputs[0], length, current, random);
            const sample: Sample = { iteration: step.iteration, text: decode(ids, vocab), temperature: current };
            return extend(step, { sample, sampleRandomState });
          }),
        )
        .subscribe(subscriber);
    });
}
