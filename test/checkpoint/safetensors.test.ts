import { expect } from 'chai';
import {
  decodeCheckpoint,
  decodeModelSafetensors,
  decodeSafetensors,
  encodeModelSafetensors,
  encodeSafetensors,
  initParams,
  isSafetensors,
  serializeCheckpoint,
  vocabularyFromChars,
} from '../../src/index.js';

/** Reads a safetensors file by hand, following the specification, independently of the decoder. */
function parseBySpec(bytes: Uint8Array): { n: number; header: Record<string, unknown>; data: DataView; headerBytes: Uint8Array } {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const n = Number(view.getBigUint64(0, true));
  const headerBytes = bytes.subarray(8, 8 + n);
  const header = JSON.parse(new TextDecoder().decode(headerBytes)) as Record<string, unknown>;
  return { n, header, headerBytes, data: new DataView(bytes.buffer, bytes.byteOffset + 8 + n, bytes.length - 8 - n) };
}

function build(header: Record<string, unknown>, data: Uint8Array, pad = true): Uint8Array {
  let json = new TextEncoder().encode(JSON.stringify(header));
  if (pad && json.length % 8 !== 0) {
    const p = new Uint8Array(Math.ceil(json.length / 8) * 8).fill(0x20);
    p.set(json);
    json = p;
  }
  const out = new Uint8Array(8 + json.length + data.length);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  out.set(data, 8 + json.length);
  return out;
}

function f64(...xs: number[]): Uint8Array {
  const b = new Uint8Array(8 * xs.length);
  const v = new DataView(b.buffer);
  xs.forEach((x, i) => v.setFloat64(8 * i, x, true));
  return b;
}

const vocab = vocabularyFromChars(['\n', 'a', 'b', 'é', '😀']);
const params = initParams(3, vocab.size, 7);
params.bh[1] = -0;
params.by[0] = 5e-324; // subnormal: must survive exactly

