import { ConfigError, CorpusError, requireInteger } from '../errors.js';
import type { Corpus, CorpusIds } from './corpus.js';

/** A corpus cut in two: training text first, held-out text at the end. */
export interface CorpusSplit<Ids extends CorpusIds = CorpusIds> {
  /** The head, which training windows run over. */
  readonly train: Corpus<Ids>;
  /** The tail held out for validation; absent when the fraction is 0. */
  readonly validation: Corpus<Ids> | undefined;
}

/** Fraction held out when the corpus is large enough and the user did not choose one. */
export const DEFAULT_VALIDATION_FRACTION = 0.05;

/** Windows of held-out text the default split must leave, so that the validation loss is not noise. */
export const MIN_VALIDATION_WINDOWS = 10;

/**
 * The most characters the default split holds out: 500,000, 5% of a 10-million-character corpus. Every
 * validation reads the whole held-out text (the first at iteration 0, before the first line of output), and
 * half a million characters already measure the loss to a few parts in a thousand; 5% of a 300 MB corpus
 * would take minutes a time.
 */
export const MAX_DEFAULT_VALIDATION_LENGTH = 500_000;

/**
 * The held-out fraction to use when none is given: {@link DEFAULT_VALIDATION_FRACTION} (5%) when that
 * tail holds at least {@link MIN_VALIDATION_WINDOWS} windows of `seqLength` characters (so 5,000
 * characters at the classic T = 25), otherwise 0: a small corpus is better spent on training. Beyond 10
 * million characters the fraction shrinks so that the tail stays at
 * {@link MAX_DEFAULT_VALIDATION_LENGTH} characters.
 *
 * @param length Corpus length in characters (code points).
 * @param seqLength T, characters per training window.
 * @returns 0.05, a smaller fraction for a very large corpus, or 0.
 */
export function defaultValidationFraction(length: number, seqLength: number): number {
  requireInteger('seqLength', seqLength);
  if (Math.floor(length * DEFAULT_VALIDATION_FRACTION) < MIN_VALIDATION_WINDOWS * seqLength) return 0;
  return length * DEFAULT_VALIDATION_FRACTION > MAX_DEFAULT_VALIDATION_LENGTH ? MAX_DEFAULT_VALIDATION_LENGTH / length : DEFAULT_VALIDATION_FRACTION;
}

/**
 * Holds out the last `fraction` of a corpus: the tail `floor(N · fraction)` characters become the
 * validation text, the head stays for training. Both parts are views of the same ids and share the
 * vocabulary, so indices mean the same in both.
 *
 * ```ts
 * import { createCorpus, splitCorpus } from 'min-char-rnn';
 *
 * const { train, validation } = splitCorpus(createCorpus('abcdefghij'.repeat(10)), 0.1);
 * console.log(train.ids.length, validation?.ids.length);
 * // 90 10
 * ```
 *
 * @param corpus The whole text.
 * @param fraction In [0, 1); 0 holds nothing out.
 * @param seqLength When given, the head must keep at least `seqLength + 1` characters (one window).
 * @returns The two parts.
 */
export function splitCorpus<Ids extends CorpusIds>(corpus: Corpus<Ids>, fraction: number, seqLength?: number): CorpusSplit<Ids> {
  if (typeof fraction !== 'number' || !(fraction >= 0 && fraction < 1)) {
    throw new ConfigError('valFraction', fraction, 'a number in [0, 1)');
  }
  const N = corpus.ids.length;
  const held = Math.floor(N * fraction);
  if (fraction > 0 && held < 2) {
    throw new CorpusError(
      `holding out ${fraction} of ${N} characters leaves ${held} for validation; it needs at least 2`,
    );
  }
  const cut = N - held;
  if (seqLength !== undefined && cut < seqLength + 1) {
    throw new CorpusError(
      `holding out ${fraction} of ${N} characters leaves ${cut} for training; seqLength ${seqLength} needs at least ${seqLength + 1}`,
    );
  }
  if (held === 0) return { train: corpus, validation: undefined };
  return {
    train: { vocab: corpus.vocab, ids: corpus.ids.subarray(0, cut) as Ids },
    validation: { vocab: corpus.vocab, ids: corpus.ids.subarray(cut) as Ids },
  };
}
