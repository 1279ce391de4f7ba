// The batched LSTM and GRU in float32 (`precision: 'f32'`): loss, gradients and final state against
// the float64 model (itself checked against central differences and PyTorch) to ~1e-5 of each array's
// largest value; WebAssembly and JavaScript float32 bit for bit; the same bits run after run (1, 2 and
// 3 threads: threads.test.ts).
import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import seedrandom from 'seedrandom';
import { ConfigError, createCorpus, createNetwork, referenceKernel, resolveModelSpec, trainingSteps } from '../../../src/index.js';
import { defaultCorpusText } from '../../helpers.js';
import type { GatedType } from '../../../src/model/batched/layout.js';
import { wasmMatrixAvailable } from '../../../src/model/batched/matrix.js';
import type { MatrixThreads } from '../../../src/model/batched/threads.js';
import { jsMatrixOps32, wasmMatrixOps32 } from '../../../src/model/batched/matrix32.js';
import { createBatchedModel, type BatchedBackend, type BatchedModel } from '../../../src/model/batched/model.js';
import { wasmApi } from '../../../src/model/wasmApi.js';

interface Case {
  readonly type: GatedType;
  readonly layers: number;
  readonly batchSize: number;
  readonly dropout: boolean;
}

// Sizes with ragged edges for the f32x4 products: H and V not multiples of 4.
const V = 11;
const H = 13;
const T = 7;

interface Run {
  readonly loss: number;
  readonly grads: Float64Array;
  readonly h: Float64Array;
}

/** Two windows from seeded weights, state, inputs and masks: the second starts from the first's state. */
function twoWindows(c: Case, model: BatchedModel, seed: string): Run[] {
  const rng = seedrandom(seed);
  for (let i = 0; i < model.params.length; i++) model.params[i] = (rng() * 2 - 1) * 0.6;
  for (let i = 0; i < model.hprev.length; i++) model.hprev[i] = (rng() * 2 - 1) * 0.5;
  const n = c.batchSize * T;
  const runs: Run[] = [];
  for (let w = 0; w < 2; w++) {
    const inputs = new Int32Array(n).map(() => Math.floor(rng() * V));
    const targets = new Int32Array(n).map(() => Math.floor(rng() * V));
    const masks = c.dropout ? new Float64Array(c.layers * n * H).map(() => (rng() < 0.3 ? 0 : 1 / 0.7)) : undefined;
    const loss = model.lossFun(inputs, targets, masks);
    runs.push({ loss, grads: model.grads.slice(), h: model.h.slice() });
    model.carry();
  }
  return runs;
}

const shapeOf = (c: Case, precision: 'f64' | 'f32') => ({
  type: c.type,
  vocabSize: V,
  hiddenSize: H,
  layers: c.layers,
  batchSize: c.batchSize,
  maxSeqLength: T,
  dropout: c.dropout,
  precision,
});

/** max |a − b| / max |b|. */
function relativeError(a: Float64Array, b: Float64Array): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}

const CASES: Case[] = [];
for (const type of ['lstm', 'gru'] as const) {
  for (const layers of [1, 2]) for (const batchSize of [1, 3]) for (const dropout of [false, true]) CASES.push({ type, layers, batchSize, dropout });
}

