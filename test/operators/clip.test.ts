import { expect } from 'chai';
import { lastValueFrom, map, toArray } from 'rxjs';
import { clipByGlobalNorm, clipByValue, ConfigError, createCorpus, globalNorm, initParams, lossFun, windows } from '../../src/index.js';
import { synthetic } from '../optimizers/synthetic.js';

describe('clipping stages', () => {
  it('clipByValue clamps each element to [−limit, limit] and leaves the rest', async () => {
    const s = synthetic(1, () => [7, -7, 4.5, -5, 0]);
    const out = await lastValueFrom(s.step$.pipe(clipByValue(5), map((st) => [...st.grads.data])));
    expect(out).to.deep.equal([5, -5, 4.5, -5, 0]);
  });

  it('clipByValue(5) after lossFun({ clip: null }) equals the classic clip inside lossFun', async () => {
    const corpus = createCorpus('the quick brown fox jumps over the lazy dog. '.repeat(5));
    const params = initParams(40, corpus.vocab.size, 3);
    params.data.forEach((x, i) => (params.data[i] = x * 300)); // large weights: large gradients, so clipping bites
    const grab = (clip: number | null, stage: boolean): Promise<number[][]> =>
      lastValueFrom(
        windows(corpus, { seqLength: 30, iterations: 3 }).pipe(
          lossFun(params, { clip }),
          stage ? clipByValue(5) : map((x) => x),
          map((st) => [...st.grads.data]),
          toArray(),
        ),
      );
    const classic = await grab(5, false);
    const staged = await grab(null, true);
    const raw = await grab(null, false);
    expect(staged).to.deep.equal(classic);
    expect(raw.flat().some((x) => Math.abs(x) > 5)).to.equal(true); // the test can fail: clipping happened
  });

  it('clipByGlobalNorm scales to exactly maxNorm when above it, and leaves smaller gradients alone', async () => {
    const g = [3, -4, 12, 0, 0]; // norm 13
    const above = await lastValueFrom(synthetic(1, () => g).step$.pipe(clipByGlobalNorm(6.5), map((st) => [...st.grads.data])));
    expect(globalNorm(Float64Array.from(above))).to.be.closeTo(6.5, 1e-14);
    above.forEach((x, i) => expect(x).to.be.closeTo(g[i]! / 2, 1e-15)); // direction kept
    const below = await lastValueFrom(synthetic(1, () => g).step$.pipe(clipByGlobalNorm(20), map((st) => [...st.grads.data])));
    expect(below).to.deep.equal(g);
  });

  it('refuses a limit that is not positive', () => {
    expect(() => clipByValue(0)).to.throw(ConfigError, 'clipByValue limit must be a positive number, got 0');
    expect(() => clipByGlobalNorm(-1)).to.throw(ConfigError, 'clipByGlobalNorm maxNorm must be a positive number, got -1');
  });
});
