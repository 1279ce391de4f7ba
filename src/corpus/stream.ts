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

/**
 * A chunk of text as the passes see it: plain ASCII bytes (each byte is its code point, no decoding
 * needed: most corpora are mostly this), or a decoded string.
 */
type Piece = { readonly ascii: Uint8Array; readonly text?: undefined } | { readonly ascii?: undefined; readonly text: string };

/** True when `b` ends inside a multi-byte UTF-8 sequence (its last lead byte lacks continuation bytes). */
function endsMidSequence(b: Uint8Array): boolean {
  for (let k = 1; k <= 4 && k <= b.length; k++) {
    const x = b[b.length - k];
    if (x < 0x80) return false; // ASCII: complete
    if (x >= 0xc0) return k < (x >= 0xf0 ? 4 : x >= 0xe0 ? 3 : 2); // a lead byte: are its followers all here?
  }
  return false; // only continuation bytes: the decoder will judge them
}

/**
 * Decodes chunks strictly (a BOM is kept as a character, like Python's `encoding='utf-8'`). `asciiScan`
 * looks at each chunk first and says whether it is all ASCII (doing its own work on the bytes as it
 * looks); such a chunk is passed on as bytes, without decoding, when no sequence is pending from the
 * chunk before.
 */
function* pieces(chunks: Iterable<Uint8Array>, asciiScan: (b: Uint8Array) => boolean, onBytes?: (chunk: Uint8Array) => void): Generator<Piece> {
  const decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
  let pending = false; // the decoder holds the start of a sequence from the last chunk
  try {
    for (const chunk of chunks) {
      onBytes?.(chunk);
      if (!pending && asciiScan(chunk)) {
        if (chunk.length > 0) yield { ascii: chunk };
        continue;
      }
      // A sequence split between two chunks is held back until it completes; a surrogate pair is never
      // split between two pieces.
      const text = decoder.decode(chunk, { stream: true });
      pending = endsMidSequence(chunk);
      if (text.length > 0) yield { text };
    }
    const rest = decoder.decode();
    if (rest.length > 0) yield { text: rest };
  } catch (e) {
    if (e instanceof TypeError) throw new CorpusError('the text is not valid UTF-8');
    throw e;
  }
}

/** An ASCII scan that also notes which bytes occur (into `seenBytes`, merged only when all are ASCII). */
function noteAscii(seenBmp: Uint8Array): (b: Uint8Array) => boolean {
  const seenBytes = new Uint8Array(0x100);
  return (b) => {
    seenBytes.fill(0);
    let or = 0;
    for (let i = 0; i < b.length; i++) {
      const x = b[i];
      or |= x;
      seenBytes[x] = 1;
    }
    if (or >= 0x80) return false;
    for (let x = 0; x < 0x80; x++) seenBmp[x] |= seenBytes[x];
    return true;
  };
}

/** A plain ASCII scan, four bytes at a time where the chunk is aligned. */
function isAscii(b: Uint8Array): boolean {
  let or = 0;
  let i = 0;
  if (b.byteOffset % 4 === 0) {
    const words = new Uint32Array(b.buffer, b.byteOffset, b.length >>> 2);
    for (let k = 0; k < words.length; k++) or |= words[k];
    i = words.length * 4;
  }
  for (; i < b.length; i++) or |= b[i];
  return (or & 0x80808080) === 0;
}

/** Pass 1 over one piece without a vocabulary: marks the code points seen; returns how many there were. */
function notePiece(piece: Piece, seenBmp: Uint8Array, astral: Set<number>): number {
  if (piece.ascii) return piece.ascii.length; // noted by the scan
  const s = piece.text;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) {
      // Valid UTF-8 decodes to whole pairs only.
      astral.add(0x10000 + ((c - 0xd800) << 10) + (s.charCodeAt(i + 1) - 0xdc00));
      i++;
    } else {
      seenBmp[c] = 1;
    }
    n++;
  }
  return n;
}

/** Pass 1 over one piece with a vocabulary given: only counts code points. */
function countPiece(piece: Piece): number {
  if (piece.ascii) return piece.ascii.length;
  const s = piece.text;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) i++;
    n++;
  }
  return n;
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
 * // 8 Uint8Array(11) [ 3, 2, 4, 4, 5, 0, 7, 5, 6, 4, 1 ]
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
  const seenBmp = new Uint8Array(given ? 0 : 0x10000);
  const astral = new Set<number>();
  let length = 0;
  const scan = given ? isAscii : noteAscii(seenBmp);
  for (const piece of pieces(chunks(), scan, onBytes)) length += given ? countPiece(piece) : notePiece(piece, seenBmp, astral);
  if (length === 0) throw new CorpusError('the corpus is empty');
  afterCount?.(length);
  let vocab = given;
  if (vocab === undefined) {
    const chars: string[] = [];
    for (let cp = 0; cp < 0x10000; cp++) if (seenBmp[cp]) chars.push(String.fromCharCode(cp));
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
  const unknown = (cp: number, at: number): never => {
    throw new CorpusError(`character ${showChar(String.fromCodePoint(cp))} at position ${at} is not in the vocabulary`);
  };
  for (const piece of pieces(chunks(), isAscii)) {
    if (piece.ascii) {
      const b = piece.ascii;
      if (position + b.length > length) throw new CorpusError('the text changed while it was being read');
      let bad = 0; // negative once a byte has no index
      for (let i = 0; i < b.length; i++) {
        const ix = bmp[b[i]];
        bad |= ix;
        ids[position + i] = ix;
      }
      if (bad < 0) {
        for (let i = 0; i < b.length; i++) if (bmp[b[i]] < 0) unknown(b[i], position + i);
      }
      position += b.length;
      continue;
    }
    const s = piece.text;
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
      if (ix < 0) unknown(cp, position);
      if (position >= length) throw new CorpusError('the text changed while it was being read');
      ids[position++] = ix;
    }
  }
  if (position !== length) throw new CorpusError('the text changed while it was being read');
  return { vocab, ids };
}
