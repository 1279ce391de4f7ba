// The batched kernels on worker threads: bit for bit the numbers of one thread, in the kernel and in
// the training pipeline; failures on a worker reach the caller; workers never keep a process alive.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { lastValueFrom, toArray } from 'rxjs';
import seedrandom from 'seedrandom';
import { createCorpus, trainingSteps, wasmKernelWithThreads, wasmSimdAvailable, type MatrixThreads } from '../../../src/index.js';
import { createBatchedModel } from '../../../src/model/batched/model.js';
import { wasmMatrixOps } from '../../../src/model/batched/matrix.js';
import { createMatrixThreads } from '../../../src/model/batched/nodeThreads.js';
import { threadedMatrixOps } from '../../../src/model/batched/threads.js';
import { wasmApi } from '../../../src/model/wasmApi.js';
import { defaultCorpusText, ROOT } from '../../helpers.js';

describe('batched kernels on worker threads', function () {
  let pools: MatrixThreads[] = [];
  before(function () {
    if (!wasmSimdAvailable()) this.skip();
    pools = [createMatrixThreads(1), createMatrixThreads(2), createMatrixThreads(3)];
  });
  after(() => pools.forEach((p) => p.close()));

  for (const [type, precision] of [['lstm', 'f64'], ['gru', 'f64'], ['lstm', 'f32'], ['gru', 'f32']] as const) {
    it(`${type} ${precision}: 1, 2 and 3 threads give the same bits (losses, gradients, states over three windows)`, function () {
      // Sizes at which every product is split (each is ≥ 2^17 multiply-adds), with odd edges.
      const shape = { type, vocabSize: 37, hiddenSize: 70, layers: 2, batchSize: 9, maxSeqLength: 11, dropout: true, precision };
      const models = pools.map((p) => createBatchedModel(shape, 'wasm', p));
      const rng = seedrandom(type);
      const params = models[0]!.params.map(() => (rng() * 2 - 1) * 0.3);
      for (const m of models) m.params.set(params);
      for (let w = 0; w < 3; w++) {
        const n = shape.batchSize * shape.maxSeqLength;
        const inputs = new Int32Array(n).map(() => Math.floor(rng() * shape.vocabSize));
        const targets = new Int32Array(n).map(() => Math.floor(rng() * shape.vocabSize));
        const masks = new Float64Array(shape.layers * n * shape.hiddenSize).map(() => (rng() < 0.2 ? 0 : 1.25));
        const losses = models.map((m) => m.lossFun(inputs, targets, masks));
        expect(losses[1]).to.equal(losses[0]);
        expect(losses[2]).to.equal(losses[0]);
        for (const m of models.slice(1)) {
          expect(Array.from(m.grads)).to.deep.equal(Array.from(models[0]!.grads));
          expect(Array.from(m.h)).to.deep.equal(Array.from(models[0]!.h));
        }
        for (const m of models) m.carry();
      }
    });
  }

  it('the training pipeline gives the same losses with 1 and 2 threads', async function () {
    const corpus = createCorpus(defaultCorpusText());
    const run = (threads: MatrixThreads): Promise<number[]> =>
      lastValueFrom(
        trainingSteps(corpus, {
          model: { type: 'lstm', hiddenSize: 48, layers: 2 },
          batchSize: 8,
          seqLength: 20,
          iterations: 4,
          sampleEvery: 0,
          kernel: wasmKernelWithThreads(threads),
        }).pipe(toArray()),
      ).then((steps) => steps.map((s) => s.loss));
    const [one, two] = [await run(pools[0]!), await run(pools[1]!)];
    expect(one).to.have.length(4);
    expect(two).to.deep.equal(one);
  });

  it('thousands of accumulating products in a row, split between threads, add up exactly as on one thread (no job lost or done twice)', function () {
    const api = wasmApi()!;
    const shared = new api.Memory({ initial: 4, maximum: 4, shared: true });
    const plain = new api.Memory({ initial: 4, maximum: 4 });
    const threaded = threadedMatrixOps(wasmMatrixOps(shared, true), pools[1]!, pools[1]!.attach(shared));
    const single = wasmMatrixOps(plain);
    // C (8, 64) += A (8, 300) · B (64, 300)ᵀ: 153,600 multiply-adds, above the split threshold.
    const [A, B, C] = [0, 3000, 30000];
    const views = [new Float64Array(shared.buffer), new Float64Array(plain.buffer)];
    for (const f of views) {
      for (let i = 0; i < 8 * 300; i++) f[A + i] = ((i * 7) % 13) / 13 - 0.5;
      for (let i = 0; i < 64 * 300; i++) f[B + i] = ((i * 5) % 11) / 11 - 0.5;
    }
    for (let n = 0; n < 2000; n++) {
      threaded.gemmNT(A, 300, B, 300, C, 64, 8, 64, 300, 1);
      single.gemmNT(A, 300, B, 300, C, 64, 8, 64, 300, 1);
    }
    expect(Array.from(views[0]!.subarray(C, C + 8 * 64))).to.deep.equal(Array.from(views[1]!.subarray(C, C + 8 * 64)));
    expect(views[0]![C]).to.not.equal(0);
  });

  it('a failure on a worker thread is thrown to the caller, and the pool goes on working', function () {
    const pool = pools[1]!;
    expect(() => pool.run(12345, [[0, 1, 0, 1, 0, 1, 1, 1, 1, 0]], () => undefined)).to.throw(/worker thread failed/);
    const shape = { type: 'gru' as const, vocabSize: 5, hiddenSize: 64, layers: 1, batchSize: 40, maxSeqLength: 4, dropout: false };
    const model = createBatchedModel(shape, 'wasm', pool);
    expect(Number.isFinite(model.lossFun(new Int32Array(160), new Int32Array(160)))).to.equal(true);
  });

  it('rejects a thread count that is not a positive integer', function () {
    expect(() => createMatrixThreads(0)).to.throw(/threads must be a positive integer, got 0/);
    expect(() => createMatrixThreads(1.5)).to.throw(/threads must be a positive integer/);
  });

  it('workers never keep a process alive: a script that trains on 2 threads and never closes the pool exits', function () {
    const script = `
      import { createBatchedModel } from './dist/src/model/batched/model.js';
      import { createMatrixThreads } from './dist/src/model/batched/nodeThreads.js';
      const m = createBatchedModel({ type: 'lstm', vocabSize: 5, hiddenSize: 64, layers: 1, batchSize: 40, maxSeqLength: 4, dropout: false }, 'wasm', createMatrixThreads(2));
      console.log(m.lossFun(new Int32Array(160), new Int32Array(160)) > 0 ? 'trained' : 'no');`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    expect(r.stderr).to.equal('');
    expect(r.stdout.trim()).to.equal('trained');
    expect(r.status).to.equal(0);
  });
});
