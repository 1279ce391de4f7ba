import { expect } from 'chai';
import { lastValueFrom, map, toArray } from 'rxjs';
import { adagrad, clipByValue, ConfigError, createCorpus, diagnostics, initParams, lossFun, PARAM_NAMES, referenceKernel, windows } from '../../src/index.js';
import { defaultCorpusText } from '../helpers.js';

const corpus = createCorpus(defaultCorpusText());

const norm = (x: ArrayLike<number>): number => Math.sqrt(Array.from(x).reduce((s, v) => s + v * v, 0));

describe('diagnostics', () => {
  /** Runs a small pipeline with the tap, keeping copies of what the tap saw (raw gradients, weights before the update). */
  async function run(every: number, clip: number | null, iterations = 12) {
    const params = initParams(16, corpus.vocab.size, 1);
    params.data.forEach((x, i) => (params.data[i] = x * 50)); // large weights: large gradients, so a small clip bites
    return lastValueFrom(
      windows(corpus, { seqLength: 10, iterations }).pipe(
        lossFun(params, { clip: null, kernel: referenceKernel }),
        map((s) => Object.assign(s, { seen: { grads: s.grads.data.slice(), params: s.params.data.slice() } })),
        diagnostics({ every, clip }),
        clipByValue(clip ?? 1e300),
        adagrad({ learningRate: 0.1 }),
        map((s) => ({ iteration: s.iteration, seen: s.seen, diagnostics: s.diagnostics })),
        toArray(),
      ),
    );
  }

  it('every `every` iterations: the global gradient norm before clipping and the fraction clipping changes', async () => {
    const steps = await run(4, 0.05);
    expect(steps.filter((s) => s.diagnostics).map((s) => s.iteration)).to.deep.equal([0, 4, 8]);
    for (const s of steps.filter((x) => x.diagnostics)) {
      const d = s.diagnostics!;
      expect(d.iteration).to.equal(s.iteration);
      expect(d.gradNorm).to.be.closeTo(norm(s.seen.grads), 1e-12 * d.gradNorm);
      const beyond = s.seen.grads.filter((g) => Math.abs(g) > 0.05).length;
      expect(beyond).to.be.above(0); // the test can fail: clipping changes something
      expect(d.clippedFraction).to.equal(beyond / s.seen.grads.length);
      expect(d.tensors.map((t) => t.name)).to.deep.equal([...PARAM_NAMES]);
    }
    const off = await run(4, null, 5);
    expect(off[0]!.diagnostics!.clippedFraction).to.equal(0);
  });

  it('per tensor: gradient and weight norms, and the update-to-weight ratio of the latest update (null at the first step)', async () => {
    const steps = await run(3, 5);
    expect(steps[0]!.diagnostics!.tensors.every((t) => t.updateRatio === null)).to.equal(true);
    const H = 16;
    const V = corpus.vocab.size;
    const sizes = [H * V, H * H, V * H, H, V];
    for (const i of [3, 6, 9]) {
      const now = steps[i]!.seen.params;
      const before = steps[i - 1]!.seen.params;
      let offset = 0;
      steps[i]!.diagnostics!.tensors.forEach((t, k) => {
        const n = sizes[k]!;
        const w = now.subarray(offset, offset + n);
        const b = before.subarray(offset, offset + n);
        const g = steps[i]!.seen.grads.subarray(offset, offset + n);
        expect(t.weightNorm).to.be.closeTo(norm(w), 1e-12 * norm(w));
        expect(t.gradNorm).to.be.closeTo(norm(g), 1e-12 * norm(g) + 1e-300);
        const expected = norm(w.map((x, j) => x - b[j]!)) / norm(b);
        if (Number.isFinite(expected)) expect(t.updateRatio).to.be.closeTo(expected, 1e-12 * expected);
        else expect(t.updateRatio).to.equal(expected); // biases that were all zero: Infinity
        offset += n;
      });
      expect(steps[i]!.diagnostics!.tensors[0]!.updateRatio).to.be.above(0);
    }
  });

  it('leaves the training untouched: the same gradients and weights with and without the tap', async () => {
    const grab = (tap: boolean) =>
      lastValueFrom(
        windows(corpus, { seqLength: 10, iterations: 20 }).pipe(
          lossFun(initParams(16, corpus.vocab.size, 1), { clip: null }),
          tap ? diagnostics({ every: 1 }) : map((s) => s),
          clipByValue(5),
          adagrad(),
          map((s) => s.params.data.slice()),
          toArray(),
        ),
      );
    expect(await grab(true)).to.deep.equal(await grab(false));
  });

  it('refuses bad settings', () => {
    expect(() => diagnostics({ every: 0 })).to.throw(ConfigError, /every/);
    expect(() => diagnostics({ clip: -1 })).to.throw(ConfigError, /clip/);
  });
});
