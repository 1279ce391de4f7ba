// The default pipeline on the fast kernels: correct gradients, deterministic, and the reference's training.
import { expect } from 'chai';
import { firstValueFrom, lastValueFrom, map, take, toArray } from 'rxjs';
import {
  adagrad,
  createCorpus,
  initParams,
  jsKernel,
  lossFun,
  referenceKernel,
  trainingSteps,
  wasmKernel,
  wasmSimdAvailable,
  windows,
  type Kernel,
  type Params,
} from '../../src/index.js';

const TEXT = 'the cat sat on the mat. the rat ate the hat! '.repeat(6);

const FAST: { kernel: Kernel; available: () => boolean }[] = [
  { kernel: jsKernel, available: () => true },
  { kernel: wasmKernel, available: wasmSimdAvailable },
];

for (const { kernel, available } of FAST) {
  describe(`default pipeline on the ${kernel.name} kernel`, function () {
    before(function () {
      if (!available()) this.skip(); // visible as pending: this runtime has no WebAssembly SIMD
    });

    it('passes a numerical gradient check (central differences, clipping off)', async () => {
      const corpus = createCorpus(TEXT);
      const V = corpus.vocab.size;
      const H = 6;
      const params = initParams(H, V, 'gradcheck');
      // Weights of order 0.3 (not the classic 0.01) so that every term of the gradient matters.
      for (let i = 0; i < params.data.length; i++) params.data[i] = params.data[i]! * 30;
      const window$ = windows(corpus, { seqLength: 7 }).pipe(take(1));
      const evaluate = (p: Params) =>
        firstValueFrom(
          window$.pipe(
            lossFun(p, { clip: null, kernel }),
            map((s) => ({ loss: s.loss, grads: s.grads.data.slice() })),
          ),
        );
      const { grads } = await evaluate(params);
      const eps = 1e-5;
      let worst = 0;
      let checked = 0;
      for (let i = 0; i < params.data.length; i++) {
        const x = params.data[i]!;
        params.data[i] = x + eps;
        const plus = (await evaluate(params)).loss;
        params.data[i] = x - eps;
        const minus = (await evaluate(params)).loss;
        params.data[i] = x;
        const numeric = (plus - minus) / (2 * eps);
        const analytic = grads[i]!;
        const scale = Math.max(Math.abs(numeric), Math.abs(analytic));
        if (scale < 1e-7) continue; // both zero (e.g. Wxh columns of characters not in the window)
        worst = Math.max(worst, Math.abs(numeric - analytic) / scale);
        checked++;
      }
      expect(checked).to.be.greaterThan(params.data.length / 2);
      expect(worst).to.be.below(1e-6);
    });

    it('gives identical losses and samples across two runs with the same seed', async () => {
      const corpus = createCorpus(TEXT);
      const run = () =>
        lastValueFrom(
          trainingSteps(corpus, { hiddenSize: 16, seqLength: 10, iterations: 300, sampleEvery: 50, sampleLength: 40, kernel }).pipe(
            map((s) => ({ loss: s.loss, smoothLoss: s.smoothLoss, sample: s.sample?.text })),
            toArray(),
          ),
        );
      const a = await run();
      const b = await run();
      expect(a).to.have.length(300);
      expect(b).to.deep.equal(a);
      expect(a.filter((s) => s.sample !== undefined)).to.have.length(6);
      expect(a[299]!.smoothLoss).to.be.below(a[0]!.smoothLoss); // it learns
    });

    it("trains like the reference kernel: losses over 300 updates agree with the reference's", async () => {
      const corpus = createCorpus(TEXT);
      const losses = (k: Kernel) =>
        lastValueFrom(
          trainingSteps(corpus, { hiddenSize: 16, seqLength: 10, iterations: 300, sampleEvery: 0, kernel: k }).pipe(
            map((s) => s.loss),
            toArray(),
          ),
        );
      const want = await losses(referenceKernel);
      const got = await losses(kernel);
      // js: the same operations in the same order; wasm: rounding differences in the forward dot products,
      // which 300 Adagrad updates carry along but do not blow up.
      const tolerance = kernel === jsKernel ? 0 : 1e-9;
      for (let i = 0; i < want.length; i++) {
        expect(Math.abs(got[i]! - want[i]!), `iteration ${i}`).to.be.at.most(tolerance * want[i]!);
      }
    });

    it('the adagrad stage uses the kernel’s own update where it has one, with the same result', async () => {
      const corpus = createCorpus(TEXT);
      const H = 8;
      const params = initParams(H, corpus.vocab.size, 3);
      const after = (k: Kernel) =>
        lastValueFrom(
          windows(corpus, { seqLength: 5, iterations: 20 }).pipe(
            lossFun(params, { kernel: k }),
            adagrad({ learningRate: 0.1 }),
            map((s) => ({ params: s.params.data.slice(), memory: s.optimizer.slots['memory']!.slice() })),
          ),
        );
      const want = await after(referenceKernel);
      const got = await after(kernel);
      for (const key of ['params', 'memory'] as const) {
        let worst = 0;
        let scale = 0;
        for (let i = 0; i < want[key].length; i++) {
          scale = Math.max(scale, Math.abs(want[key][i]!));
          worst = Math.max(worst, Math.abs(got[key][i]! - want[key][i]!));
        }
        expect(worst / scale, key).to.be.at.most(kernel === jsKernel ? 0 : 1e-12);
      }
    });
  });
}
