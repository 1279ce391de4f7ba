import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { lastValueFrom, map, toArray } from 'rxjs';
import { createCorpus, OPTIMIZER_NAMES, trainingSteps, type OptimizerSpec } from '../../src/index.js';

// Each optimizer with its default settings, at the default model size, on the default corpus: it must
// learn out of the box. 400 iterations is short for the smooth loss (it averages over ~1000), so the
// test also looks at the raw loss of the last 50 windows. Measured (seed 1): smooth loss falls from
// 103.97 to 93.4 (rmsprop) .. 98.6 (adagrad); last-50 raw loss 61.0 (rmsprop) .. 75.7 (adagrad); with a
// learning rate of 0 both stay at 103.97.
const corpus = createCorpus(readFileSync(new URL('../../../data/default-corpus.txt', import.meta.url), 'utf8'));

async function shortRun(optimizer: OptimizerSpec): Promise<{ first: number; last: number; recentRaw: number }> {
  const r = await lastValueFrom(
    trainingSteps(corpus, { iterations: 400, sampleEvery: 0, optimizer }).pipe(
      map((s) => [s.loss, s.smoothLoss] as const),
      toArray(),
    ),
  );
  const recentRaw = r.slice(-50).reduce((sum, [loss]) => sum + loss, 0) / 50;
  return { first: r[0]![1], last: r[r.length - 1]![1], recentRaw };
}

describe('every optimizer with its defaults learns on the default corpus (hidden size 100)', function () {
  this.timeout(120000);

  it('a learning rate of 0 does not (the criterion can fail)', async () => {
    const { first, last, recentRaw } = await shortRun({ name: 'sgd', learningRate: 0 });
    expect(last).to.be.greaterThan(0.99 * first);
    expect(recentRaw).to.be.greaterThan(0.95 * first);
  });

  for (const name of OPTIMIZER_NAMES) {
    it(`${name}: smooth loss below 0.96 × start and recent raw loss below 0.8 × start after 400 iterations`, async () => {
      const { first, last, recentRaw } = await shortRun({ name });
      expect(last).to.be.lessThan(0.96 * first);
      expect(recentRaw).to.be.lessThan(0.8 * first);
    });
  }
});
