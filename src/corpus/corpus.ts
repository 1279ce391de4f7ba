import { CorpusError } from '../errors.js';
import { buildVocabulary, encode, type Vocabulary } from './vocabulary.js';

/** A text ready for training: its vocabulary and the index of every code point. */
export interface Corpus {
  readonly vocab: Vocabulary;
  /** One index per code point of the text, in order. */
  readonly ids: Int32Array;
}

/**
 * Prepares `text` for training. The vocabulary is built from the text unless one is given (e.g. from a
 * checkpoint), in which case every character of the text must be in it.
 */
export function createCorpus(text: string, vocab?: Vocabulary): Corpus {
  if (text.length === 0) throw new CorpusError('the corpus is empty');
  const v = vocab ?? buildVocabulary(text);
  return { vocab: v, ids: encode(text, v) };
}
