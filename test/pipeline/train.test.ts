import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, map, Subject, takeWhile, tap, toArray } from 'rxjs';
import { createCorpus, referenceKernel, train, trainingSteps, type Kernel } from '../../src/index.js';
import { defaultCorpusText, ROOT, tempDir } from '../helpers.js';

const corpus = createCorpus(defaultCorpusText().slice(0, 4000));

/** A reference kernel that counts its lossFun calls: how much training really happened. */
function countingKernel(): { kernel: Kernel; calls: () => number } {
  let calls = 0;
  const kernel: Kernel = {
    name: 'counting',
    createModel(H, V, T) {
      const m = referenceKernel.createModel(H, V, T);
      return {
        ...m,
        lossFun: (i, t) => {
          calls++;
          return m.lossFun(i, t);
        },
      };
    },
  };
  return { kernel, calls: () => calls };
}

describe('train (multicast handle)', () => {
  it('lets loss$ and sample$ subscribers share one training', async () => {
    const { kernel, calls } = countingKernel();
    const run = train(corpus, { hiddenSize: 16, iterations: 250, logEvery: 50, sampleEvery: 100, sampleLength: 20, kernel });
    const losses = lastValueFrom(run.loss$.pipe(toArray()));
    const samples = lastValueFrom(run.sample$.pipe(toArray()));
    run.start();
    expect((await losses).map((l) => l.iteration)).to.deep.equal([0, 50, 100, 150, 200]);
    expect((await samples).map((s) => s.iteration)).to.deep.equal([0, 100, 200]);
    expect(calls()).to.equal(250); // one training, not two
  });

  it('reports the same numbers as the plain pipeline', async () => {
    const config = { hiddenSize: 16, iterations: 120, logEvery: 40, sampleEvery: 60, sampleLength: 15 };
    const run = train(corpus, config);
    const losses = lastValueFrom(run.loss$.pipe(toArray()));
    const samples = lastValueFrom(run.sample$.pipe(toArray()));
    run.start();
    const steps = await lastValueFrom(trainingSteps(corpus, config).pipe(toArray()));
    expect(await losses).to.deep.equal(
      steps.filter((s) => s.iteration % 40 === 0).map(({ iteration, loss, smoothLoss }) => ({ iteration, loss, smoothLoss })),
    );
    expect(await samples).to.deep.equal(steps.filter((s) => s.sample).map((s) => s.sample));
  });

  it('start() is idempotent', () => {
    const run = train(corpus, { hiddenSize: 8, iterations: 5 });
    const a = run.start();
    expect(run.start()).to.equal(a);
  });

  it('stops training within one window of unsubscribing, and timers keep running meanwhile', async () => {
    const { kernel, calls } = countingKernel();
    const run = train(corpus, { hiddenSize: 32, kernel }); // endless
    const sub = run.start();
    // Timers keep firing while it trains: five ticks arrive, with windows computed in between (on a
    // starved event loop they never would, and the test times out). No wall-clock bound: CI is slow.
    const trainedBetweenTicks: number[] = [];
    await new Promise<void>((resolve) => {
      let last = calls();
      const timer = setInterval(() => {
        trainedBetweenTicks.push(calls() - last);
        last = calls();
        if (trainedBetweenTicks.length === 5) {
          clearInterval(timer);
          resolve();
        }
      }, 5);
    });
    sub.unsubscribe();
    const atStop = calls();
    expect(atStop).to.be.greaterThan(0);
    expect(trainedBetweenTicks.slice(1).some((n) => n > 0), String(trainedBetweenTicks)).to.equal(true);
    await new Promise((r) => setTimeout(r, 50));
    expect(calls()).to.equal(atStop);
  });

  it('delivers a failure to every stream on the error channel', async () => {
    const failing: Kernel = {
      name: 'failing',
      createModel(H, V, T) {
        const m = referenceKernel.createModel(H, V, T);
        let n = 0;
        return { ...m, lossFun: (i, t) => (n++ === 7 ? Number.POSITIVE_INFINITY : m.lossFun(i, t)) };
      },
    };
    const run = train(corpus, { hiddenSize: 8, logEvery: 1, kernel: failing });
    const errors: string[] = [];
    // Wait for both failures however long the eight windows take (a fixed sleep raced a slow machine).
    const both = new Promise<void>((resolve) => {
      const add = (e: Error, stream: string): void => {
        errors.push(`${stream}: ${e.message}`);
        if (errors.length === 2) resolve();
      };
      run.loss$.subscribe({ error: (e: Error) => add(e, 'loss$') });
      run.sample$.subscribe({ error: (e: Error) => add(e, 'sample$') });
    });
    run.start();
    await both;
    expect(errors).to.deep.equal([
      'loss$: loss is Infinity at iteration 7 (training diverged; try a smaller learning rate)',
      'sample$: loss is Infinity at iteration 7 (training diverged; try a smaller learning rate)',
    ]);
  });

  it('composes with ordinary operators: takeWhile stops training', async () => {
    const { kernel, calls } = countingKernel();
    const steps = await lastValueFrom(
      trainingSteps(corpus, { hiddenSize: 8, kernel }).pipe(
        takeWhile((s) => s.iteration < 30),
        toArray(),
      ),
    );
    expect(steps).to.have.length(30);
    expect(calls()).to.equal(31); // the 31st step is computed, seen by takeWhile, and ends the run
  });

  it('lets the process exit by itself when training completes (no stray timers)', function () {
    this.timeout(150_000);
    const dir = tempDir();
    const script = join(dir, 'run.mjs');
    writeFileSync(
      script,
      `import { createCorpus, train } from ${JSON.stringify(join(ROOT, 'dist/src/index.js'))};\n` +
        `const run = train(createCorpus('hello world, hello rnn. '.repeat(20)), { hiddenSize: 8, iterations: 300 });\n` +
        `run.loss$.subscribe({ complete: () => console.log('complete') });\n` +
        `run.start();\n`,
    );
    const r = spawnSync(process.execPath, [script], { encoding: 'utf8', timeout: 120_000 });
    expect(r.error).to.equal(undefined); // not killed by the timeout (a hang; generous for a loaded machine)
    expect(r.status).to.equal(0);
    expect(r.stdout.trim()).to.equal('complete');
  });
});

describe('trainingSteps with a live temperature', () => {
  it('samples at temperature until temperature$ emits, then at its value; the training is unchanged', async () => {
    const temperature$ = new Subject<number>();
    const config = { hiddenSize: 16, seqLength: 10, iterations: 60, sampleEvery: 10, sampleLength: 20, temperature: 0.9 };
    const live = await lastValueFrom(
      trainingSteps(corpus, { ...config, temperature$ }).pipe(
        tap((s) => s.iteration === 25 && temperature$.next(0.5)),
        map((s) => ({ loss: s.loss, temperature: s.sample?.temperature })),
        toArray(),
      ),
    );
    expect(live.filter((s) => s.temperature !== undefined).map((s) => s.temperature)).to.deep.equal([0.9, 0.9, 0.9, 0.5, 0.5, 0.5]);
    const fixed = await lastValueFrom(trainingSteps(corpus, config).pipe(map((s) => s.loss), toArray()));
    expect(live.map((s) => s.loss)).to.deep.equal(fixed);
  });
});
