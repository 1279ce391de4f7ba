import { expect } from 'chai';
import { EMPTY, lastValueFrom, map, take, toArray } from 'rxjs';
import {
  createCorpus,
  initParams,
  lossFun,
  referenceKernel,
  windows,
  NonFiniteLossError,
  type Kernel,
} from '../../src/index.js';

const corpus = createCorpus('the cat sat on the mat. the dog sat on the log.');
const V = corpus.vocab.size;

describe('lossFun', () => {
  it('starts from uniform predictions: loss ≈ T · ln V for tiny weights', async () => {
    const step = await lastValueFrom(windows(corpus, { seqLength: 8 }).pipe(lossFun(initParams(10, V, 1)), take(1)));
    expect(step.loss).to.be.closeTo(8 * Math.log(V), 0.01);
  });

  it('carries h from one window to the next and zeroes it on reset', async () => {
    const steps = await lastValueFrom(
      windows(corpus, { seqLength: 8 }).pipe(
        lossFun(initParams(10, V, 1)),
        map((s) => ({ reset: s.reset, hprev: Array.from(s.hprev), h: Array.from(s.h) })),
        take(12),
        toArray(),
      ),
    );
    expect(steps.some((s, i) => i > 0 && s.reset)).to.equal(true); // the corpus wrapped
    steps.forEach((s, i) => {
      if (s.reset) expect(s.hprev.every((x) => x === 0)).to.equal(true);
      else expect(s.hprev).to.deep.equal(steps[i - 1]!.h);
    });
  });

  it('never writes the initial params and gives each subscription its own copy', async () => {
    const init = initParams(10, V, 1);
    const before = init.data.slice();
    const w$ = windows(corpus, { seqLength: 8 }).pipe(lossFun(init), take(2));
    const a = await lastValueFrom(w$.pipe(toArray()));
    const b = await lastValueFrom(w$.pipe(toArray()));
    expect(a[0]!.params).to.not.equal(b[0]!.params);
    expect(Array.from(init.data)).to.deep.equal(Array.from(before));
  });

  it('clips gradients to ±5 by default and not at all with clip: null', async () => {
    // Large weights saturate the softmax, which gives large gradients.
    const big = initParams(10, V, 1);
    for (let i = 0; i < big.data.length; i++) big.data[i] = big.data[i]! * 300;
    const maxAbs = async (clip: number | null): Promise<number> => {
      const s = await lastValueFrom(windows(corpus, { seqLength: 8 }).pipe(lossFun(big, { clip }), take(1)));
      return Math.max(...Array.from(s.grads.data, Math.abs));
    };
    expect(await maxAbs(5)).to.equal(5);
    expect(await maxAbs(null)).to.be.greaterThan(5);
    expect(await maxAbs(1)).to.equal(1);
  });

  it('reports a non-finite loss on the error channel, naming the iteration', async () => {
    const nanAt3: Kernel = {
      name: 'nan-at-3',
      createModel(H, Vs, T) {
        const m = referenceKernel.createModel(H, Vs, T);
        let calls = 0;
        return { ...m, lossFun: (i, t) => (calls++ === 3 ? Number.NaN : m.lossFun(i, t)) };
      },
    };
    let error: unknown;
    const seen: number[] = [];
    windows(corpus, { seqLength: 8, iterations: 10 })
      .pipe(lossFun(initParams(10, V, 1), { kernel: nanAt3 }))
      .subscribe({ next: (s) => seen.push(s.iteration), error: (e) => (error = e) });
    expect(seen).to.deep.equal([0, 1, 2]);
    expect(error).to.be.instanceOf(NonFiniteLossError);
    expect((error as Error).message).to.match(/loss is NaN at iteration 3/);
  });

  it('uses a given hprev for a first window that is not a reset', async () => {
    const hprev = Float64Array.from({ length: 10 }, (_, i) => (i - 5) / 10);
    const step = await lastValueFrom(
      windows(corpus, { seqLength: 8, start: { iteration: 1, position: 8 } }).pipe(
        lossFun(initParams(10, V, 1), { hprev }),
        take(1),
      ),
    );
    expect(step.reset).to.equal(false);
    expect(Array.from(step.hprev)).to.deep.equal(Array.from(hprev));
  });

  it('completes on an empty source', async () => {
    expect(await lastValueFrom(EMPTY.pipe(lossFun(initParams(4, V, 1)), toArray()))).to.deep.equal([]);
  });
});
