import { expect } from 'chai';
import { createCorpus, defaultValidationFraction, splitCorpus } from '../../src/index.js';

describe('splitCorpus', () => {
  const corpus = createCorpus('abcdefghij'.repeat(10));
  it('holds out the tail floor(N · fraction) characters', () => {
    const { train, validation } = splitCorpus(corpus, 0.13);
    expect(train.ids.length).to.equal(87);
    expect(validation!.ids.length).to.equal(13);
    expect([...validation!.ids]).to.deep.equal([...corpus.ids.subarray(87)]);
    expect(validation!.vocab).to.equal(corpus.vocab);
  });
  it('fraction 0 holds nothing out', () => {
    const s = splitCorpus(corpus, 0);
    expect(s.train).to.equal(corpus);
    expect(s.validation).to.equal(undefined);
  });
  it('refuses splits that leave too little on either side', () => {
    expect(() => splitCorpus(corpus, 0.01)).to.throw(/leaves 1 for validation/);
    expect(() => splitCorpus(corpus, 0.9, 25)).to.throw(/leaves 10 for training; seqLength 25 needs at least 26/);
    expect(() => splitCorpus(corpus, 1)).to.throw(/valFraction must be a number in \[0, 1\)/);
  });
  it('defaults to 5% when that is at least 10 windows', () => {
    expect(defaultValidationFraction(5000, 25)).to.equal(0.05);
    expect(defaultValidationFraction(4999, 25)).to.equal(0);
    expect(defaultValidationFraction(38000, 25)).to.equal(0.05);
    // Very large corpora: the held-out tail stays at half a million characters.
    expect(defaultValidationFraction(10_000_000, 25)).to.equal(0.05);
    expect(defaultValidationFraction(300_000_000, 25)).to.equal(500_000 / 300_000_000);
    expect(Math.floor(300_000_000 * defaultValidationFraction(300_000_000, 25))).to.be.within(499_999, 500_000);
  });
});
