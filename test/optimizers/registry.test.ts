import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { BehaviorSubject, lastValueFrom, map, Subject, tap, toArray } from 'rxjs';
import {
  ConfigError,
  copyOptimizerState,
  copyParams,
  createCorpus,
  createOptimizer,
  OPTIMIZER_NAMES,
  referenceKernel,
  resolveOptimizerSpec,
  trainingSteps,
  type OptimizerSpec,
  type OptimizerState,
  type ModelParams,
  type TrainConfig,
} from '../../src/index.js';

const corpus = createCorpus(readFileSync(new URL('../../../data/default-corpus.txt', import.meta.url), 'utf8'));
const base: TrainConfig = { hiddenSize: 12, seqLength: 10, sampleEvery: 0, kernel: referenceKernel };

interface Saved {
  readonly params: ModelParams;
  readonly hprev: Float64Array;
  readonly state: OptimizerState;
  readonly smoothLoss: number;
  readonly position: number;
}

/** Trains `total` iterations; returns every loss and the loop state after iteration `split − 1`. */
async function runWithSnapshot(spec: OptimizerSpec, total: number, split: number): Promise<{ losses: number[]; final: number[]; saved: Saved }> {
  let saved: Saved | undefined;
  let final: number[] = [];
  const all: number[] = [];
  await new Promise<void>((resolve, reject) =>
    trainingSteps(corpus, { ...base, iterations: total, optimizer: spec }).subscribe({
      next: (s) => {
        all.push(s.loss);
        if (s.iteration === split - 1) {
          // Exactly what a checkpoint saves: copies, taken during the emission.
          saved = {
            params: copyParams(s.params),
            hprev: s.h.slice(),
            state: copyOptimizerState(s.optimizer),
            smoothLoss: s.smoothLoss,
            position: s.position,
          };
        }
        if (s.iteration === total - 1) final = [...s.params.data];
      },
      error: reject,
      complete: resolve,
    }),
  );
  return { losses: all, final, saved: saved! };
}

describe('createOptimizer: every optimizer rebuilt from { spec, state } continues bit for bit', () => {
  const specs: OptimizerSpec[] = [
    ...OPTIMIZER_NAMES.map((name) => ({ name })),
    { name: 'adam', learningRate: 0.003, schedule: { kind: 'cosine', warmup: 5, total: 30, min: 0.1 } },
    { name: 'momentum', nesterov: true, momentum: 0.8, schedule: { kind: 'step', every: 7, factor: 0.5 } },
  ];
  for (const spec of specs) {
    it(`${JSON.stringify(spec)}`, async () => {
      const total = 24;
      const split = 11;
      const { losses, final, saved } = await runWithSnapshot(spec, total, split);
      // A JSON round trip of the spec, as a checkpoint file would do.
      const specFromFile = JSON.parse(JSON.stringify(resolveOptimizerSpec(spec))) as OptimizerSpec;
      expect(saved.state.updates).to.equal(split);
      const resumed: number[] = [];
      let resumedFinal: number[] = [];
      await new Promise<void>((resolve, reject) =>
        trainingSteps(corpus, {
          ...base,
          iterations: total,
          init: saved.params,
          optimizer: specFromFile,
          resume: {
            cursor: { iteration: split, position: saved.position + 10 },
            hprev: saved.hprev,
            smoothLoss: saved.smoothLoss,
            optimizer: saved.state,
          },
        }).subscribe({
          next: (s) => {
            resumed.push(s.loss);
            if (s.iteration === total - 1) resumedFinal = [...s.params.data];
          },
          error: reject,
          complete: resolve,
        }),
      );
      expect(resumed.length).to.equal(total - split);
      for (let i = 0; i < resumed.length; i++) {
        if (resumed[i] !== losses[split + i]) expect.fail(`loss at iteration ${split + i}: ${resumed[i]} !== ${losses[split + i]}`);
      }
      expect(resumedFinal).to.deep.equal(final);
    });
  }
});

