import { expect } from 'chai';
import {
  createCorpus,
  parseCheckpoint,
  resumeConfig,
  serializeTrainingCheckpoint,
  snapshotTraining,
  trainingSteps,
  recordLoss,
  MAX_LOSS_HISTORY,
  type TrainingCheckpoint,
  type TrainingHyperparameters,
} from '../../src/index.js';

const TEXT = 'hello world, hello rnn. the quick brown fox jumps over the lazy dog.\n';

const config = {
  hiddenSize: 8,
  seqLength: 8,
  learningRate: 0.1,
  seed: 'x',
  iterations: 40,
  sampleEvery: 7,
  sampleLength: 12,
  temperature: 1,
  logEvery: 5,
};
const hyper: TrainingHyperparameters = { ...config };

/** Runs the default pipeline and snapshots the step at `at` (during its emission). */
async function runAndSnapshot(at: number): Promise<{ losses: number[]; samples: string[]; ckpt: TrainingCheckpoint }> {
  const corpus = createCorpus(TEXT);
  let ckpt: TrainingCheckpoint | undefined;
  const losses: number[] = [];
  const samples: string[] = [];
  await new Promise<void>((resolve, reject) =>
    trainingSteps(corpus, config).subscribe({
      next: (s) => {
        losses.push(s.loss, s.smoothLoss);
        if (s.sample) samples.push(s.sample.text);
        if (s.iteration === at) ckpt = snapshotTraining(s, { vocab: corpus.vocab, hyperparameters: hyper, lossHistory: [[0, 1]] });
      },
      error: reject,
      complete: resolve,
    }),
  );
  return { losses, samples, ckpt: ckpt! };
}

