import { expect } from 'chai';
import { lastValueFrom, toArray, map } from 'rxjs';
import { createCorpus, initParams, trainingSteps, type TrainConfig } from '../../src/index.js';
import { defaultCorpusText } from '../helpers.js';

const corpus = createCorpus(defaultCorpusText().slice(0, 5000));

function record(config: TrainConfig): Promise<Array<{ loss: number; smoothLoss: number; sample?: string }>> {
  return lastValueFrom(
    trainingSteps(corpus, { hiddenSize: 24, iterations: 250, sampleEvery: 50, sampleLength: 40, ...config }).pipe(
      map((s) => ({ loss: s.loss, smoothLoss: s.smoothLoss, ...(s.sample ? { sample: s.sample.text } : {}) })),
      toArray(),
    ),
  );
}

describe('determinism', () => {
  it('gives bit-identical losses and samples for the same seed, run after run', async () => {
    const a = await record({ seed: 5 });
    const b = await record({ seed: 5 });
    expect(a).to.have.length(250);
    expect(a.filter((s) => s.sample !== undefined)).to.have.length(5);
    expect(b).to.deep.equal(a); // deep equality on doubles is bit equality (up to ±0)
  });

  it('gives different weights and samples for a different seed', async () => {
    const a = await record({ seed: 5 });
    const b = await record({ seed: 6 });
    expect(b[0]!.loss).to.not.equal(a[0]!.loss);
    expect(b[0]!.sample).to.not.equal(a[0]!.sample);
  });

  it('treats a numeric seed and its decimal string alike', () => {
    expect(Array.from(initParams(4, 3, 42).data)).to.deep.equal(Array.from(initParams(4, 3, '42').data));
  });

  it('draws initial weights with standard deviation 0.01 and zero biases', () => {
    const p = initParams(100, 65, 1);
    const w = Array.from(p.data.subarray(0, p.Wxh.length + p.Whh.length + p.Why.length));
    const mean = w.reduce((a, b) => a + b, 0) / w.length;
    const sd = Math.sqrt(w.reduce((a, b) => a + (b - mean) ** 2, 0) / w.length);
    expect(sd).to.be.closeTo(0.01, 0.0003);
    expect(Math.abs(mean)).to.be.lessThan(0.0003);
    expect(Array.from(p.bh).every((x) => x === 0) && Array.from(p.by).every((x) => x === 0)).to.equal(true);
  });
});
