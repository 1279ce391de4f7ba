import { CorpusError } from '../errors.js';

/**
 * The model's alphabet: one entry per Unicode code point (an emoji is one character, not two UTF-16
 * units), in index order. Built from a text, entries are sorted by code point, which is what Python's
 * `sorted(set(text))` gives, so indices match the classic script.
 */
export interface Vocabulary {
  /** ixToChar: the character of each index. */
  readonly chars: readonly string[];
  /** charToIx: the index of each character. */
  readonly index: ReadonlyMap<string, number>;
  readonly size: number;
}

/** The distinct code points of `text`, sorted by code point. */
export function buildVocabulary(text: string): Vocabulary {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  // Sort numbers, not strings: JS string order is by UTF-16 unit, which puts U+1F600 before U+FF01.
  const chars = [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
  return vocabularyFromChars(chars);
}

/**
 * A vocabulary in the given index order (e.g. read from a checkpoint). Each entry must be exactly one
 * code point and appear once.
 */
export function vocabularyFromChars(chars: readonly string[]): Vocabulary {
  const index = new Map<string, number>();
  chars.forEach((ch, i) => {
    if (typeof ch !== 'string' || [...ch].length !== 1) {
      throw new CorpusError(`vocabulary entry ${i} must be a single character, got ${JSON.stringify(ch)}`);
    }
    if (index.has(ch)) throw new CorpusError(`vocabulary entry ${i} repeats character ${showChar(ch)}`);
    index.set(ch, i);
  });
  return { chars: [...chars], index, size: chars.length };
}

/** Maps text to indices, one per code point. Throws a CorpusError naming the first unknown character. */
export function encode(text: string, vocab: Vocabulary): Int32Array {
  const ids: number[] = [];
  let position = 0;
  for (const ch of text) {
    const ix = vocab.index.get(ch);
    if (ix === undefined) {
      throw new CorpusError(`character ${showChar(ch)} at position ${position} is not in the vocabulary`);
    }
    ids.push(ix);
    position++;
  }
  return Int32Array.from(ids);
}

/** Maps indices back to text. */
export function decode(ids: ArrayLike<number>, vocab: Vocabulary): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) out += vocab.chars[ids[i]!];
  return out;
}

/** A character as it should appear in a message: quoted, with its code point (newlines stay visible). */
export function showChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return `${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}
