import { expect } from 'chai';
import { lastValueFrom, toArray, EMPTY, throwError } from 'rxjs';
import {
  createCorpus,
  evaluateEvery,
  forward,
  heldOutLoss,
  initParams,
  referenceKernel,
  splitCorpus,
  trainingSteps,
  train,
} from '../../src/index.js';
import { createScratch } from '../../src/model/rnn/classic/reference.js';

const TEXT = 'the cat sat on the mat. the dog sat on the log. '.repeat(12);

describe('heldOutLoss', () => {
  it('is the mean over all L − 1 predictions, carrying h across chunks', () => {
    const corpus = createCorpus(TEXT);
    const ids = corpus.ids.subarray(0, 53); // 52 predictions: chunks of 10 with a short last one
    const params = initParams(6, corpus.vocab.size, 4);
    for (let i = 0; i < params.data.length; i++) params.data[i] = params.data[i]! * 100;
    const model = referenceKernel.createModel(6, corpus.vocab.size, 10);
    model.params.data.set(params.data);
    // The same computation as one long forward pass from zeros.
    const hs = new Float64Array(53 * 6);
    const expected = forward(params, ids.subarray(0, 52), ids.subarray(1, 53), hs, createScratch(6, corpus.vocab.size, 52)) / 52;
    expect(heldOutLoss(model, ids, 10)).to.be.closeTo(expected, 1e-12);
    expect(heldOutLoss(model, ids, 10)).to.equal(heldOutLoss(model, ids, 10)); // fresh state each time
  });

  it('needs at least two characters', () => {
    const corpus = createCorpus('ab');
    const model = referenceKernel.createModel(2, 2, 4);
    expect(() => heldOutLoss(model, corpus.ids.subarray(0, 1), 4)).to.throw(/at least 2/);
  });
});

describe('evaluateEvery', () => {
  const { train: head, validation } = splitCorpus(createCorpus(TEXT), 0.2, 8);
  const config = { hiddenSize: 10, seqLength: 8, iterations: 61, sampleEvery: 20, sampleLength: 10 };

  it('evaluates at iteration % every == 0 without changing the training numbers', async () => {
    const plain = await lastValueFrom(trainingSteps(head, config).pipe(toArray()));
    const plainLosses = plain.map((s) => [s.loss, s.smoothLoss]);
    const plainSamples = plain.map((s) => s.sample?.text);
    const evaluated = await lastValueFrom(trainingSteps(head, config).pipe(evaluateEvery(20, { corpus: validation! }), toArray()));
    expect(evaluated.map((s) => [s.loss, s.smoothLoss])).to.deep.equal(plainLosses);
    expect(evaluated.map((s) => s.sample?.text)).to.deep.equal(plainSamples);
    const evals = evaluated.filter((s) => s.validation).map((s) => s.validation!);
    expect(evals.map((e) => e.iteration)).to.deep.equal([0, 20, 40, 60]);
    for (const e of evals) expect(e.bitsPerChar).to.equal(e.loss / Math.LN2);
    expect(evals[3]!.loss).to.be.lessThan(evals[0]!.loss);
  });

  it('is the loss of the weights after that iteration\'s update', async () => {
    let expected = 0;
    const got = await lastValueFrom(
      trainingSteps(head, config).pipe(
        evaluateEvery(20, { corpus: validation! }),
        toArray(),
      ),
    );
    await new Promise<void>((resolve) =>
      trainingSteps(head, config).subscribe({
        next: (s) => {
          if (s.iteration !== 40) return;
          const m = referenceKernel.createModel(10, head.vocab.size, 8);
          m.params.data.set(s.params.data);
          expected = heldOutLoss(m, validation!.ids, 8);
        },
        complete: resolve,
      }),
    );
    expect(got.find((s) => s.iteration === 40)!.validation!.loss).to.equal(expected);
  });

  it('works inside train(): validation$ reports each result', async () => {
    const run = train(head, { ...config, validation: { corpus: validation!, every: 30 } });
    const results = lastValueFrom(run.validation$.pipe(toArray()));
    run.start();
    expect((await results).map((e) => e.iteration)).to.deep.equal([0, 30, 60]);
  });

  it('passes empty, error and 0 (never) through', async () => {
    expect(await lastValueFrom(EMPTY.pipe(evaluateEvery(1, { corpus: validation! }), toArray()))).to.deep.equal([]);
    let caught: unknown;
    await lastValueFrom(throwError(() => new Error('boom')).pipe(evaluateEvery(1, { corpus: validation! }))).catch((e) => (caught = e));
    expect((caught as Error).message).to.equal('boom');
    const steps = await lastValueFrom(trainingSteps(head, { ...config, iterations: 5 }).pipe(evaluateEvery(0, { corpus: validation! }), toArray()));
    expect(steps.every((s) => s.validation === undefined)).to.equal(true);
  });

  it('refuses a held-out text shorter than 2 characters or a bad cadence', () => {
    expect(() => evaluateEvery(1, { corpus: createCorpus('a') })).to.throw(/at least 2/);
    expect(() => evaluateEvery(-1, { corpus: validation! })).to.throw(/evalEvery/);
  });
});