describe('batched gated kernels in float32', function () {
  const backends: BatchedBackend[] = wasmMatrixAvailable() ? ['wasm', 'js'] : ['js'];
  for (const c of CASES) {
    const label = `${c.type}, ${c.layers} layer(s), B ${c.batchSize}${c.dropout ? ', dropout masks' : ''}`;
    it(`${label}: loss, every tensor's gradient and the state within 1e-5 of float64 (relative to each array's largest)`, function () {
      const oracle = twoWindows(c, createBatchedModel(shapeOf(c, 'f64'), 'js'), label);
      for (const backend of backends) {
        const got = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), backend), label);
        for (let w = 0; w < 2; w++) {
          const o = oracle[w]!;
          const g = got[w]!;
          expect(Math.abs(g.loss - o.loss) / Math.abs(o.loss), `${backend} window ${w} loss`).to.be.below(1e-5);
          expect(g.loss, 'float32 is not float64').to.not.equal(o.loss);
          // Per tensor: the layout's tensors are the state dict's, back to back.
          const model = createBatchedModel(shapeOf(c, 'f64'), 'js');
          const bounds: Array<[number, number]> = [];
          for (const p of model.paramLayout.layers) {
            const G = p.bih - p.Whh;
            bounds.push([p.Wih, p.Whh], [p.Whh, p.bih], [p.bih, p.bhh], [p.bhh, p.bhh + G / H]);
          }
          bounds.push([model.paramLayout.fcW, model.paramLayout.fcB], [model.paramLayout.fcB, model.paramLayout.count]);
          for (const [from, to] of bounds) {
            const err = relativeError(g.grads.subarray(from, to), o.grads.subarray(from, to));
            expect(err, `${backend} window ${w} gradient [${from}, ${to})`).to.be.below(1e-5);
          }
          expect(relativeError(g.h, o.h), `${backend} window ${w} state`).to.be.below(1e-5);
        }
      }
    });
  }

  it('the WebAssembly and JavaScript float32 kernels give the same bits', function () {
    if (!wasmMatrixAvailable()) this.skip();
    for (const c of CASES) {
      const label = `${c.type} ${c.layers} ${c.batchSize} ${c.dropout}`;
      const wasm = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), 'wasm'), label);
      const js = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), 'js'), label);
      for (let w = 0; w < 2; w++) {
        expect(wasm[w]!.loss, label).to.equal(js[w]!.loss);
        expect(Array.from(wasm[w]!.grads), label).to.deep.equal(Array.from(js[w]!.grads));
        expect(Array.from(wasm[w]!.h), label).to.deep.equal(Array.from(js[w]!.h));
      }
    }
  });

  it('the same seed gives the same bits run after run', function () {
    const c: Case = { type: 'lstm', layers: 2, batchSize: 3, dropout: true };
    const a = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), backends[0]!), 'again');
    const b = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), backends[0]!), 'again');
    for (let w = 0; w < 2; w++) {
      expect(a[w]!.loss).to.equal(b[w]!.loss);
      expect(Array.from(a[w]!.grads)).to.deep.equal(Array.from(b[w]!.grads));
    }
  });

  it('gemm32.wat sums every element by the recipe of matrix32.ts, at every edge of its blocks', function () {
    if (!wasmMatrixAvailable()) this.skip();
    const api = wasmApi()!;
    const memory = new api.Memory({ initial: 4 });
    const wasm = wasmMatrixOps32(memory);
    const f = new Float32Array(memory.buffer);
    const copy = new Float32Array(f.length);
    const js = jsMatrixOps32(copy, new Int32Array(copy.buffer));
    const rng = seedrandom('gemm32');
    for (const [M, N, K] of [[1, 1, 1], [3, 5, 7], [17, 9, 13], [2, 4, 8], [33, 12, 35], [5, 3, 64]] as const) {
      for (const acc of [0, 1] as const) {
        for (let i = 0; i < 20000; i++) f[i] = (rng() * 2 - 1) * 3;
        copy.set(f.subarray(0, 20000));
        const lda = K + 1;
        const ldb = K + 2;
        const ldc = N + 3;
        wasm.gemmNT(0, lda, 4000, ldb, 8000, ldc, M, N, K, acc);
        js.gemmNT(0, lda, 4000, ldb, 8000, ldc, M, N, K, acc);
        expect(Array.from(f.subarray(8000, 8000 + M * ldc)), `${M}×${N}×${K}, acc ${acc}`).to.deep.equal(Array.from(copy.subarray(8000, 8000 + M * ldc)));
      }
    }
  });

  it('the library: precision in the model spec trains in float32 through the pipeline; rnn and the reference kernel refuse it', async function () {
    const corpus = createCorpus(defaultCorpusText());
    const losses = (precision: 'f64' | 'f32'): Promise<number[]> =>
      lastValueFrom(
        trainingSteps(corpus, { model: { type: 'lstm', hiddenSize: 12, layers: 2, precision }, batchSize: 4, seqLength: 16, iterations: 3, sampleEvery: 0 }).pipe(toArray()),
      ).then((steps) => steps.map((s) => s.loss));
    const [f64, f32] = [await losses('f64'), await losses('f32')];
    expect(f32[0]).to.not.equal(f64[0]);
    expect(Math.abs(f32[0]! - f64[0]!) / f64[0]!).to.be.below(1e-5);
    expect(resolveModelSpec({ type: 'gru', hiddenSize: 4, precision: 'f32' })).to.deep.equal({ type: 'gru', hiddenSize: 4, layers: 1, dropout: 0, precision: 'f32' });
    expect(resolveModelSpec({ type: 'gru', hiddenSize: 4, precision: 'f64' })).to.not.have.property('precision');
    expect(() => resolveModelSpec({ type: 'rnn', hiddenSize: 4, precision: 'f32' })).to.throw(ConfigError, /precision/);
    expect(() => resolveModelSpec({ type: 'gru', hiddenSize: 4, precision: 'f16' as 'f32' })).to.throw(ConfigError, /one of f64, f32/);
    expect(() => createNetwork({ type: 'gru', hiddenSize: 4, precision: 'f32' }, 5, { kernel: referenceKernel, maxSeqLength: 4 })).to.throw(ConfigError, /reference kernel/);
  });

  it('threads that cannot run float32 products are not used for a float32 model (the same bits on one thread)', function () {
    if (!wasmMatrixAvailable()) this.skip();
    const c: Case = { type: 'gru', layers: 2, batchSize: 3, dropout: false };
    const f64Only: MatrixThreads = {
      threads: 2,
      attach: () => {
        throw new Error('attached a float32 memory to float64-only threads');
      },
      detach: () => undefined,
      run: () => {
        throw new Error('ran a product on float64-only threads');
      },
      close: () => undefined,
    };
    const alone = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), 'wasm'), 'pool');
    const pooled = twoWindows(c, createBatchedModel(shapeOf(c, 'f32'), 'wasm', f64Only), 'pool');
    expect(pooled.map((r) => r.loss)).to.deep.equal(alone.map((r) => r.loss));
  });
});
