// Dimension key: H = hiddenSize, V = vocabSize.
import { Observable } from 'rxjs';
import { encode, showChar, type Vocabulary } from '../corpus/vocabulary.js';
import { CorpusError, requireInteger, requirePositive } from '../errors.js';
import { now, scheduleMacrotask } from '../util/macrotask.js';
import type { Kernel } from './kernel.js';
import { defaultKernel } from './kernels.js';
import type { Network } from './network.js';
import { createNetwork } from './networks.js';
import type { ModelParams } from './tensors.js';
import { restoreRandom, seededRandom, type RandomState } from './rng.js';
import { argmax, drawIndex } from './sampling.js';

export interface GenerateConfig {
  /** Text fed to the model before generating, to set the hidden state. Default: {@link defaultPrime}. */
  readonly prime?: string;
  /** Characters to generate. Default 200. */
  readonly length?: number;
  /** Softmax temperature: below 1 is more conservative, above 1 more adventurous. Default 1. */
  readonly temperature?: number;
  /** Draw only among the `topK` most likely characters. Default: all of them. */
  readonly topK?: number;
  /** Always take the most likely character (greedy decoding; no randomness). Default false. */
  readonly argmax?: boolean;
  /** Seed of the sampling generator. Default 1. */
  readonly seed?: string | number;
  /** Continue a saved generator instead of seeding one. */
  readonly randomState?: RandomState;
  /** Compute backend. Default: {@link defaultKernel}. */
  readonly kernel?: Kernel;
  /** Longest stretch of synchronous work, in ms, before yielding to the event loop. Default 16. */
  readonly yieldEveryMs?: number;
}

/** The prime used when none is given: a newline when the vocabulary has one, else its first character. */
export function defaultPrime(vocab: Vocabulary): string {
  return vocab.index.has('\n') ? '\n' : vocab.chars[0];
}

/**
 * A draw from `probs` restricted to its `k` largest entries (ties broken towards the lower index),
 * renormalised: `u` uniform on [0, 1) picks by cumulative probability in index order, as
 * {@link drawIndex} does. `order` is scratch space of length V (pass one to avoid an allocation).
 */
export function drawTopK(probs: Float64Array, k: number, u: number, order?: Int32Array): number {
  const V = probs.length;
  if (k >= V) return drawIndex(probs, u);
  const idx = order ?? new Int32Array(V);
  for (let i = 0; i < V; i++) idx[i] = i;
  idx.sort((a, b) => probs[b] - probs[a] || a - b);
  const threshold = probs[idx[k - 1]];
  // Keep entries above the k-th value, and entries equal to it up to k in all.
  let total = 0;
  let kept = 0;
  for (let i = 0; i < V; i++) {
    const p = probs[i];
    if (p > threshold) {
      total += p;
      kept++;
    }
  }
  let ties = k - kept;
  for (let i = 0; i < V && ties > 0; i++) {
    if (probs[i] === threshold) {
      total += threshold;
      ties--;
    }
  }
  const target = u * total;
  let cumulative = 0;
  let last = idx[0];
  ties = k - kept;
  for (let i = 0; i < V; i++) {
    const p = probs[i];
    let take = p > threshold;
    if (!take && p === threshold && ties > 0) {
      take = true;
      ties--;
    }
    if (!take) continue;
    last = i;
    cumulative += p;
    if (target < cumulative) return i;
  }
  return last;
}

/**
 * Generates text from a trained model as a stream of characters, so a UI can show it as it arrives.
 *
 * It's like `interval`, but each value is the next character the model writes: the state (every layer's, for any
 * family) is warmed up on `prime` from zeros (the prime itself is not emitted), then each drawn character is fed
 * back in, the way the classic `sample` does. The stream is cold (each subscriber gets its own model copy
 * and generator, so the same seed gives the same text), completes after `length` characters, yields to
 * the event loop every `yieldEveryMs`, and stops as soon as it is unsubscribed. A prime character
 * outside the vocabulary is refused when `generate` is called.
 *
 * ```ts
 * import { createCorpus, initParams, generate } from 'min-char-rnn';
 * import { toArray } from 'rxjs';
 *
 * const vocab = createCorpus('hello world').vocab;
 * generate({ vocab, params: initParams(16, vocab.size, 1) }, { prime: 'he', length: 5, seed: 7 })
 *   .pipe(toArray())
 *   .subscribe((chars) => console.log(chars.length));
 * // 5
 * ```
 *
 * @param model The vocabulary and weights (copied per subscription, never written).
 * @param config `prime` ("\n" or the first character), `length` (200), `temperature` (1), `topK` (all),
 *   `argmax` (false), `seed` (1), `randomState`, `kernel` ({@link defaultKernel}), `yieldEveryMs` (16).
 * @returns A cold Observable of single characters (one Unicode code point each).
 */
export function generate(
  model: { readonly vocab: Vocabulary; readonly params: ModelParams },
  config?: GenerateConfig,
): Observable<string> {
  const { vocab, params } = model;
  const {
    prime = defaultPrime(vocab),
    length = 200,
    temperature = 1,
    topK,
    argmax: greedy = false,
    seed = 1,
    randomState,
    kernel = defaultKernel(),
    yieldEveryMs = 16,
  } = config ?? {};
  requireInteger('length', length, 0);
  requirePositive('temperature', temperature);
  if (topK !== undefined) requireInteger('topK', topK);
  if (params.vocabSize !== vocab.size) {
    throw new CorpusError(`the vocabulary has ${vocab.size} characters but the weights expect ${params.vocabSize}`);
  }
  if (prime.length === 0) throw new CorpusError('the prime text is empty; it needs at least one character');
  let primeIds: Int32Array;
  try {
    primeIds = encode(prime, vocab);
  } catch (e) {
    if (e instanceof CorpusError) {
      const position = [...prime].findIndex((ch) => !vocab.index.has(ch));
      const ch = [...prime][position];
      throw new CorpusError(`prime character ${showChar(ch)} at position ${position} is not in the vocabulary`);
    }
    throw e;
  }
  const V = vocab.size;

  return new Observable<string>((subscriber) => {
    let cancel: (() => void) | undefined;
    let m: Network;
    let h: Float64Array; // (S) every layer's state, zeros before the prime
    const probs = new Float64Array(V); // (V) distribution of the next character
    const order = new Int32Array(V);
    const random = randomState ? restoreRandom(randomState) : seededRandom(seed);
    let n = 0;
    try {
      m = createNetwork(params.spec, V, { kernel, maxSeqLength: 1 });
      m.params.data.set(params.data);
      h = new Float64Array(m.stateSize);
      // Feeding the prime leaves in `probs` the distribution of the character that follows it.
      for (let t = 0; t < primeIds.length; t++) m.sampleStep(primeIds[t], h, temperature, probs);
    } catch (e) {
      subscriber.error(e);
      return undefined;
    }

    const runSlice = (): void => {
      cancel = undefined;
      const deadline = now() + yieldEveryMs;
      try {
        while (!subscriber.closed) {
          if (n >= length) {
            subscriber.complete();
            return;
          }
          const ix = greedy ? argmax(probs) : topK !== undefined ? drawTopK(probs, topK, random(), order) : drawIndex(probs, random());
          n++;
          subscriber.next(vocab.chars[ix]);
          if (n < length && !subscriber.closed) m.sampleStep(ix, h, temperature, probs);
          if (now() >= deadline) {
            if (!subscriber.closed) cancel = scheduleMacrotask(runSlice);
            return;
          }
        }
      } catch (e) {
        subscriber.error(e);
      }
    };

    runSlice();
    return () => cancel?.();
  });
}
