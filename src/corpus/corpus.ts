import { CorpusError } from '../errors.js';
import { buildVocabulary, encode, type Vocabulary } from './vocabulary.js';

/**
 * Vocabulary indices of a text, one per code point. `createCorpus` gives an `Int32Array`; a corpus read
 * in chunks (`corpusFromChunks`) the smallest array that holds its vocabulary, 8 or 16 bits a character
 * where it fits. Kernels always get `Int32Array` windows ({@link idSlice}).
 */
export type CorpusIds = Uint8Array | Uint16Array | Int32Array;

/** A text ready for training: its vocabulary and the index of every code point. */
export interface Corpus<Ids extends CorpusIds = CorpusIds> {
  readonly vocab: Vocabulary;
  /** One index per code point of the text, in order. */
  readonly ids: Ids;
}

/**
 * `ids[start .. end)` as an `Int32Array`, what kernels take: a view when `ids` is one already, else a
 * copy (into `into` when given, which must be long enough; its first `end - start` entries are used).
 */
export function idSlice(ids: CorpusIds, start: number, end: number, into?: Int32Array): Int32Array {
  if (ids instanceof Int32Array) return ids.subarray(start, end);
  const out = into ? into.subarray(0, end - start) : new Int32Array(end - start);
  out.set(ids.subarray(start, end));
  return out;
}

/**
 * Prepares `text` for training. The vocabulary is built from the text unless one is given (e.g. from a
 * checkpoint), in which case every character of the text must be in it.
 */
export function createCorpus(text: string, vocab?: Vocabulary): Corpus<Int32Array> {
  if (text.length === 0) throw new CorpusError('the corpus is empty');
  const v = vocab ?? buildVocabulary(text);
  return { vocab: v, ids: encode(text, v) };
}
