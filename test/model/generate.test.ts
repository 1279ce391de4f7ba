import { expect } from 'chai';
import { lastValueFrom, take, toArray } from 'rxjs';
import {
  argmax,
  createCorpus,
  decode,
  defaultPrime,
  drawTopK,
  generate,
  initParams,
  referenceKernel,
  sampleIndices,
  seededRandom,
  vocabularyFromChars,
  type Kernel,
} from '../../src/index.js';

const vocab = createCorpus('hello world, the cat sat on the mat.\n').vocab;
const params = initParams(12, vocab.size, 3);
// Larger weights than the tiny init, so the distribution is not uniform and decoding choices matter.
for (let i = 0; i < params.data.length; i++) params.data[i] = params.data[i]! * 150;
const model = { vocab, params };

const text = async (config: Parameters<typeof generate>[1]): Promise<string> =>
  (await lastValueFrom(generate(model, config).pipe(toArray()))).join('');

describe('generate', () => {
  it('draws what the classic sample() draws from the same seed', async () => {
    const m = referenceKernel.createModel(12, vocab.size, 1);
    m.params.data.set(params.data);
    const ids = sampleIndices(m, new Float64Array(12), vocab.index.get('t')!, 50, 0.8, seededRandom(5));
    expect(await text({ prime: 't', length: 50, temperature: 0.8, seed: 5 })).to.equal(decode(ids, vocab));
  });

  it('warms up on the whole prime', async () => {
    const a = await text({ prime: 'the c', length: 30, seed: 2 });
    const b = await text({ prime: 'xxx c'.replace(/x/g, 'h'), length: 30, seed: 2 });
    expect(a).to.have.length(30);
    expect(a).to.not.equal(b);
  });

  it('is reproducible and cold: the same seed gives the same text to every subscriber', async () => {
    const g$ = generate(model, { length: 40, seed: 'abc' });
    const [a, b] = await Promise.all([lastValueFrom(g$.pipe(toArray())), lastValueFrom(g$.pipe(toArray()))]);
    expect(a.join('')).to.equal(b.join(''));
    expect(a.join('')).to.not.equal(await text({ length: 40, seed: 'abd' }));
  });

  it('emits one code point per value', async () => {
    const v = vocabularyFromChars(['😀', 'a']);
    const chars = await lastValueFrom(generate({ vocab: v, params: initParams(4, 2, 1) }, { length: 20 }).pipe(toArray()));
    expect(chars).to.have.length(20);
    expect(chars.every((c) => c === '😀' || c === 'a')).to.equal(true);
  });

  it('argmax ignores the seed, and top-k 1 is argmax', async () => {
    const g = await text({ length: 30, argmax: true, seed: 1 });
    expect(await text({ length: 30, argmax: true, seed: 99 })).to.equal(g);
    expect(await text({ length: 30, topK: 1, seed: 42 })).to.equal(g);
  });

  it('stops computing when unsubscribed', async () => {
    let steps = 0;
    const counting: Kernel = {
      name: 'counting',
      createModel(h, v, t) {
        const m = referenceKernel.createModel(h, v, t);
        return { ...m, sampleStep: (...args) => (steps++, m.sampleStep(...args)) };
      },
    };
    const chars = await lastValueFrom(generate(model, { prime: 'a', length: 100000, kernel: counting }).pipe(take(5), toArray()));
    expect(chars).to.have.length(5);
    expect(steps).to.be.at.most(1 + 5);
  });

  it('yields to the event loop during long generations', async () => {
    let timerRan = false;
    let emittedAfterTimer = 0;
    setTimeout(() => (timerRan = true), 0);
    await new Promise<void>((resolve, reject) =>
      generate(model, { length: 3000, yieldEveryMs: 0 }).subscribe({
        next: () => {
          if (timerRan) emittedAfterTimer++;
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(emittedAfterTimer).to.be.greaterThan(0);
  });

  it('refuses a prime character outside the vocabulary, naming it', () => {
    expect(() => generate(model, { prime: 'hello?' })).to.throw(/prime character "\?" \(U\+003F\) at position 5 is not in the vocabulary/);
    expect(() => generate(model, { prime: '' })).to.throw(/prime text is empty/);
  });

  it('defaults the prime to a newline, or the first character', () => {
    expect(defaultPrime(vocab)).to.equal('\n');
    expect(defaultPrime(vocabularyFromChars(['b', 'a']))).to.equal('b');
  });
});

describe('drawTopK', () => {
  const probs = Float64Array.of(0.1, 0.4, 0.05, 0.3, 0.15);
  it('draws only among the k largest, renormalised, in index order', () => {
    // top 2: indices 1 (0.4) and 3 (0.3); total 0.7
    expect(drawTopK(probs, 2, 0)).to.equal(1);
    expect(drawTopK(probs, 2, 0.4 / 0.7 - 1e-9)).to.equal(1);
    expect(drawTopK(probs, 2, 0.4 / 0.7 + 1e-9)).to.equal(3);
    expect(drawTopK(probs, 2, 0.999999)).to.equal(3);
  });
  it('k ≥ V is a plain draw and k = 1 is argmax', () => {
    expect(drawTopK(probs, 5, 0.05)).to.equal(0);
    expect(drawTopK(probs, 1, 0.99)).to.equal(argmax(probs));
  });
  it('breaks ties towards the lower index', () => {
    const tied = Float64Array.of(0.2, 0.3, 0.3, 0.2);
    expect(drawTopK(tied, 3, 0.999)).to.equal(2);
    expect(drawTopK(tied, 3, 0.1)).to.equal(0);
    // top 3 = {0, 1, 2}: index 3 (tied with 0) is never drawn
    for (let u = 0; u < 1; u += 0.01) expect(drawTopK(tied, 3, u)).to.not.equal(3);
  });
});