describe('safetensors', () => {
  it('lays out bytes as the specification says: u64 LE length, "{" padded with spaces to 8, then LE data', () => {
    const bytes = encodeSafetensors([{ name: 'w', shape: [2], data: Float64Array.of(1.5, -2) }], { note: 'hi' });
    const { n, header, headerBytes, data } = parseBySpec(bytes);
    expect(n % 8).to.equal(0);
    expect(headerBytes[0]).to.equal(0x7b);
    const text = new TextDecoder().decode(headerBytes);
    expect(text.trimEnd()).to.equal('{"__metadata__":{"note":"hi"},"w":{"dtype":"F64","shape":[2],"data_offsets":[0,16]}}');
    expect(text.slice(text.trimEnd().length)).to.match(/^ *$/);
    expect(header.w).to.deep.equal({ dtype: 'F64', shape: [2], data_offsets: [0, 16] });
    expect(data.byteLength).to.equal(16);
    expect(data.getFloat64(0, true)).to.equal(1.5);
    expect(data.getFloat64(8, true)).to.equal(-2);
    expect(bytes.length).to.equal(8 + n + 16);
  });

  it('writes the model as five contiguous F64 tensors in offset order, with vocab and settings as strings', () => {
    const bytes = encodeModelSafetensors({ vocab, params });
    const { header, data } = parseBySpec(bytes);
    const H = 3;
    const V = vocab.size;
    const expected: Record<string, number[]> = { Wxh: [H, V], Whh: [H, H], Why: [V, H], bh: [H], by: [V] };
    let offset = 0;
    for (const name of ['Wxh', 'Whh', 'Why', 'bh', 'by'] as const) {
      const t = header[name] as { dtype: string; shape: number[]; data_offsets: [number, number] };
      expect(t.dtype).to.equal('F64');
      expect(t.shape).to.deep.equal(expected[name]);
      expect(t.data_offsets).to.deep.equal([offset, offset + 8 * params[name].length]);
      for (let i = 0; i < params[name].length; i++) {
        expect(Object.is(data.getFloat64(offset + 8 * i, true), params[name][i])).to.equal(true);
      }
      offset = t.data_offsets[1];
    }
    expect(offset).to.equal(data.byteLength);
    const meta = header.__metadata__ as Record<string, unknown>;
    expect(Object.values(meta).every((v) => typeof v === 'string')).to.equal(true);
    expect(JSON.parse(meta.vocab as string)).to.deep.equal(vocab.chars);
    expect(meta).to.include({ format: 'min-char-rnn', version: '1', hiddenSize: '3', vocabSize: '5' });
  });

  it('round-trips a model bit for bit (−0 and subnormals included)', () => {
    const back = decodeModelSafetensors(encodeModelSafetensors({ vocab, params }));
    expect(back.vocab.chars).to.deep.equal(vocab.chars);
    expect(back.params.data.length).to.equal(params.data.length);
    for (let i = 0; i < params.data.length; i++) expect(Object.is(back.params.data[i], params.data[i])).to.equal(true);
  });

  it('reads F32 tensors and tensors in any header order', () => {
    const f32 = new Uint8Array(8);
    new DataView(f32.buffer).setFloat32(0, 0.5, true);
    new DataView(f32.buffer).setFloat32(4, -3, true);
    const bytes = build(
      { b: { dtype: 'F64', shape: [1], data_offsets: [8, 16] }, a: { dtype: 'F32', shape: [2], data_offsets: [0, 8] } },
      new Uint8Array([...f32, ...f64(7)]),
    );
    const { tensors } = decodeSafetensors(bytes);
    expect([...tensors.keys()]).to.deep.equal(['a', 'b']);
    expect([...tensors.get('a')!.data]).to.deep.equal([0.5, -3]);
    expect([...tensors.get('b')!.data]).to.deep.equal([7]);
  });

  it('refuses files that break the specification, saying why', () => {
    const ok = { w: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } };
    const good = build(ok, f64(1, 2));
    expect(() => decodeSafetensors(good.subarray(0, good.length - 3))).to.throw(/ends at byte 16 of a 13-byte data section.*truncated/);
    expect(() => decodeSafetensors(good.subarray(0, 20))).to.throw(/runs past the end of the file.*truncated/);
    expect(() => decodeSafetensors(good.subarray(0, 5))).to.throw(/fewer than the 8-byte header length/);
    expect(() => decodeSafetensors(build({ w: { dtype: 'F64', shape: [2], data_offsets: [0, 16] } }, f64(1, 2, 3)))).to.throw(/8 bytes after the last tensor/);
    expect(() =>
      decodeSafetensors(build({ a: { dtype: 'F64', shape: [1], data_offsets: [8, 16] }, b: { dtype: 'F64', shape: [0], data_offsets: [0, 0] } }, f64(1, 2))),
    ).to.throw(/a hole before tensor a/);
    expect(() =>
      decodeSafetensors(build({ a: { dtype: 'F64', shape: [2], data_offsets: [0, 16] }, b: { dtype: 'F64', shape: [1], data_offsets: [8, 16] } }, f64(1, 2))),
    ).to.throw(/overlaps/);
    expect(() => decodeSafetensors(build({ w: { dtype: 'F64', shape: [3], data_offsets: [0, 16] } }, f64(1, 2)))).to.throw(/needs 24/);
    expect(() => decodeSafetensors(build({ w: { dtype: 'I64', shape: [2], data_offsets: [0, 16] } }, f64(1, 2)))).to.throw(/dtype "I64"/);
    expect(() => decodeSafetensors(build({ __metadata__: { n: 1 }, ...ok }, f64(1, 2)))).to.throw(/__metadata__\.n is not a string/);
    const huge = good.slice();
    new DataView(huge.buffer).setBigUint64(0, 1n << 40n, true);
    expect(() => decodeSafetensors(huge)).to.throw(/100 MB/);
    const notBrace = good.slice();
    notBrace[8] = 0x20;
    expect(() => decodeSafetensors(notBrace)).to.throw(/does not start with '\{'/);
  });

  it('refuses a model holding NaN or Infinity, or tensors of the wrong shape', () => {
    const bytes = encodeModelSafetensors({ vocab, params });
    const { n, header } = parseBySpec(bytes);
    const bad = bytes.slice();
    const [begin] = (header.Whh as { data_offsets: [number, number] }).data_offsets;
    new DataView(bad.buffer).setFloat64(8 + n + begin + 8, NaN, true);
    expect(() => decodeModelSafetensors(bad)).to.throw(/tensor Whh\[1\] is NaN, not a finite number/);
    const wrongShape = encodeSafetensors(
      [
        { name: 'Wxh', shape: [3, 4], data: new Float64Array(12) },
        { name: 'Whh', shape: [3, 3], data: new Float64Array(9) },
        { name: 'Why', shape: [5, 3], data: new Float64Array(15) },
        { name: 'bh', shape: [3], data: new Float64Array(3) },
        { name: 'by', shape: [5], data: new Float64Array(5) },
      ],
      { vocab: JSON.stringify(vocab.chars) },
    );
    expect(() => decodeModelSafetensors(wrongShape)).to.throw(/tensor Wxh has shape \[3, 4\], expected \[3, 5\]/);
    const noVocab = encodeSafetensors([{ name: 'bh', shape: [1], data: new Float64Array(1) }]);
    expect(() => decodeModelSafetensors(noVocab)).to.throw(/no __metadata__\.vocab/);
  });

  it('is told apart from a JSON checkpoint by content', () => {
    const json = new TextEncoder().encode(serializeCheckpoint({ vocab, params }));
    const st = encodeModelSafetensors({ vocab, params });
    expect(isSafetensors(json)).to.equal(false);
    expect(isSafetensors(st)).to.equal(true);
    expect(decodeCheckpoint(json).format).to.equal('json');
    expect(decodeCheckpoint(st).format).to.equal('safetensors');
    expect([...decodeCheckpoint(st).params.data]).to.deep.equal([...decodeCheckpoint(json).params.data]);
  });
});
