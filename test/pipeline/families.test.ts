// Training other model families through the default pipeline: determinism, exact resume through a
// format 2 checkpoint with dropout and B > 1 streams, sampling, validation.
import { expect } from 'chai';
import { lastValueFrom, tap } from 'rxjs';
import {
  createCorpus,
  parseCheckpoint,
  resumeConfig,
  serializeTrainingCheckpoint,
  snapshotTraining,
  splitCorpus,
  trainingSteps,
  type ModelType,
  type TrainConfig,
  type TrainingHyperparameters,
} from '../../src/index.js';
import { defaultCorpusText } from '../helpers.js';

const corpus = createCorpus(defaultCorpusText().slice(0, 3000));

function config(type: ModelType): TrainConfig {
  return {
    model: { type, hiddenSize: 8, layers: 2, dropout: 0.25 },
    batchSize: 3,
    seqLength: 6,
    sampleEvery: 5,
    sampleLength: 20,
    optimizer: { name: 'adam', learningRate: 0.01 },
    clip: null,
    clipNorm: 5,
  };
}

const hyper = (c: TrainConfig): TrainingHyperparameters => ({
  hiddenSize: 8,
  seqLength: c.seqLength!,
  learningRate: 0.01,
  seed: 1,
  iterations: null,
  sampleEvery: c.sampleEvery!,
  sampleLength: c.sampleLength!,
  temperature: 1,
  logEvery: 100,
});

async function run(c: TrainConfig): Promise<{ losses: number[]; samples: string[]; params: number[] }> {
  const losses: number[] = [];
  const samples: string[] = [];
  let params: number[] = [];
  await lastValueFrom(
    trainingSteps(corpus, c).pipe(
      tap((s) => {
        losses.push(s.loss);
        if (s.sample) samples.push(s.sample.text);
        params = [...s.params.data];
      }),
    ),
  );
  return { losses, samples, params };
}

describe('training lstm and gru through the pipeline', () => {
  for (const type of ['lstm', 'gru'] as const) {
    it(`${type} (2 layers, dropout 0.25, B = 3): same seed → bit-identical losses and samples`, async () => {
      const c = { ...config(type), iterations: 12 };
      const a = await run(c);
      const b = await run(c);
      expect(a.losses).to.deep.equal(b.losses);
      expect(a.samples).to.deep.equal(b.samples);
      expect(a.samples.length).to.equal(3);
      const other = await run({ ...c, seed: 2 });
      expect(other.losses).to.not.deep.equal(a.losses);
    });

    it(`${type}: 2N iterations straight = N, a format 2 checkpoint, then resume to 2N, bit for bit`, async () => {
      const N = 7;
      const c = config(type);
      const straight = await run({ ...c, iterations: 2 * N });
      let text = '';
      await lastValueFrom(
        trainingSteps(corpus, { ...c, iterations: N }).pipe(
          tap((s) => {
            if (s.iteration === N - 1) text = serializeTrainingCheckpoint(snapshotTraining(s, { vocab: corpus.vocab, hyperparameters: hyper(c) }));
          }),
        ),
      );
      const saved = JSON.parse(text) as Record<string, unknown> & { training: Record<string, unknown> };
      expect(saved.version).to.equal(2);
      expect(saved.model).to.deep.equal({ type, hiddenSize: 8, layers: 2, dropout: 0.25 });
      expect(saved.training.batchSize).to.equal(3);
      expect((saved.training.hprev as number[]).length).to.equal(3 * 2 * 8 * (type === 'lstm' ? 2 : 1));
      expect(saved.training.dropoutRandomState).to.be.an('object');
      const checkpoint = parseCheckpoint(text);
      const resumed = await run({ ...c, ...resumeConfig(checkpoint), iterations: 2 * N });
      expect(resumed.losses).to.deep.equal(straight.losses.slice(N));
      expect(resumed.params).to.deep.equal(straight.params);
      expect(resumed.samples).to.deep.equal(straight.samples.slice(-resumed.samples.length));
    });
  }

  it('learns: a GRU\'s validation loss falls below the uniform ln V', async () => {
    const { train, validation } = splitCorpus(corpus, 0.1);
    const V = corpus.vocab.size;
    const losses: number[] = [];
    await lastValueFrom(
      trainingSteps(train, {
        model: { type: 'gru', hiddenSize: 16 },
        batchSize: 4,
        seqLength: 10,
        iterations: 101,
        sampleEvery: 0,
        optimizer: { name: 'adam', learningRate: 0.01 },
        validation: { corpus: validation!, every: 100 },
      }).pipe(tap((s) => s.validation && losses.push(s.validation.loss))),
    );
    expect(losses[0]).to.be.closeTo(Math.log(V), 0.1);
    expect(losses[1]).to.be.lessThan(Math.log(V) - 0.5);
  });
});

describe('trainingSteps with init weights of another family', () => {
  it('takes the model from `init` when no spec is given', async () => {
    const { initModel } = await import('../../src/index.js');
    const init = initModel({ type: 'lstm', hiddenSize: 6, layers: 2 }, corpus.vocab.size, 4);
    const last = await lastValueFrom(trainingSteps(corpus, { init, seqLength: 8, iterations: 2, sampleEvery: 0 }));
    expect(last.model.spec).to.deep.equal({ type: 'lstm', hiddenSize: 6, layers: 2, dropout: 0 });
  });
});
