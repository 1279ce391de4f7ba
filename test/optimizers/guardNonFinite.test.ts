import { expect } from 'chai';
import { lastValueFrom, map, tap, toArray, type Observable } from 'rxjs';
import {
  adagrad,
  ConfigError,
  createCorpus,
  guardNonFinite,
  initParams,
  lossFun,
  NonFiniteLossError,
  referenceKernel,
  sgd,
  smoothLoss,
  trainingSteps,
  tensorOf,
  windows,
  type GuardNonFiniteConfig,
} from '../../src/index.js';
import { defaultCorpusText } from '../helpers.js';

const corpus = createCorpus(defaultCorpusText());

/** A run made to diverge: plain SGD at a learning rate far too large, no clipping. */
function divergingRun(learningRate: number, iterations: number, guard: GuardNonFiniteConfig, poke?: (s: { iteration: number; params: { data: Float64Array } }) => void) {
  return windows(corpus, { seqLength: 8, iterations }).pipe(
    lossFun(initParams(16, corpus.vocab.size, 1), { clip: null, kernel: referenceKernel, nonFinite: 'pass' }),
    sgd({ learningRate }),
    tap((s) => poke?.(s)),
    guardNonFinite(guard),
    smoothLoss(),
  );
}

interface Seen {
  iteration: number;
  loss: number;
  smoothLoss: number;
  params: number[];
  updates: number;
  learningRate: number;
  nonFinite?: Record<string, unknown>;
}

function record(step$: Observable<{ iteration: number; loss: number; smoothLoss: number; params: { data: Float64Array }; optimizer: { updates: number; hyperparameters?: Readonly<Record<string, number>> }; nonFinite?: object }>): Promise<Seen[]> {
  return lastValueFrom(
    step$.pipe(
      map((s) => ({
        iteration: s.iteration,
        loss: s.loss,
        smoothLoss: s.smoothLoss,
        params: [...s.params.data],
        updates: s.optimizer.updates,
        learningRate: s.optimizer.hyperparameters!.learningRate,
        ...(s.nonFinite ? { nonFinite: { ...s.nonFinite } } : {}),
      })),
      toArray(),
    ),
  );
}

describe('guardNonFinite', function () {
  this.timeout(30_000);

  it('on a diverging run: restores the kept parameters and optimizer state, lowers the learning rate, skips the window', async () => {
    const steps = await record(divergingRun(100, 40, { keepEvery: 100, lrFactor: 0.5, maxRetries: 5 }));
    expect(steps).to.have.length(40); // every window is emitted, none fails the run
    const bad = steps.filter((s) => s.nonFinite);
    expect(bad.length).to.be.at.least(2);
    const first = bad[0]!;
    expect(Number.isFinite(first.loss)).to.equal(false);
    expect(first.nonFinite).to.deep.include({ iteration: first.iteration, what: 'loss', restoredFrom: 0, learningRateScale: 0.5, retry: 1, maxRetries: 5 });
    // The state after iteration 0 is back, bit for bit, with its update count.
    expect(first.params).to.deep.equal(steps[0]!.params);
    expect(first.updates).to.equal(1);
    // The window is skipped: the smooth loss does not move; the next step runs at half the rate.
    const before = steps[first.iteration - 1]!;
    expect(first.smoothLoss).to.equal(before.smoothLoss);
    expect(steps[first.iteration + 1]!.learningRate).to.equal(50);
    expect(bad[1]!.nonFinite).to.deep.include({ learningRateScale: 0.25, retry: 2 });
    expect(steps.every((s) => s.nonFinite || Number.isFinite(s.smoothLoss))).to.equal(true);
  });

  it('after maxRetries rollbacks without a new kept state, fails on the error channel naming the iteration', async () => {
    let error: unknown;
    await lastValueFrom(divergingRun(1000, 200, { keepEvery: 10, lrFactor: 0.5, maxRetries: 2 }), { defaultValue: undefined }).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(NonFiniteLossError);
    const e = error as NonFiniteLossError;
    expect(e.iteration).to.be.a('number');
    expect(e.message).to.match(new RegExp(`at iteration ${e.iteration} .*still after 2 rollbacks to iteration 0`));
  });

  it('finds a non-finite parameter (from a non-finite gradient) when keeping a state, and returns to the previous one', async () => {
    // Wxh[0, ix] of a character no window up to iteration 30 reads: the loss stays finite, only the check finds it.
    const early = new Set(corpus.ids.subarray(0, 30 * 8 + 1));
    const ix = [...Array(corpus.vocab.size).keys()].find((i) => !early.has(i))!;
    expect(ix).to.be.a('number');
    const steps = await record(
      windows(corpus, { seqLength: 8, iterations: 30 }).pipe(
        lossFun(initParams(16, corpus.vocab.size, 1), { kernel: referenceKernel, nonFinite: 'pass' }),
        adagrad({ learningRate: 0.1 }),
        tap((s) => {
          if (s.iteration === 19) tensorOf(s.params, 'Wxh')[ix] = NaN;
        }),
        guardNonFinite({ keepEvery: 10 }),
        smoothLoss(),
      ),
    );
    const flagged = steps.filter((s) => s.nonFinite);
    expect(flagged.map((s) => s.iteration)).to.deep.equal([20]);
    expect(flagged[0]!.nonFinite).to.include({ what: 'parameters', restoredFrom: 10 });
    expect(flagged[0]!.params).to.deep.equal(steps[10]!.params);
    expect(steps.slice(21).every((s) => s.params.every(Number.isFinite))).to.equal(true);
  });

  it('changes nothing in a run that stays finite: the same losses bit for bit', async () => {
    const losses = (guard: boolean) =>
      lastValueFrom(trainingSteps(corpus, { hiddenSize: 24, seqLength: 10, iterations: 300, sampleEvery: 0, ...(guard ? { guard: {} } : {}) }).pipe(map((s) => s.loss), toArray()));
    expect(await losses(true)).to.deep.equal(await losses(false));
  });

  it('without the guard a non-finite loss still fails the run (abort is the default)', async () => {
    let error: unknown;
    await lastValueFrom(
      windows(corpus, { seqLength: 8, iterations: 50 }).pipe(lossFun(initParams(16, corpus.vocab.size, 1), { clip: null }), sgd({ learningRate: 100 })),
    ).catch((e: unknown) => (error = e));
    expect(error).to.be.instanceOf(NonFiniteLossError);
  });

  it('refuses bad settings', () => {
    expect(() => guardNonFinite({ lrFactor: 2 })).to.throw(ConfigError, /lrFactor must be a number in \(0, 1\], got 2/);
    expect(() => guardNonFinite({ keepEvery: 0 })).to.throw(ConfigError, /keepEvery/);
    expect(() => guardNonFinite({ maxRetries: -1 })).to.throw(ConfigError, /maxRetries/);
  });
});
