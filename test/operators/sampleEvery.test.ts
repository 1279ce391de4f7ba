import { expect } from 'chai';
import { lastValueFrom, map, Subject, take, toArray } from 'rxjs';
import {
  createCorpus,
  decode,
  initParams,
  lossFun,
  sampleEvery,
  sampleIndices,
  seededRandom,
  trainingSteps,
  windows,
  type TrainingStep,
} from '../../src/index.js';
import { defaultCorpusText } from '../helpers.js';

const corpus = createCorpus(defaultCorpusText().slice(0, 3000));
const params = initParams(16, corpus.vocab.size, 3);
const steps$ = windows(corpus, { seqLength: 10 }).pipe(lossFun(params));

describe('sampleEvery', () => {
  it('samples exactly at iterations 0, every, 2·every, ... (the throttle)', async () => {
    const out = await lastValueFrom(
      steps$.pipe(sampleEvery(7, { vocab: corpus.vocab, length: 5 }), take(30), toArray()),
    );
    expect(out.filter((s) => s.sample).map((s) => s.sample!.iteration)).to.deep.equal([0, 7, 14, 21, 28]);
    for (const s of out) if (s.sample) expect([...s.sample.text]).to.have.length(5);
  });

  it('draws from hprev and the window\'s first character, with its own seeded generator', async () => {
    let expected = '';
    const random = seededRandom('s');
    const out = await lastValueFrom(
      steps$.pipe(
        take(3),
        map((s: TrainingStep) => {
          if (s.iteration === 2) {
            // What the tap must do at iteration 2, computed independently (after 1 earlier sample).
            const ids = sampleIndices(s.model, s.hprev.slice(), s.inputs[0]!, 12, 1, random);
            expected = decode(ids, corpus.vocab);
          } else if (s.iteration === 0) {
            sampleIndices(s.model, s.hprev.slice(), s.inputs[0]!, 12, 1, random);
          }
          return s;
        }),
      ).pipe(toArray()),
    );
    expect(out).to.have.length(3);
    const tapped = await lastValueFrom(
      steps$.pipe(sampleEvery(2, { vocab: corpus.vocab, length: 12, seed: 's' }), take(3), toArray()),
    );
    expect(tapped[2]!.sample!.text).to.equal(expected);
  });

  it('does not change the training: losses are identical with and without sampling', async () => {
    const base = { hiddenSize: 16, seqLength: 10, iterations: 40 };
    const losses = (every: number): Promise<number[]> =>
      lastValueFrom(trainingSteps(corpus, { ...base, sampleEvery: every }).pipe(map((s) => s.loss), toArray()));
    expect(await losses(3)).to.deep.equal(await losses(0));
  });

  it('is more conservative at low temperature', async () => {
    const text = async (temperature: number): Promise<string> => {
      const s = await lastValueFrom(
        trainingSteps(corpus, { hiddenSize: 16, iterations: 301, sampleEvery: 300, sampleLength: 400, temperature }).pipe(
          toArray(),
          map((all) => all[300]!.sample!.text),
        ),
      );
      return s;
    };
    const distinct = (s: string): number => new Set(s).size;
    expect(distinct(await text(0.2))).to.be.lessThan(distinct(await text(2)));
  });

  it('never samples with every = 0 but still passes steps through', async () => {
    const out = await lastValueFrom(steps$.pipe(sampleEvery(0, { vocab: corpus.vocab }), take(5), toArray()));
    expect(out.map((s) => s.iteration)).to.deep.equal([0, 1, 2, 3, 4]);
    expect(out.every((s) => s.sample === undefined)).to.equal(true);
  });

  it('stops listening when unsubscribed early', () => {
    const src = new Subject<TrainingStep>();
    const sub = src.pipe(sampleEvery(1, { vocab: corpus.vocab })).subscribe();
    expect(src.observed).to.equal(true);
    sub.unsubscribe();
    expect(src.observed).to.equal(false);
  });

  it('rejects a non-positive temperature or length', () => {
    expect(() => sampleEvery(1, { vocab: corpus.vocab, temperature: 0 })).to.throw(/temperature/);
    expect(() => sampleEvery(1, { vocab: corpus.vocab, length: 0 })).to.throw(/length/);
  });
});
