// The batched LSTM and GRU kernels: numerical gradient checks of every tensor (1 and 2 layers, 1 and
// 3 streams, dropout masks on and off), the WebAssembly and JavaScript backends bit for bit, and the
// carried state.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { createBatchedModel, type BatchedBackend, type BatchedModel } from '../../../src/model/batched/model.js';
import type { GatedType } from '../../../src/model/batched/layout.js';
import { wasmMatrixAvailable } from '../../../src/model/batched/matrix.js';

interface Case {
  readonly type: GatedType;
  readonly layers: number;
  readonly batchSize: number;
  readonly dropout: boolean;
}

const V = 5;
const H = 3;
const T = 4;

/** A model with random weights (uniform ±0.8), a random carried state, window and dropout masks. */
function build(
  c: Case,
  backend: BatchedBackend,
  seed: string,
): { model: BatchedModel; inputs: Int32Array; targets: Int32Array; state: Float64Array; masks: Float64Array | undefined } {
  const model = createBatchedModel({ type: c.type, vocabSize: V, hiddenSize: H, layers: c.layers, batchSize: c.batchSize, maxSeqLength: T + 2, dropout: c.dropout }, backend);
  const rng = seedrandom(seed);
  for (let i = 0; i < model.params.length; i++) model.params[i] = (rng() * 2 - 1) * 0.8;
  for (let i = 0; i < model.hprev.length; i++) model.hprev[i] = (rng() * 2 - 1) * 0.5;
  const n = c.batchSize * T;
  const inputs = new Int32Array(n).map(() => Math.floor(rng() * V));
  const targets = new Int32Array(n).map(() => Math.floor(rng() * V));
  const masks = c.dropout ? new Float64Array(c.layers * n * H).map(() => (rng() < 0.3 ? 0 : 1 / 0.7)) : undefined;
  return { model, inputs, targets, state: model.hprev.slice(), masks };
}

const CASES: Case[] = [];
for (const type of ['lstm', 'gru'] as const) {
  for (const layers of [1, 2]) for (const batchSize of [1, 3]) CASES.push({ type, layers, batchSize, dropout: false });
  CASES.push({ type, layers: 2, batchSize: 3, dropout: true });
}

describe('batched gated kernels', function () {
  for (const c of CASES) {
    const label = `${c.type}, ${c.layers} layer(s), B ${c.batchSize}${c.dropout ? ', dropout masks' : ''}`;
    it(`${label}: every tensor's gradient matches central differences (max error / max |gradient| < 1e-6)`, function () {
      const { model, inputs, targets, state, masks } = build(c, 'js', label);
      const lossAt = (): number => {
        model.hprev.set(state);
        return model.loss(inputs, targets);
      };
      model.hprev.set(state);
      const loss = model.lossFun(inputs, targets, masks);
      const grads = model.grads.slice();
      if (!c.dropout) expect(lossAt()).to.equal(loss);
      const eps = 1e-5;
      const numerics = new Float64Array(grads.length);
      for (let i = 0; i < model.params.length; i++) {
        const p = model.params[i]!;
        let numeric: number;
        if (c.dropout) {
          // The forward-only loss has no dropout: difference lossFun's own losses instead.
          model.params[i] = p + eps;
          model.hprev.set(state);
          const up = model.lossFun(inputs, targets, masks);
          model.params[i] = p - eps;
          model.hprev.set(state);
          const down = model.lossFun(inputs, targets, masks);
          numeric = (up - down) / (2 * eps);
        } else {
          model.params[i] = p + eps;
          const up = lossAt();
          model.params[i] = p - eps;
          numeric = (up - lossAt()) / (2 * eps);
        }
        model.params[i] = p;
        numerics[i] = numeric;
      }
      // Per tensor, as the fast kernels' tests measure: elements with tiny gradients would otherwise
      // measure the finite differences' own rounding.
      const pl = model.paramLayout;
      const tensors: Array<[string, number, number]> = [];
      pl.layers.forEach((l, k) => {
        const GH = l.bhh - l.bih;
        tensors.push([`weight_ih_l${k}`, l.Wih, l.Whh], [`weight_hh_l${k}`, l.Whh, l.bih], [`bias_ih_l${k}`, l.bih, l.bih + GH], [`bias_hh_l${k}`, l.bhh, l.bhh + GH]);
      });
      tensors.push(['fc.weight', pl.fcW, pl.fcB], ['fc.bias', pl.fcB, pl.count]);
      for (const [name, from, to] of tensors) {
        let scale = 0;
        let diff = 0;
        for (let i = from; i < to; i++) {
          scale = Math.max(scale, Math.abs(grads[i]!));
          diff = Math.max(diff, Math.abs(grads[i]! - numerics[i]!));
        }
        expect(scale, name).to.be.above(0);
        expect(diff / scale, name).to.be.below(1e-6);
      }
    });
  }

  it('the WebAssembly and JavaScript backends give the same bits: losses, gradients, carried state, over several windows', function () {
    if (!wasmMatrixAvailable()) this.skip();
    for (const c of CASES) {
      const a = build(c, 'js', 'same');
      const b = build(c, 'wasm', 'same');
      for (let w = 0; w < 3; w++) {
        expect(b.model.lossFun(b.inputs, b.targets, b.masks)).to.equal(a.model.lossFun(a.inputs, a.targets, a.masks));
        expect(Array.from(b.model.grads)).to.deep.equal(Array.from(a.model.grads));
        expect(Array.from(b.model.h)).to.deep.equal(Array.from(a.model.h));
        a.model.carry();
        b.model.carry();
      }
    }
  });

  it('carries the state: one window of 2T steps equals two windows of T, for the loss of the second', function () {
    for (const type of ['lstm', 'gru'] as const) {
      const shape = { type, vocabSize: V, hiddenSize: H, layers: 2, batchSize: 2, maxSeqLength: 2 * T, dropout: false };
      const one = createBatchedModel(shape, 'js');
      const two = createBatchedModel(shape, 'js');
      const rng = seedrandom(type);
      for (let i = 0; i < one.params.length; i++) one.params[i] = two.params[i] = rng() - 0.5;
      const text = new Int32Array(2 * (2 * T + 1)).map(() => Math.floor(rng() * V)); // two streams of 2T + 1
      const window = (from: number, len: number, shift: number): Int32Array => {
        const w = new Int32Array(2 * len);
        for (let b = 0; b < 2; b++) for (let t = 0; t < len; t++) w[b * len + t] = text[b * (2 * T + 1) + from + t + shift]!;
        return w;
      };
      one.loss(window(0, 2 * T, 0), window(0, 2 * T, 1));
      two.loss(window(0, T, 0), window(0, T, 1));
      two.carry();
      two.loss(window(T, T, 0), window(T, T, 1));
      for (let i = 0; i < one.h.length; i++) expect(two.h[i]).to.be.closeTo(one.h[i]!, 1e-15);
      expect(one.h.some((s) => s !== 0)).to.equal(true);
    }
  });

  it('rejects a window that is not B streams of equal length, or a character outside the vocabulary', function () {
    const model = createBatchedModel({ type: 'lstm', vocabSize: V, hiddenSize: H, layers: 1, batchSize: 3, maxSeqLength: T, dropout: false }, 'js');
    expect(() => model.lossFun(new Int32Array(4), new Int32Array(4))).to.throw(RangeError, /3 streams/);
    expect(() => model.lossFun(new Int32Array(15), new Int32Array(15))).to.throw(RangeError, /maxSeqLength/);
    expect(() => model.lossFun(new Int32Array(3).fill(V), new Int32Array(3))).to.throw(RangeError, /outside the vocabulary/);
  });
});
