import { expect } from 'chai';
import {
  classicSpec,
  createNetwork,
  createStackNetwork,
  initModel,
  jsKernel,
  modelParameterCount,
  paramTable,
  referenceKernel,
  resolveModelSpec,
  stateSize,
  networkKernelName,
  type Kernel,
} from '../../src/index.js';
import { lcg } from '../helpers.js';
import { relativeTo } from './torch-agreement.test.js';

function window(B: number, T: number, V: number, seed: number) {
  const rand = lcg(seed);
  return {
    inputs: Int32Array.from({ length: B * T }, () => Math.floor(rand() * V)),
    targets: Int32Array.from({ length: B * T }, () => Math.floor(rand() * V)),
  };
}

describe('networks', () => {
  it('the stacked network on the classic layout agrees with the classic reference kernel (1e-12)', () => {
    const H = 6;
    const V = 5;
    const T = 7;
    const classic = referenceKernel.createModel(H, V, T);
    const stack = createStackNetwork(classicSpec(H), V, T, 1);
    const p = initModel({ type: 'rnn', hiddenSize: H }, V, 3);
    for (let i = 0; i < p.data.length; i++) p.data[i] = p.data[i]! * 40; // weights large enough to matter
    classic.params.data.set(p.data);
    stack.params.data.set(p.data);
    const rand = lcg(4);
    const h0 = Float64Array.from({ length: H }, () => rand() - 0.5);
    classic.hs.set(h0);
    stack.hprev.set(h0);
    const { inputs, targets } = window(1, T, V, 5);
    const a = classic.lossFun(inputs, targets);
    const b = stack.lossFun(inputs, targets);
    expect(Math.abs(a - b) / a).to.be.at.most(1e-12);
    expect(relativeTo(stack.grads.data, classic.grads.data)).to.be.at.most(1e-12);
    expect(relativeTo(stack.h, classic.hs.subarray(T * H, (T + 1) * H))).to.be.at.most(1e-12);
  });

  for (const type of ['rnn', 'lstm', 'gru'] as const) {
    it(`${type}: a window of 3 streams is the mean of the three streams run alone (loss, gradients, states)`, () => {
      const spec = resolveModelSpec({ type, hiddenSize: 4, layers: 2 });
      const V = 6;
      const T = 5;
      const S = stateSize(spec);
      const p = initModel(spec, V, 9);
      const batched = createStackNetwork(spec, V, T, 3);
      batched.params.data.set(p.data);
      const rand = lcg(2);
      const h0 = Float64Array.from({ length: 3 * S }, () => rand() - 0.5);
      batched.hprev.set(h0);
      const { inputs, targets } = window(3, T, V, 8);
      const loss = batched.lossFun(inputs, targets);
      let sum = 0;
      const grads = new Float64Array(p.data.length);
      for (let b = 0; b < 3; b++) {
        const single = createStackNetwork(spec, V, T, 1);
        single.params.data.set(p.data);
        single.hprev.set(h0.subarray(b * S, (b + 1) * S));
        sum += single.lossFun(inputs.subarray(b * T, (b + 1) * T), targets.subarray(b * T, (b + 1) * T));
        for (let i = 0; i < grads.length; i++) grads[i] = grads[i]! + single.grads.data[i]! / 3;
        expect([...batched.h.subarray(b * S, (b + 1) * S)]).to.deep.equal([...single.h]);
      }
      expect(Math.abs(loss - sum / 3) / loss).to.be.at.most(1e-14);
      expect(relativeTo(batched.grads.data, grads)).to.be.at.most(1e-13);
    });
  }

  it('chooses the classic kernels for the classic model at B = 1, the reference otherwise (for a kernel without networks)', () => {
    const plain: Kernel = { name: 'plain', createModel: (H, V, T) => jsKernel.createModel(H, V, T) };
    expect(createNetwork(classicSpec(4), 3, { kernel: plain, maxSeqLength: 2 }).kernelName).to.equal('plain');
    expect(createNetwork(classicSpec(4), 3, { kernel: plain, maxSeqLength: 2, batchSize: 2 }).kernelName).to.equal('reference');
    expect(createNetwork({ type: 'lstm', hiddenSize: 4 }, 3, { kernel: plain, maxSeqLength: 2 }).kernelName).to.equal('reference');
    expect(networkKernelName({ type: 'lstm', hiddenSize: 4 }, 1, plain)).to.equal('reference');
    expect(networkKernelName(classicSpec(4), 1, plain)).to.equal('plain');
    // The js and wasm kernels compute lstm and gru on their batched kernels; the reference kernel does not.
    expect(createNetwork({ type: 'lstm', hiddenSize: 4 }, 3, { kernel: jsKernel, maxSeqLength: 2 }).kernelName).to.equal('js');
    expect(createNetwork({ type: 'gru', hiddenSize: 4 }, 3, { kernel: referenceKernel, maxSeqLength: 2 }).kernelName).to.equal('reference');
    expect(networkKernelName({ type: 'lstm', hiddenSize: 4 }, 1, jsKernel)).to.equal('js');
    expect(networkKernelName({ type: 'rnn', hiddenSize: 4, layers: 2 }, 1, jsKernel)).to.equal('reference');
    expect(createNetwork({ type: 'rnn', hiddenSize: 4, layers: 2 }, 3, { kernel: jsKernel, maxSeqLength: 2 }).kernelName).to.equal('reference');
  });

  it('a kernel may supply its own network through createNetwork', () => {
    const custom = { ...jsKernel, name: 'custom', createNetwork: (s: ReturnType<typeof resolveModelSpec>, V: number, T: number, B: number) => ({ ...createStackNetwork(s, V, T, B), kernelName: 'custom' }) };
    expect(createNetwork({ type: 'gru', hiddenSize: 4 }, 3, { kernel: custom, maxSeqLength: 2 }).kernelName).to.equal('custom');
  });

  it('parameter tables: PyTorch names and shapes, counts, state sizes', () => {
    const lstm = { type: 'lstm', hiddenSize: 3, layers: 2 } as const;
    expect(paramTable(lstm, 5).map((t) => `${t.name}:${t.shape.join('x')}`)).to.deep.equal([
      'rnn.weight_ih_l0:12x5',
      'rnn.weight_hh_l0:12x3',
      'rnn.bias_ih_l0:12',
      'rnn.bias_hh_l0:12',
      'rnn.weight_ih_l1:12x3',
      'rnn.weight_hh_l1:12x3',
      'rnn.bias_ih_l1:12',
      'rnn.bias_hh_l1:12',
      'fc.weight:5x3',
      'fc.bias:5',
    ]);
    expect(modelParameterCount(lstm, 5)).to.equal(60 + 36 + 24 + 36 + 36 + 24 + 15 + 5);
    expect(modelParameterCount({ type: 'rnn', hiddenSize: 100 }, 65)).to.equal(2 * 100 * 65 + 100 * 100 + 100 + 65);
    expect(stateSize(lstm)).to.equal(12);
    expect(stateSize({ type: 'gru', hiddenSize: 3, layers: 2 })).to.equal(6);
  });

  it('initialises gated models uniformly in ±1/√H from the seed (same seed, same weights)', () => {
    const spec = { type: 'gru', hiddenSize: 16, layers: 2 } as const;
    const a = initModel(spec, 7, 'x');
    const b = initModel(spec, 7, 'x');
    expect([...a.data]).to.deep.equal([...b.data]);
    const max = Math.max(...a.data.map(Math.abs));
    expect(max).to.be.at.most(0.25).and.above(0.24);
    expect([...initModel(spec, 7, 'y').data]).to.not.deep.equal([...a.data]);
  });

  it('sampling steps every layer and keeps the LSTM cell state', () => {
    const spec = resolveModelSpec({ type: 'lstm', hiddenSize: 4, layers: 2 });
    const net = createStackNetwork(spec, 5, 3, 1);
    net.params.data.set(initModel(spec, 5, 1).data);
    const { inputs, targets } = window(1, 3, 5, 1);
    net.hprev.fill(0);
    net.loss(inputs, targets);
    const state = new Float64Array(stateSize(spec));
    const probs = new Float64Array(5);
    for (const ix of inputs) net.sampleStep(ix, state, 1, probs);
    expect(relativeTo(state, net.h)).to.be.at.most(1e-15); // the same state the window's forward pass reached
    expect(probs.reduce((a, b) => a + b, 0)).to.be.closeTo(1, 1e-15);
  });
});
