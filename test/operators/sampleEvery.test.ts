import { expect } from 'chai';
import { BehaviorSubject, lastValueFrom, map, Subject, take, tap, toArray } from 'rxjs';
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

describe('sampleEvery with a live temperature', () => {
  it('draws each sample at the latest temperature and records it, as a fixed temperature would', async () => {
    const temperature$ = new BehaviorSubject(1);
    const live = await lastValueFrom(
      steps$.pipe(
        sampleEvery(2, { vocab: corpus.vocab, length: 30, seed: 't', temperature: temperature$ }),
        tap((s) => s.iteration === 2 && temperature$.next(0.25)),
        take(7),
        toArray(),
      ),
    );
    expect(live.filter((s) => s.sample).map((s) => s.sample!.temperature)).to.deep.equal([1, 1, 0.25, 0.25]);
    // The same generator drawing at the same temperatures gives the same text.
    const random = seededRandom('t');
    const expected = live
      .filter((s) => s.sample)
      .map((s) => decode(sampleIndices(s.model, s.hprev.slice(), s.inputs[0]!, 30, s.sample!.temperature, random), corpus.vocab));
    expect(live.filter((s) => s.sample).map((s) => s.sample!.text)).to.deep.equal(expected);
  });

  it('reports a temperature that is not positive on the error channel, and unsubscribes from it', async () => {
    const temperature$ = new Subject<number>();
    const seen: number[] = [];
    const error = await new Promise<unknown>((resolve) =>
      steps$.pipe(sampleEvery(1, { vocab: corpus.vocab, temperature: temperature$ }), take(50)).subscribe({
        next: (s) => {
          seen.push(s.iteration);
          if (s.iteration === 1) temperature$.next(0);
        },
        error: resolve,
      }),
    );
    expect((error as Error).message).to.equal('temperature$ must be a positive number, got 0');
    expect(seen).to.deep.equal([0, 1]);
    expect(temperature$.observed).to.equal(false);
  });
});
