import { expect } from 'chai';
import { buildVocabulary, createCorpus, decode, encode, vocabularyFromChars, CorpusError } from '../../src/index.js';

describe('vocabulary', () => {
  it('counts an emoji as one character and sorts by code point, not by UTF-16 unit', () => {
    // U+1F600 (😀) is stored as surrogates D83D DE00, which a string sort would put before U+FF01 (！).
    const v = buildVocabulary('！😀한a😀b한');
    expect(v.chars).to.deep.equal(['a', 'b', '한', '！', '😀']);
    expect(v.size).to.equal(5);
    expect(v.index.get('😀')).to.equal(4);
  });

  it('matches Python sorted(set(text)) on Hangul text', () => {
    const v = buildVocabulary('안녕하세요 세계');
    // Code points: ' ' 0x20, 계 0xACC4, 녕 0xB155, 세 0xC138, 안 0xC548, 요 0xC694, 하 0xD558
    expect(v.chars).to.deep.equal([' ', '계', '녕', '세', '안', '요', '하']);
  });

  it('encodes one index per code point and decodes back', () => {
    const text = 'a😀b😀';
    const c = createCorpus(text);
    expect(Array.from(c.ids)).to.deep.equal([0, 2, 1, 2]);
    expect(decode(c.ids, c.vocab)).to.equal(text);
  });

  it('names the first character missing from a fixed vocabulary', () => {
    const v = vocabularyFromChars(['a', 'b']);
    expect(() => encode('abxa', v)).to.throw(CorpusError, /"x" \(U\+0078\) at position 2/);
  });

  it('refuses vocabularies with repeated or multi-character entries', () => {
    expect(() => vocabularyFromChars(['a', 'a'])).to.throw(CorpusError, /repeats/);
    expect(() => vocabularyFromChars(['ab'])).to.throw(CorpusError, /single character/);
  });

  it('refuses an empty corpus', () => {
    expect(() => createCorpus('')).to.throw(CorpusError, /empty/);
  });
});
