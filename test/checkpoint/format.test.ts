import { expect } from 'chai';
import {
  buildVocabulary,
  CheckpointError,
  initParams,
  parseCheckpoint,
  serializeCheckpoint,
  tensorOf,
} from '../../src/index.js';

const vocab = buildVocabulary('ab\n한😀');

function snapshot() {
  const params = initParams(3, vocab.size, 1);
  // Awkward doubles: the smallest subnormal, the largest finite, −0, and a value with 17 digits.
  params.bh.set([5e-324, -0, 1.7976931348623157e308]);
  params.by.set([0.1 + 0.2, -1e-300, 123456789.12345679, 1 / 3, -2.5e-8]);
  return { vocab, params };
}

describe('checkpoint format 1', () => {
  it('round-trips every number bit for bit, including −0 and subnormals', () => {
    const s = snapshot();
    const back = parseCheckpoint(serializeCheckpoint(s));
    expect(back.vocab.chars).to.deep.equal(vocab.chars);
    expect(back.params.hiddenSize).to.equal(3);
    const a = new Uint8Array(s.params.data.buffer.slice(0));
    const b = new Uint8Array(back.params.data.buffer.slice(0));
    expect(Buffer.from(b).equals(Buffer.from(a))).to.equal(true);
    expect(Object.is(tensorOf(back.params, 'bh')[1], -0)).to.equal(true);
    expect(back.training).to.equal(undefined); // format 1 without training state
  });

  it('writes the documented layout: H rows of V numbers for Wxh, V rows of H for Why', () => {
    const j = JSON.parse(serializeCheckpoint(snapshot())) as Record<string, unknown> & {
      params: Record<string, unknown[]>;
    };
    expect(j.format).to.equal('min-char-rnn');
    expect(j.version).to.equal(1);
    expect(j.vocab).to.deep.equal(['\n', 'a', 'b', '한', '😀']);
    expect(j.hiddenSize).to.equal(3);
    expect(j.params.Wxh).to.have.length(3);
    expect(j.params.Wxh![0]).to.have.length(5);
    expect(j.params.Whh).to.have.length(3);
    expect(j.params.Why).to.have.length(5);
    expect(j.params.Why![0]).to.have.length(3);
    expect(j.params.bh).to.have.length(3);
    expect(j.params.by).to.have.length(5);
  });

  it('ignores fields it does not know and keeps extra fields when writing', () => {
    const text = serializeCheckpoint(snapshot(), { notes: { by: 'a later version' } });
    const raw = JSON.parse(text) as Record<string, unknown>;
    expect(raw.notes).to.deep.equal({ by: 'a later version' });
    raw.somethingNew = [1, 2, 3];
    expect(parseCheckpoint(JSON.stringify(raw)).params.hiddenSize).to.equal(3);
  });

  it('refuses to write non-finite numbers', () => {
    const s = snapshot();
    s.params.Whh[4] = Number.NaN;
    expect(() => serializeCheckpoint(s)).to.throw(CheckpointError, /Whh.*NaN/);
  });

  const good = (): Record<string, unknown> & { params: Record<string, unknown> } =>
    JSON.parse(serializeCheckpoint(snapshot())) as Record<string, unknown> & { params: Record<string, unknown> };
  const cases: Array<[string, () => string, RegExp]> = [
    ['truncated file', () => serializeCheckpoint(snapshot()).slice(0, 200), /not valid JSON/],
    ['wrong format', () => JSON.stringify({ ...good(), format: 'other' }), /not a min-char-rnn checkpoint/],
    ['unknown version', () => JSON.stringify({ ...good(), version: 9 }), /unsupported checkpoint version 9/],
    ['repeated vocab entry', () => JSON.stringify({ ...good(), vocab: ['a', 'a', 'b', 'c', 'd'] }), /repeats/],
    ['bad hiddenSize', () => JSON.stringify({ ...good(), hiddenSize: 2.5 }), /hiddenSize must be a positive integer/],
    ['missing tensor', () => { const g = good(); delete g.params.Why; return JSON.stringify(g); }, /params.Why is missing/],
    ['wrong row count', () => { const g = good(); (g.params.Whh as unknown[]).pop(); return JSON.stringify(g); }, /params.Whh has 2 rows \(expected 3×3\)/],
    ['wrong row length', () => { const g = good(); ((g.params.Wxh as unknown[][])[1]!).pop(); return JSON.stringify(g); }, /params.Wxh row 1 has the wrong length/],
    ['non-number', () => { const g = good(); (g.params.bh as unknown[])[0] = 'x'; return JSON.stringify(g); }, /params.bh vector\[0\] is "x"/],
    ['overflowing number', () => serializeCheckpoint(snapshot()).replace('1.7976931348623157e+308', '1e999'), /not a finite number/],
  ];
  for (const [name, make, message] of cases) {
    it(`rejects a ${name} with one clear line`, () => {
      expect(() => parseCheckpoint(make())).to.throw(CheckpointError, message);
    });
  }
});
