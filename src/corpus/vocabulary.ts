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
  // A table for the Basic Multilingual Plane and a set beyond it: several times faster than a Set of
  // every character on a megabyte of text (code points, like `for...of`: a lone surrogate is its own).
  const seenBmp = new Uint8Array(0x10000);
  const astral = new Set<number>();
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    if (cp > 0xffff) {
      astral.add(cp);
      i++; // the low half of the surrogate pair
    } else {
      seenBmp[cp] = 1;
    }
  }
  const codePoints: number[] = [];
  for (let cp = 0; cp < 0x10000; cp++) if (seenBmp[cp]) codePoints.push(cp);
  // Sort numbers, not strings: JS string order is by UTF-16 unit, which puts U+1F600 before U+FF01.
  for (const cp of [...astral].sort((a, b) => a - b)) codePoints.push(cp); // no spread: it could be long
  return vocabularyFromChars(codePoints.map((cp) => String.fromCodePoint(cp)));
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

/**
 * Checks that every entry is a Unicode scalar value: a lone surrogate (U+D800–U+DFFF) cannot come from
 * a UTF-8 corpus, so a vocabulary read from a file that holds one was not made by training on text.
 * Throws a CorpusError naming the entry.
 */
export function requireScalarValues(vocab: Vocabulary): void {
  vocab.chars.forEach((ch, i) => {
    const cp = ch.codePointAt(0)!;
    if (cp >= 0xd800 && cp <= 0xdfff) {
      throw new CorpusError(`vocabulary entry ${i} is a lone surrogate ${showChar(ch)}, which no UTF-8 text contains`);
    }
  });
}

/** Maps text to indices, one per code point. Throws a CorpusError naming the first unknown character. */
export function encode(text: string, vocab: Vocabulary): Int32Array {
  // Indices by code point from a table for the Basic Multilingual Plane (-1: not in the vocabulary),
  // the vocabulary's map beyond it: a megabyte of text encodes in milliseconds instead of ~0.3 s.
  const bmp = new Int32Array(0x10000).fill(-1);
  for (const [ch, ix] of vocab.index) {
    const cp = ch.codePointAt(0)!;
    if (cp <= 0xffff) bmp[cp] = ix;
  }
  const ids = new Int32Array(text.length); // never fewer UTF-16 units than code points
  let position = 0;
  for (let i = 0; i < text.length; i++) {
    const cp = text.codePointAt(i)!;
    let ix: number;
    if (cp > 0xffff) {
      ix = vocab.index.get(String.fromCodePoint(cp)) ?? -1;
      i++; // the low half of the surrogate pair
    } else {
      ix = bmp[cp];
    }
    if (ix < 0) {
      const ch = String.fromCodePoint(cp);
      throw new CorpusError(`character ${showChar(ch)} at position ${position} is not in the vocabulary`);
    }
    ids[position++] = ix;
  }
  return position === ids.length ? ids : ids.slice(0, position);
}

/** Maps indices back to text. */
export function decode(ids: ArrayLike<number>, vocab: Vocabulary): string {
  let out = '';
  for (let i = 0; i < ids.length; i++) out += vocab.chars[ids[i]];
  return out;
}

/** A character as it should appear in a message: quoted, with its code point (newlines stay visible). */
export function showChar(ch: string): string {
  const cp = ch.codePointAt(0)!;
  return `${JSON.stringify(ch)} (U+${cp.toString(16).toUpperCase().padStart(4, '0')})`;
}
