import { expect } from 'chai';
import { lastValueFrom, map, take, toArray } from 'rxjs';
import { adagrad, adagradUpdate, createCorpus, initParams, lossFun, windows } from '../../src/index.js';

describe('adagrad', () => {
  it('follows mem += g²; p += −lr·g/√(mem + 1e-8) over several steps (closed form)', () => {
    const p = Float64Array.from([1, -2, 0.5]);
    const mem = new Float64Array(3);
    const grads = [
      [0.5, -1, 0],
      [0.25, 2, 3],
      [-1, 0.5, 0.1],
    ];
    const expectedP = [1, -2, 0.5];
    const expectedM = [0, 0, 0];
    for (const g of grads) {
      adagradUpdate(p, Float64Array.from(g), mem, 0.1, 1e-8);
      g.forEach((gi, i) => {
        expectedM[i] = expectedM[i]! + gi * gi;
        expectedP[i] = expectedP[i]! - (0.1 * gi) / Math.sqrt(expectedM[i]! + 1e-8);
      });
      p.forEach((v, i) => expect(v).to.be.closeTo(expectedP[i]!, 1e-15));
      mem.forEach((v, i) => expect(v).to.equal(expectedM[i]));
    }
    // First step moves every parameter with a non-zero gradient by almost exactly lr.
    const q = Float64Array.from([0]);
    adagradUpdate(q, Float64Array.from([3]), new Float64Array(1), 0.1, 1e-8);
    expect(q[0]).to.be.closeTo(-0.1, 1e-9);
  });

  it('updates the live params in place and exposes its memory as optimizer state', async () => {
    const corpus = createCorpus('abcabcabcabcabc');
    const steps = await lastValueFrom(
      windows(corpus, { seqLength: 4 }).pipe(
        lossFun(initParams(6, 3, 1)),
        map((s) => ({ before: s.params.data.slice(), grads: s.grads.data.slice(), s })),
        take(1),
        map(({ before, grads, s }) => ({ before, grads, step: s })),
        toArray(),
      ),
    );
    expect(steps).to.have.length(1);
    const out = await lastValueFrom(
      windows(corpus, { seqLength: 4 }).pipe(
        lossFun(initParams(6, 3, 1)),
        adagrad({ learningRate: 0.1 }),
        map((s) => ({ params: s.params.data.slice(), memory: s.optimizer.slots.memory!.slice(), updates: s.optimizer.updates })),
        take(2),
        toArray(),
      ),
    );
    const { before, grads } = steps[0]!;
    const expected = before.map((p, i) => p + (-0.1 * grads[i]!) / Math.sqrt(grads[i]! * grads[i]! + 1e-8));
    expect(Array.from(out[0]!.params)).to.deep.equal(Array.from(expected));
    expect(Array.from(out[0]!.memory)).to.deep.equal(Array.from(grads, (g) => g * g));
    expect(out.map((o) => o.updates)).to.deep.equal([1, 2]);
  });

  it('rejects a learning rate that is negative or not a number (0 is allowed: it freezes the weights)', () => {
    expect(() => adagrad({ learningRate: -0.1 })).to.throw(/learningRate must be a number ≥ 0, got -0.1/);
    expect(() => adagrad({ learningRate: Number.NaN })).to.throw(/learningRate must be a number ≥ 0, got NaN/);
    expect(() => adagrad({ learningRate: 0 })).to.not.throw();
  });
});