describe('createOptimizer and resolveOptimizerSpec', () => {
  it('fills every default and names nesterov', () => {
    expect(resolveOptimizerSpec({ name: 'adamw' })).to.deep.equal({
      name: 'adamw',
      learningRate: 0.002,
      beta1: 0.9,
      beta2: 0.999,
      epsilon: 1e-8,
      weightDecay: 0.01,
    });
    expect(resolveOptimizerSpec({ name: 'momentum', nesterov: true, momentum: 0.5 })).to.deep.equal({
      name: 'nesterov',
      learningRate: 0.0005,
      momentum: 0.5,
    });
    expect(createOptimizer({ name: 'sgd', learningRate: 0.1 }).spec).to.deep.equal({ name: 'sgd', learningRate: 0.1 });
  });

  it('refuses unknown names, hyperparameters the optimizer lacks, and bad values', () => {
    expect(() => createOptimizer({ name: 'lbfgs' })).to.throw(ConfigError, 'optimizer must be one of sgd, momentum, nesterov, rmsprop, adam, adamw, adagrad, got "lbfgs"');
    expect(() => createOptimizer({ name: 'sgd', beta1: 0.9 })).to.throw(ConfigError, 'optimizer.beta1 must be absent for sgd (it takes learningRate), got 0.9');
    expect(() => createOptimizer({ name: 'adam', nesterov: true })).to.throw(ConfigError, /optimizer.nesterov/);
    expect(() => createOptimizer({ name: 'rmsprop', decay: 1 })).to.throw(ConfigError, 'decay must be a number in [0, 1), got 1');
    expect(() => createOptimizer({ name: 'adam', schedule: { kind: 'exp', gamma: 2 } })).to.throw(ConfigError, 'schedule.gamma must be a number in (0, 1], got 2');
  });

  it('refuses a saved state of another optimizer or of the wrong size', async () => {
    const state: OptimizerState = { name: 'adagrad', updates: 3, slots: { memory: new Float64Array(7) } };
    expect(() => createOptimizer({ name: 'adam' }, state)).to.throw(ConfigError, /state must be the state of a adam optimizer/);
    const steps$ = trainingSteps(corpus, { ...base, iterations: 2, optimizer: { name: 'adagrad' }, resume: { cursor: { iteration: 0, position: 0 }, hprev: new Float64Array(12), smoothLoss: 1, optimizer: state } });
    let error: unknown;
    await lastValueFrom(steps$).catch((e: unknown) => (error = e));
    expect((error as Error).message).to.equal('optimizer slot memory has 7 numbers, expected 1756');
  });
});

describe('createOptimizer with a live learning rate', () => {
  const losses = (config: TrainConfig): Promise<number[]> =>
    lastValueFrom(trainingSteps(corpus, { ...base, iterations: 8, ...config }).pipe(map((s) => s.loss), toArray()));

  it('trains exactly as the spec does until the Observable emits, then with its value from the next step', async () => {
    const spec: OptimizerSpec = { name: 'adam', learningRate: 0.002 };
    const lr$ = new Subject<number>();
    const live = createOptimizer(spec, undefined, { learningRate: lr$ });
    expect(live.spec).to.equal(undefined);
    const seen: number[] = [];
    await lastValueFrom(
      trainingSteps(corpus, { ...base, iterations: 8, optimizer: live }).pipe(
        tap((s) => {
          seen.push(s.loss);
          if (s.iteration === 3) lr$.next(0.02);
        }),
      ),
    );
    const fixed = await losses({ optimizer: spec });
    expect(seen.slice(0, 5)).to.deep.equal(fixed.slice(0, 5));
    // Steps 0..3 updated at 0.002, step 4 onward at 0.02: a run switching by schedule gives the same.
    const switched = await losses({ optimizer: createOptimizer(spec, undefined, { learningRate: (i: number) => (i <= 3 ? 0.002 : 0.02) }) });
    expect(seen).to.deep.equal(switched);
    expect(seen[7]).to.not.equal(fixed[7]);
  });

  it('reports a rate out of range on the error channel', async () => {
    const lr$ = new BehaviorSubject(-1);
    const error = await lastValueFrom(trainingSteps(corpus, { ...base, iterations: 3, optimizer: createOptimizer({ name: 'sgd' }, undefined, { learningRate: lr$ }) })).catch((e: unknown) => e);
    expect((error as Error).message).to.equal('learningRate$ must be a number ≥ 0, got -1');
  });
});
