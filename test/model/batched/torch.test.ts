// The batched kernels against PyTorch: losses, gradients and final states that nn.LSTM / nn.GRU
// (float64) computed for 2-layer models of 2 streams from given weights and states
// (test/fixtures/make-batched-torch.py wrote the fixture; PyTorch is not needed to run this test).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { createBatchedModel, type BatchedBackend } from '../../../src/model/batched/model.js';
import type { GatedType } from '../../../src/model/batched/layout.js';
import { wasmMatrixAvailable } from '../../../src/model/batched/matrix.js';
import { ROOT } from '../../helpers.js';

interface TorchCase {
  type: GatedType;
  V: number;
  H: number;
  layers: number;
  batchSize: number;
  T: number;
  params: number[];
  state: number[];
  inputs: number[];
  targets: number[];
  loss: number;
  grads: number[];
  finalState: number[];
}

/** max |a − b| / max |b|. */
function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  expect(a.length).to.equal(b.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < a.length; i++) {
    scale = Math.max(scale, Math.abs(b[i]!));
    diff = Math.max(diff, Math.abs(a[i]! - b[i]!));
  }
  return diff / scale;
}

describe('batched kernels against PyTorch (float64)', function () {
  const { cases } = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/torch-batched.json'), 'utf8')) as { cases: TorchCase[] };
  for (const c of cases) {
    for (const backend of ['js', 'wasm'] as BatchedBackend[]) {
      it(`${c.type}, ${c.layers} layers, B ${c.batchSize}, ${backend}: loss, every gradient and the final state agree to 1e-12 relative`, function () {
        if (backend === 'wasm' && !wasmMatrixAvailable()) this.skip();
        const model = createBatchedModel(
          { type: c.type, vocabSize: c.V, hiddenSize: c.H, layers: c.layers, batchSize: c.batchSize, maxSeqLength: c.T, dropout: false },
          backend,
        );
        model.params.set(c.params);
        model.state.set(c.state);
        const loss = model.lossFun(Int32Array.from(c.inputs), Int32Array.from(c.targets));
        expect(Math.abs(loss - c.loss) / c.loss).to.be.below(1e-12);
        expect(relativeError(model.grads, c.grads)).to.be.below(1e-12);
        const L = c.layers * c.batchSize * c.H;
        const finalH = model.state.subarray(0, L);
        expect(relativeError(finalH, c.finalState.slice(0, L))).to.be.below(1e-12);
        if (c.type === 'lstm') expect(relativeError(model.state.subarray(L), c.finalState.slice(L))).to.be.below(1e-12);
      });
    }
  }
});