function bitsEqual(a: Float64Array, b: Float64Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

describe('training state in checkpoints', () => {
  it('reads back bit-identical after a JSON round trip (weights, hidden state, optimizer, sampler)', async () => {
    const { ckpt } = await runAndSnapshot(19);
    const back = parseCheckpoint(serializeTrainingCheckpoint(ckpt));
    const t = ckpt.training!;
    const u = back.training!;
    expect(bitsEqual(back.params.data, ckpt.params.data)).to.equal(true);
    expect(u.iteration).to.equal(20);
    expect(u.position).to.equal(t.position);
    expect(bitsEqual(u.hprev, t.hprev)).to.equal(true);
    expect(Object.is(u.smoothLoss, t.smoothLoss)).to.equal(true);
    expect(u.optimizer!.spec).to.deep.equal({ name: 'adagrad', learningRate: 0.1, epsilon: 1e-8 });
    expect(u.optimizer!.state.updates).to.equal(20);
    expect(bitsEqual(u.optimizer!.state.slots.memory!, t.optimizer!.state.slots.memory!)).to.equal(true);
    expect(u.sampleRandomState).to.deep.equal(t.sampleRandomState);
    expect(u.hyperparameters).to.deep.equal(hyper);
    expect(u.lossHistory).to.deep.equal([[0, 1]]);
  });

  it('keeps the sign of −0 and refuses NaN before writing anything', async () => {
    const { ckpt } = await runAndSnapshot(3);
    const hprev = ckpt.training!.hprev.slice();
    hprev[0] = -0;
    const withNegZero = { ...ckpt, training: { ...ckpt.training!, hprev } };
    expect(Object.is(parseCheckpoint(serializeTrainingCheckpoint(withNegZero)).training!.hprev[0], -0)).to.equal(true);
    const bad = { ...ckpt, training: { ...ckpt.training!, smoothLoss: NaN } };
    expect(() => serializeTrainingCheckpoint(bad)).to.throw(/training\.smoothLoss.*NaN/);
  });

  it('snapshots are copies: training on does not change them', async () => {
    const corpus = createCorpus(TEXT);
    let ckpt: TrainingCheckpoint | undefined;
    let copyAtSnapshot: Float64Array | undefined;
    await new Promise<void>((resolve) =>
      trainingSteps(corpus, config).subscribe({
        next: (s) => {
          if (s.iteration === 5) {
            ckpt = snapshotTraining(s, { vocab: corpus.vocab, hyperparameters: hyper });
            copyAtSnapshot = s.params.data.slice();
          }
        },
        complete: resolve,
      }),
    );
    expect(bitsEqual(ckpt!.params.data, copyAtSnapshot!)).to.equal(true);
  });

  it('resumeConfig continues a run exactly: losses and samples match an uninterrupted run', async () => {
    const straight = await runAndSnapshot(-1);
    const { ckpt } = await runAndSnapshot(16); // 17 iterations done; the corpus (69 chars, T = 8) wraps every 8
    const parsed = parseCheckpoint(serializeTrainingCheckpoint(ckpt));
    const losses: number[] = [];
    const samples: string[] = [];
    const corpus = createCorpus(TEXT, parsed.vocab);
    await new Promise<void>((resolve, reject) =>
      trainingSteps(corpus, { ...resumeConfig(parsed), iterations: 40 }).subscribe({
        next: (s) => {
          losses.push(s.loss, s.smoothLoss);
          if (s.sample) samples.push(s.sample.text);
        },
        error: reject,
        complete: resolve,
      }),
    );
    expect(losses).to.deep.equal(straight.losses.slice(2 * 17));
    const firstResumedSample = straight.samples.length - samples.length;
    expect(samples).to.deep.equal(straight.samples.slice(firstResumedSample));
    expect(samples.length).to.be.greaterThan(2);
  });

  it('resumeConfig refuses a checkpoint without training state', async () => {
    const { ckpt } = await runAndSnapshot(2);
    expect(() => resumeConfig({ vocab: ckpt.vocab, params: ckpt.params })).to.throw(/no training state/);
  });

  it('names the field when the training state is malformed', async () => {
    const { ckpt } = await runAndSnapshot(2);
    const text = serializeTrainingCheckpoint(ckpt);
    const edit = (f: (t: Record<string, unknown>) => void): string => {
      const raw = JSON.parse(text) as { training: Record<string, unknown> };
      f(raw.training);
      return JSON.stringify(raw);
    };
    expect(() => parseCheckpoint(edit((t) => (t.hprev = [1, 2])))).to.throw(/training\.hprev has 2 numbers, expected 8/);
    expect(() => parseCheckpoint(edit((t) => (t.iteration = -1)))).to.throw(/training\.iteration must be an integer/);
    expect(() => parseCheckpoint(edit((t) => ((t.optimizer as { state: { slots: Record<string, unknown> } }).state.slots.memory = [0]))))
      .to.throw(/training\.optimizer\.state\.slots\.memory has 1 numbers/);
    expect(() => parseCheckpoint(edit((t) => ((t.sampleRandomState as { S: number[] }).S = [1])))).to.throw(/256 bytes/);
    expect(() => parseCheckpoint(edit((t) => ((t.hyperparameters as Record<string, unknown>).hiddenSize = 9)))).to.throw(
      /hiddenSize is 9 but the weights have 8/,
    );
    expect(() => parseCheckpoint(edit((t) => delete t.smoothLoss))).to.throw(/training\.smoothLoss must be a finite number/);
  });

  it('ignores fields it does not know, at the top level and inside training', async () => {
    const { ckpt } = await runAndSnapshot(2);
    const raw = JSON.parse(serializeTrainingCheckpoint(ckpt)) as Record<string, Record<string, unknown>>;
    raw.future = { x: 1 } as never;
    raw.training!.futureField = 'y';
    expect(parseCheckpoint(JSON.stringify(raw)).training!.iteration).to.equal(3);
  });

  it('recordLoss keeps the history bounded and spanning the whole run', () => {
    const h: Array<readonly [number, number]> = [];
    for (let i = 0; i < 10 * MAX_LOSS_HISTORY; i++) recordLoss(h, i * 100, i);
    expect(h.length).to.be.at.most(MAX_LOSS_HISTORY);
    expect(h[0]).to.deep.equal([0, 0]);
    expect(h[h.length - 1]![0]).to.equal((10 * MAX_LOSS_HISTORY - 1) * 100);
  });
});
