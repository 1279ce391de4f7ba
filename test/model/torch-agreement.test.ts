// Agreement with PyTorch: losses, gradients and final states that PyTorch computed in float64 for small
// LSTM, GRU and stacked RNN models (test/fixtures/torch/make_fixture.py wrote them), against this
// library's reference network from the same weights, state and window. PyTorch is not needed to run this.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { createStackNetwork, decodeCheckpoint, resolveModelSpec, tensorOf, type ModelSpec } from '../../src/index.js';
import { ROOT } from '../helpers.js';

interface TorchCase {
  readonly model: ModelSpec;
  readonly vocabSize: number;
  readonly batchSize: number;
  readonly seqLength: number;
  readonly inputs: number[];
  readonly targets: number[];
  readonly hprev: number[];
  readonly params: Record<string, number[]>;
  readonly shapes: Record<string, number[]>;
  readonly loss: number;
  readonly grads: Record<string, number[]>;
  readonly h: number[];
}

const fixture = JSON.parse(readFileSync(`${ROOT}test/fixtures/torch/torch-agreement.json`, 'utf8')) as { cases: TorchCase[] };

/** Worst |a − b| over a tensor, relative to the tensor's largest |b|. */
export function relativeTo(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < want.length; i++) {
    err = Math.max(err, Math.abs(got[i]! - want[i]!));
    scale = Math.max(scale, Math.abs(want[i]!));
  }
  return err / scale;
}

function run(c: TorchCase) {
  const net = createStackNetwork(resolveModelSpec(c.model), c.vocabSize, c.seqLength, c.batchSize);
  for (const t of net.params.tensors) {
    expect(c.shapes[t.name], `shape of ${t.name}`).to.deep.equal(t.shape);
    t.data.set(c.params[t.name]!);
  }
  net.hprev.set(c.hprev);
  const loss = net.lossFun(Int32Array.from(c.inputs), Int32Array.from(c.targets));
  return { net, loss };
}

describe('agreement with PyTorch (float64 fixture)', () => {
  for (const c of fixture.cases) {
    const name = `${c.model.type}, ${c.model.layers} layer(s), B = ${c.batchSize}`;
    it(`${name}: loss, every gradient and the final state within 1e-12 relative`, () => {
      const { net, loss } = run(c);
      expect(Math.abs(loss - c.loss) / c.loss).to.be.at.most(1e-12);
      expect(Object.keys(c.grads)).to.deep.equal(net.grads.tensors.map((t) => t.name)); // same names, same order
      for (const t of net.grads.tensors) expect(relativeTo(t.data, c.grads[t.name]!), t.name).to.be.at.most(1e-12);
      expect(relativeTo(net.h, c.h), 'final state').to.be.at.most(1e-12);
    });
  }

  it('the check can fail: one weight nudged by 1e-9 moves the gradients beyond 1e-12', () => {
    const c = fixture.cases[0]!;
    const nudged: TorchCase = { ...c, params: { ...c.params, 'rnn.weight_hh_l1': c.params['rnn.weight_hh_l1']!.map((x, i) => (i === 3 ? x + 1e-9 : x)) } };
    const { net } = run(nudged);
    const worst = Math.max(...net.grads.tensors.map((t) => relativeTo(t.data, c.grads[t.name]!)));
    expect(worst).to.be.greaterThan(1e-12);
  });

  it('reads the safetensors file PyTorch wrote: LSTM spec from its metadata, every tensor by name', () => {
    const bytes = readFileSync(`${ROOT}test/fixtures/torch/torch-lstm.safetensors`);
    const m = decodeCheckpoint(bytes);
    const c = fixture.cases[0]!;
    expect(m.format).to.equal('safetensors');
    expect(m.vocab.chars).to.deep.equal(['\n', ' ', 'a', 'b', 'c']);
    expect(m.params.spec).to.deep.equal({ type: 'lstm', hiddenSize: 4, layers: 2, dropout: 0 });
    for (const name of Object.keys(c.params)) expect([...tensorOf(m.params, name)], name).to.deep.equal(c.params[name]);
  });
});
