// The batched networks (what the wasm and js kernels offer for LSTM and GRU) against the family's
// reference network, the oracle: losses, every gradient, final states and sampling, with dropout masks.
import { expect } from 'chai';
import seedrandom from 'seedrandom';
import { createNetwork, jsKernel, wasmKernel, wasmSimdAvailable, type Network } from '../../../src/index.js';
import { batchedLayout } from '../../../src/model/batched/layout.js';
import { wasmTooLarge } from '../../../src/model/batched/network.js';
import { createStackNetwork } from '../../../src/model/stack.js';
import { resolveModelSpec, type ModelSpec } from '../../../src/model/spec.js';

/** max |a − b| / max |b| over one array. */
function relativeError(a: Float64Array, b: Float64Array): number {
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < b.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

const V = 11;
const T = 7;

describe('batched networks against the reference network', function () {
  const kernels = [jsKernel, ...(wasmSimdAvailable() ? [wasmKernel] : [])];
  for (const type of ['lstm', 'gru'] as const) {
    for (const layers of [1, 2]) {
      for (const B of [1, 3]) {
        for (const dropout of [0, 0.25]) {
          if (dropout > 0 && (layers === 1 || B === 1)) continue;
          const spec: ModelSpec = { type, hiddenSize: 9, layers, dropout };
          it(`${type}, ${layers} layer(s), B ${B}${dropout ? ', dropout' : ''}: loss, gradients (every tensor) and states to 1e-12, over three windows`, function () {
            const ref = createStackNetwork(resolveModelSpec(spec), V, T, B);
            const nets: Network[] = kernels.map((kernel) => createNetwork(spec, V, { kernel, maxSeqLength: T, batchSize: B }));
            const rng = seedrandom(`${type}${layers}${B}${dropout}`);
            for (let i = 0; i < ref.params.data.length; i++) ref.params.data[i] = (rng() * 2 - 1) * 0.7;
            for (let i = 0; i < ref.hprev.length; i++) ref.hprev[i] = (rng() * 2 - 1) * 0.5;
            for (const n of nets) {
              expect(n.kernelName).to.be.oneOf(['js', 'wasm']);
              expect(n.params.tensors.map((t) => t.name)).to.deep.equal(ref.params.tensors.map((t) => t.name));
              n.params.data.set(ref.params.data);
              n.hprev.set(ref.hprev);
            }
            for (let w = 0; w < 3; w++) {
              const inputs = new Int32Array(B * T).map(() => Math.floor(rng() * V));
              const targets = new Int32Array(B * T).map(() => Math.floor(rng() * V));
              const masks = dropout ? new Float64Array(layers * B * T * 9).map(() => (rng() < dropout ? 0 : 1 / (1 - dropout))) : undefined;
              const loss = ref.lossFun(inputs, targets, masks);
              const refH = ref.h.slice();
              const evalLoss = ref.loss(inputs, targets); // overwrites ref.h
              for (const n of nets) {
                expect(Math.abs(n.lossFun(inputs, targets, masks) - loss) / loss, n.kernelName).to.be.below(1e-12);
                for (let k = 0; k < ref.grads.tensors.length; k++) {
                  const name = ref.grads.tensors[k]!.name;
                  expect(relativeError(n.grads.tensors[k]!.data, ref.grads.tensors[k]!.data), `${n.kernelName} ${name}`).to.be.below(1e-12);
                }
                expect(relativeError(n.h, refH), n.kernelName).to.be.below(1e-12);
                expect(n.loss(inputs, targets)).to.be.closeTo(evalLoss, 1e-12 * loss);
                n.hprev.set(refH); // carry the reference's state, so rounding does not accumulate
              }
              ref.hprev.set(refH);
            }
            // Sampling: the reference cell over the same parameters, bit for bit.
            const state = ref.hprev.slice(0, ref.stateSize);
            const probs = new Float64Array(V);
            ref.sampleStep(3, state, 0.8, probs);
            for (const n of nets) {
              const s = ref.hprev.slice(0, ref.stateSize);
              const p = new Float64Array(V);
              n.sampleStep(3, s, 0.8, p);
              expect(Array.from(s)).to.deep.equal(Array.from(state));
              expect(Array.from(p)).to.deep.equal(Array.from(probs));
            }
          });
        }
      }
    }
  }

  it('the wasm and js kernels give the same bits for the same window', function () {
    if (!wasmSimdAvailable()) this.skip();
    const spec: ModelSpec = { type: 'lstm', hiddenSize: 13, layers: 2, dropout: 0 };
    const [a, b] = [jsKernel, wasmKernel].map((kernel) => createNetwork(spec, V, { kernel, maxSeqLength: T, batchSize: 4 }));
    const rng = seedrandom('bits');
    for (let i = 0; i < a!.params.data.length; i++) a!.params.data[i] = b!.params.data[i] = rng() - 0.5;
    const inputs = new Int32Array(4 * T).map(() => Math.floor(rng() * V));
    expect(b!.lossFun(inputs, inputs)).to.equal(a!.lossFun(inputs, inputs));
    expect(Array.from(b!.grads.data)).to.deep.equal(Array.from(a!.grads.data));
    const sibling = b!.sibling(3, 1);
    expect([sibling.kernelName, sibling.batchSize, sibling.maxSeqLength]).to.deep.equal(['wasm', 1, 3]);
  });

  it('a model too large for a WebAssembly memory is said so in one line (the js kernel then computes)', function () {
    const bytes = batchedLayout({ type: 'lstm', vocabSize: 65, hiddenSize: 1024, layers: 4, batchSize: 64, maxSeqLength: 512, dropout: true }).bytes;
    expect(wasmTooLarge(bytes)).to.match(/^the model needs \d+\.\d\d GiB, more than a WebAssembly memory holds \(4 GiB\)$/);
    expect(wasmTooLarge(1e6)).to.equal(undefined);
  });
});
