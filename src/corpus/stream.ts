// A corpus read from bytes in chunks, never as one string: the way to train on a text larger than a
// JavaScript string can be (about 512 MB of code units in V8), in a fraction of the memory.
//
// Two passes over the same chunks. The first decodes the UTF-8 strictly, counts the code points and
// notes which occur (or, with a given vocabulary, only counts); the second decodes again and writes each
// code point's index straight into the smallest integer array that holds the vocabulary. Decoding twice
// costs less than keeping the decoded text: a 300 MB corpus never exists as a 600 MB string.
import { CorpusError } from '../errors.js';
import type { Corpus, CorpusIds } from './corpus.js';
import { showChar, vocabularyFromChars, type Vocabulary } from './vocabulary.js';

/** Chunks of a UTF-8 text, in order; called once per pass, each call starting from the beginning. */
export type ByteChunks = () => Iterable<Uint8Array>;

/** What a pass over the chunks may be told about each chunk of bytes (e.g. to hash them). */
export interface CorpusFromChunksConfig {
  /** Encode with this vocabulary (from a checkpoint) instead of the text's own; every character must be in it. */
  readonly vocab?: Vocabulary;
  /** Called with every chunk of the first pass, in order (the bytes are only valid during the call). */
  readonly onBytes?: (chunk: Uint8Array) => void;
  /**
   * Called between the passes with the length in code points: a caller that hashes the bytes can check
   * them here (a throw stops the work before anything is encoded).
   */
  readonly afterCount?: (length: number) => void;
}

/**
 * The smallest index array for a vocabulary of `vocabSize`: 8 bits per character up to 256 entries,
 * 16 bits up to 65,536, else 32.
 */
export function idArrayFor(vocabSize: number, length: number): CorpusIds {
  if (vocabSize <= 0x100) return new Uint8Array(length);
  if (vocabSize <= 0x10000) return new Uint16Array(length);
  return new Int32Array(length);
}

/** Decodes chunks strictly (a BOM is kept as a character, like Python's `encoding='utf-8'`). */
function* decodedPieces(chunks: Iterable<Uint8Array>, onBytes?: (chunk: Uint8Array) => void): Generator<string> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  try {
    for (const chunk of chunks) {
      onBytes?.(chunk);
      // A sequence split between two chunks is held back until it completes; a surrogate pair is never
      // split between two pieces.
      const piece = decoder.decode(chunk, { stream: true });
      if (piece.length > 0) yield piece;
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield rest;
  } catch (e) {
    if (e instanceof TypeError) throw new CorpusError('the text is not valid UTF-8');
    throw e;
  }
}

/**
 * Builds a corpus from UTF-8 bytes given in chunks: the same vocabulary (distinct code points sorted by
 * code point) and the same indices as `createCorpus` on the decoded text, held in a `Uint8Array` or
 * `Uint16Array` when the vocabulary fits (see {@link idArrayFor}).
 *
 * ```ts
 * import { corpusFromChunks } from 'min-char-rnn';
 *
 * const bytes = new TextEncoder().encode('hello world');
 * const corpus = corpusFromChunks(() => [bytes.subarray(0, 4), bytes.subarray(4)]);
 * console.log(corpus.vocab.size, corpus.ids);
 * // 8 Uint8Array(11) [ 2, 1, 3, 3, 4, 0, 7, 4, 5, 3, 1 ]
 * ```
 *
 * @param chunks Returns the chunks from the start; called twice.
 * @param config `vocab` (the text's own when omitted), `onBytes` (sees the first pass's bytes).
 * @returns The corpus. Throws a CorpusError for text that is empty, not UTF-8, or outside `vocab`.
 */
export function corpusFromChunks(chunks: ByteChunks, config?: CorpusFromChunksConfig): Corpus {
  const { vocab: given, onBytes, afterCount } = config ?? {};
  // Pass 1: count code points and, without a vocabulary, note which occur (a table for the Basic
  // Multilingual Plane, a set beyond it, as buildVocabulary does).
  const seenBmp = given ? undefined : new Uint8Array(0x10000);
  const astral = new Set<number>();
  let length = 0;
  for (const s of decodedPieces(chunks(), onBytes)) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff) {
        // Valid UTF-8 decodes to whole pairs only.
        if (seenBmp) astral.add(0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00));
        i++;
      } else if (seenBmp) {
        seenBmp[c] = 1;
      }
      length++;
    }
  }
  if (length === 0) throw new CorpusError('the corpus is empty');
  afterCount?.(length);
  let vocab = given;
  if (vocab === undefined) {
    const chars: string[] = [];
    for (let cp = 0; cp < 0x10000; cp++) if (seenBmp![cp]) chars.push(String.fromCharCode(cp));
    for (const cp of [...astral].sort((a, b) => a - b)) chars.push(String.fromCodePoint(cp));
    vocab = vocabularyFromChars(chars);
  }

  // Pass 2: indices, through a table for the BMP (-1: not in the vocabulary) and a map beyond it.
  const bmp = new Int32Array(0x10000).fill(-1);
  const beyond = new Map<number, number>();
  for (const [ch, ix] of vocab.index) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0xffff) bmp[cp] = ix;
    else beyond.set(cp, ix);
  }
  const ids = idArrayFor(vocab.size, length);
  let position = 0;
  for (const s of decodedPieces(chunks())) {
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i);
      let ix: number;
      let cp = c;
      if (c >= 0xd800 && c <= 0xdbff) {
        cp = 0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00);
        ix = beyond.get(cp) ?? -1;
        i++;
      } else {
        ix = bmp[c];
      }
      if (ix < 0) {
        throw new CorpusError(`character ${showChar(String.fromCodePoint(cp))} at position ${position} is not in the vocabulary`);
      }
      if (position >= length) throw new CorpusError('the text changed while it was being read');
      ids[position++] = ix;
    }
  }
  if (position !== length) throw new CorpusError('the text changed while it was being read');
  return { vocab, ids };
}
