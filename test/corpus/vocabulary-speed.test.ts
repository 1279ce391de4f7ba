// The table-driven buildVocabulary and encode against the plain code-point loops they replaced.
import { expect } from 'chai';
import { buildVocabulary, CorpusError, encode, vocabularyFromChars, type Vocabulary } from '../../src/index.js';

/** The plain versions: a Set over `for...of` code points, a Map lookup per code point. */
function plainVocabulary(text: string): string[] {
  const seen = new Set<number>();
  for (const ch of text) seen.add(ch.codePointAt(0)!);
  return [...seen].sort((a, b) => a - b).map((cp) => String.fromCodePoint(cp));
}
function plainEncode(text: string, vocab: Vocabulary): number[] {
  return [...text].map((ch) => vocab.index.get(ch)!);
}

const TRICKY = [
  'hello world',
  '\uFEFFa byte order mark stays a character',
  'emoji 😀 and 👍🏽 are one code point each, ＦＵＬＬ width after them',
  'lone surrogates \uD800 and \uDC00 count as characters, \uD83D at the end\uD83D',
  '\uDBFF\uDFFF the last code point, \u0000 the first',
  'é vs e\u0301, tabs\tand\nnewlines\r\n',
];

describe('buildVocabulary and encode (table-driven)', () => {
  for (const text of TRICKY) {
    it(`agree with the plain code-point loops on ${JSON.stringify(text.slice(0, 24))}`, () => {
      const vocab = buildVocabulary(text);
      expect(vocab.chars).to.deep.equal(plainVocabulary(text));
      const ids = encode(text, vocab);
      expect(Array.from(ids)).to.deep.equal(plainEncode(text, vocab));
      expect(ids.length).to.equal([...text].length);
    });
  }

  it('names the first unknown character with its code-point position', () => {
    const vocab = vocabularyFromChars(['a', 'b', '😀']);
    expect(Array.from(encode('ab😀a', vocab))).to.deep.equal([0, 1, 2, 0]);
    expect(() => encode('a😀bc', vocab)).to.throw(CorpusError, '"c" (U+0063) at position 3 is not in the vocabulary');
    expect(() => encode('a👍', vocab)).to.throw(CorpusError, 'at position 1');
  });
});
