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
        // PyTorch's states are (L, B, H) h and (L, B, H) c; ours (B, S) by stream, [h_0, (c_0), h_1, …].
        const perLayer = c.type === 'lstm' ? 2 : 1;
        const S = perLayer * c.layers * c.H;
        const L = c.layers * c.batchSize * c.H;
        const ours = (torch: number[], part: 0 | 1, k: number, b: number, j: number): number =>
          torch[part * L + (k * c.batchSize + b) * c.H + j]!;
        for (let b = 0; b < c.batchSize; b++) {
          for (let k = 0; k < c.layers; k++) {
            for (let j = 0; j < c.H; j++) {
              for (let part = 0; part < perLayer; part++) model.hprev[b * S + (k * perLayer + part) * c.H + j] = ours(c.state, part as 0 | 1, k, b, j);
            }
          }
        }
        const loss = model.lossFun(Int32Array.from(c.inputs), Int32Array.from(c.targets));
        expect(Math.abs(loss - c.loss) / c.loss).to.be.below(1e-12);
        expect(relativeError(model.grads, c.grads)).to.be.below(1e-12);
        const expected: number[] = [];
        for (let b = 0; b < c.batchSize; b++) {
          for (let k = 0; k < c.layers; k++) {
            for (let part = 0; part < perLayer; part++) for (let j = 0; j < c.H; j++) expected.push(ours(c.finalState, part as 0 | 1, k, b, j));
          }
        }
        expect(relativeError(model.h, expected)).to.be.below(1e-12);
      });
    }
  }
});
