import { expect } from 'chai';
import { lastValueFrom, map, tap, toArray } from 'rxjs';
import {
  adam,
  ConfigError,
  createCorpus,
  globalNorm,
  sgd,
  trainingOptimizerSpec,
  trainingSteps,
  type SampledStep,
  type TrainingStep,
} from '../../src/index.js';

const corpus = createCorpus('the quick brown fox jumps over the lazy dog. '.repeat(20));

/** The largest |gradient| and the global norm the optimizer saw at each step. */
async function gradsSeen(config: Parameters<typeof trainingSteps>[1]): Promise<{ max: number; norm: number }[]> {
  const seen: { max: number; norm: number }[] = [];
  const spy = <S extends TrainingStep & SampledStep>() =>
    (source: import('rxjs').Observable<S>) =>
      source.pipe(
        tap((s) => seen.push({ max: Math.max(...s.grads.data.map(Math.abs)), norm: globalNorm(s.grads.data) })),
        sgd<S>(),
      );
  await lastValueFrom(trainingSteps(corpus, { hiddenSize: 8, seqLength: 80, iterations: 5, sampleEvery: 0, ...config, optimizer: spy() }));
  return seen;
}

describe('trainingSteps: clipping and optimizer options', () => {
  it('clips gradients to ±5 by default; clip null or 0 turns it off', async () => {
    expect(Math.max(...(await gradsSeen({})).map((g) => g.max))).to.equal(5);
    expect(Math.max(...(await gradsSeen({ clip: null })).map((g) => g.max))).to.be.greaterThan(5);
    expect(Math.max(...(await gradsSeen({ clip: 0 })).map((g) => g.max))).to.be.greaterThan(5);
    expect(Math.max(...(await gradsSeen({ clip: 2 })).map((g) => g.max))).to.equal(2);
  });

  it('clipNorm scales the gradients the optimizer sees to that global norm', async () => {
    const seen = await gradsSeen({ clipNorm: 1.5 });
    for (const g of seen) expect(g.norm).to.be.closeTo(1.5, 1e-12); // every raw norm here is above 1.5
  });

  it('takes an optimizer operator, and exposes its state on every step', async () => {
    const updates = await lastValueFrom(
      trainingSteps(corpus, { hiddenSize: 8, iterations: 4, sampleEvery: 0, optimizer: adam() }).pipe(
        map((s) => [s.optimizer.name, s.optimizer.updates]),
        toArray(),
      ),
    );
    expect(updates).to.deep.equal([['adam', 1], ['adam', 2], ['adam', 3], ['adam', 4]]);
  });

  it('applies config.learningRate to a spec that has none', () => {
    expect(trainingOptimizerSpec({})).to.deep.equal({ name: 'adagrad' });
    expect(trainingOptimizerSpec({ learningRate: 0.05 })).to.deep.equal({ name: 'adagrad', learningRate: 0.05 });
    expect(trainingOptimizerSpec({ learningRate: 0.05, optimizer: { name: 'adam' } })).to.deep.equal({ name: 'adam', learningRate: 0.05 });
    expect(trainingOptimizerSpec({ learningRate: 0.05, optimizer: { name: 'adam', learningRate: 0.01 } })).to.deep.equal({ name: 'adam', learningRate: 0.01 });
    expect(trainingOptimizerSpec({ optimizer: sgd() })).to.equal(undefined);
  });

  it('refuses a bad optimizer spec or clip value before training starts', () => {
    expect(() => trainingSteps(corpus, { optimizer: { name: 'adam', beta1: 2 } })).to.throw(ConfigError, 'beta1 must be a number in [0, 1), got 2');
    expect(() => trainingSteps(corpus, { clip: -1 })).to.throw(ConfigError, 'clip must be a positive number, got -1');
    expect(() => trainingSteps(corpus, { clipNorm: Number.NaN })).to.throw(ConfigError, 'clipNorm must be a positive number, got NaN');
  });
});
