// Golden numbers from the classic numpy implementation (a trusted reference, like llm.c's expected
// losses): the same initial weights must give the same losses to rounding.
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, map, toArray } from 'rxjs';
import { createCorpus, parseCheckpoint, referenceKernel, trainingSteps } from '../../src/index.js';
import { ROOT } from '../helpers.js';

interface Golden {
  corpus: string;
  hiddenSize: number;
  seqLength: number;
  learningRate: number;
  losses: number[];
  init: unknown;
}

describe('agreement with the classic numpy algorithm', () => {
  const golden = JSON.parse(readFileSync(join(ROOT, 'test/fixtures/numpy-golden.json'), 'utf8')) as Golden;

  it('reproduces its losses over 12 iterations, including a wrap, to 1e-13', async () => {
    const init = parseCheckpoint(JSON.stringify(golden.init));
    const corpus = createCorpus(golden.corpus, init.vocab);
    const losses = await lastValueFrom(
      trainingSteps(corpus, {
        hiddenSize: golden.hiddenSize,
        seqLength: golden.seqLength,
        learningRate: golden.learningRate,
        iterations: golden.losses.length,
        init: init.params,
        kernel: referenceKernel,
      }).pipe(
        map((s) => s.loss),
        toArray(),
      ),
    );
    expect(losses).to.have.length(12);
    // Chaos amplifies rounding differences (numpy's BLAS sums in another order) by ~10× per iteration,
    // so the bound is tight at the start and looser later; a wrong algorithm misses by far more.
    losses.forEach((loss, n) => {
      const tol = n < 6 ? 1e-13 : 1e-11;
      expect(Math.abs(loss - golden.losses[n]!) / golden.losses[n]!, `iteration ${n}`).to.be.lessThan(tol);
    });
  });
});
