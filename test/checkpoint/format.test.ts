import { expect } from 'chai';
import { initParams, parseCheckpoint, serializeCheckpoint, vocabularyFromChars } from '../../src/index.js';

const vocab = vocabularyFromChars(['a', 'b', 'c']);
const params = initParams(4, 3, 1);
const good = serializeCheckpoint({ vocab, params });

describe('checkpoint format 1: bad input', () => {
  it('reads back what it writes, bit for bit', () => {
    const back = parseCheckpoint(good);
    expect([...back.params.data]).to.deep.equal([...params.data]);
    expect(back.training).to.equal(undefined);
  });

  it('says a truncated file may be truncated', () => {
    expect(() => parseCheckpoint(good.slice(0, good.length / 2))).to.throw(/not valid JSON.*truncated/);
  });

  it('refuses an unknown format and an unknown version', () => {
    expect(() => parseCheckpoint(good.replace('"min-char-rnn"', '"other"'))).to.throw(/not a min-char-rnn checkpoint.*"other"/);
    expect(() => parseCheckpoint(good.replace('"version": 1', '"version": 2'))).to.throw(/unsupported checkpoint version 2/);
  });

  it('refuses wrong shapes, naming the tensor', () => {
    const raw = JSON.parse(good) as { params: { Whh: number[][]; by: number[] } };
    raw.params.Whh.pop();
    expect(() => parseCheckpoint(JSON.stringify(raw))).to.throw(/params\.Whh has 3 rows \(expected 4×4\)/);
    const raw2 = JSON.parse(good) as { params: { by: number[] } };
    raw2.params.by.push(0);
    expect(() => parseCheckpoint(JSON.stringify(raw2))).to.throw(/params\.by vector has the wrong length/);
  });

  it('refuses non-finite parameters (1e999 reads as Infinity)', () => {
    const raw = JSON.parse(good) as { params: { bh: number[] } };
    const text = JSON.stringify(raw).replace(/"bh":\[[^\]]*\]/, '"bh":[0,1e999,0,0]');
    expect(() => parseCheckpoint(text)).to.throw(/params\.bh vector\[1\] is null, not a finite number|params\.bh vector\[1\]/);
  });

  it('refuses to write NaN', () => {
    const p = initParams(4, 3, 1);
    p.Why[2] = NaN;
    expect(() => serializeCheckpoint({ vocab, params: p })).to.throw(/cannot save Why: it contains NaN/);
  });
});
