import { expect } from 'chai';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { lastValueFrom, map, toArray } from 'rxjs';
import {
  createCorpus,
  heldOutLoss,
  parseCheckpoint,
  referenceKernel,
  resumeConfig,
  splitCorpus,
  train,
  trainingCheckpoint,
  type Evaluation,
  type OptimizedStep,
  type TrainingStep,
} from '../../src/index.js';
import { writeTrainingCheckpointFile } from '../../src/node.js';
import { defaultCorpusText, tempDir } from '../helpers.js';

const { train: text, validation } = splitCorpus(createCorpus(defaultCorpusText().slice(0, 6000)), 0.1, 10);
const small = { hiddenSize: 12, seqLength: 10, sampleEvery: 40, sampleLength: 10, logEvery: 10, kernel: referenceKernel };

describe('train(): stop(), done and the final model', function () {
  this.timeout(60_000);

  it('stop() from a subscriber ends the run after that step: every stream completes, done says why and where', async () => {
    const run = train(text, { ...small, validation: { corpus: validation!, every: 25 } });
    run.step$.subscribe((s) => {
      if (s.iteration === 52) run.stop();
    });
    const losses = lastValueFrom(run.loss$.pipe(toArray()));
    const samples = lastValueFrom(run.sample$.pipe(toArray()));
    const vals = lastValueFrom(run.validation$.pipe(toArray()));
    const lastLoss = lastValueFrom(run.loss$); // completes: it used to hang after an unsubscribe
    run.start();
    const result = await run.done;
    expect((await losses).map((l) => l.iteration)).to.deep.equal([0, 10, 20, 30, 40, 50]);
    expect((await lastLoss).iteration).to.equal(50);
    expect((await samples).map((s) => s.iteration)).to.deep.equal([0, 40]);
    // The regular evaluations, then the final weights (iteration 52), measured at the stop.
    const v = await vals;
    expect(v.map((e) => e.iteration)).to.deep.equal([0, 25, 50, 52]);
    expect(result).to.include({ reason: 'stopped', iterations: 53 });
    expect(result.validation).to.deep.equal(v[3]);
    expect(result.best!.loss).to.equal(Math.min(...v.map((e) => e.loss)));
    expect(result.smoothLoss).to.equal(run.lastStep()!.smoothLoss);
    expect(result.seconds).to.be.a('number').and.to.be.at.least(0);
    // The final evaluation is the held-out loss of the final model, computed independently.
    const model = run.model()!;
    const m = referenceKernel.createModel(12, text.vocab.size, 10);
    m.params.data.set(model.params.data);
    expect(result.validation!.loss).to.equal(heldOutLoss(m, validation!.ids, 10));
  });

  it('stop() between steps (from a timer) ends at once; unsubscribing the subscription start() returns does the same', async () => {
    const run = train(text, { ...small, yieldEveryMs: 1 }); // no iterations limit: runs until stopped
    const steps = lastValueFrom(run.step$.pipe(map((s) => s.iteration), toArray()));
    const subscription = run.start();
    await new Promise((resolve) => setTimeout(resolve, 30));
    subscription.unsubscribe();
    const result = await run.done;
    const seen = await steps;
    expect(result.reason).to.equal('stopped');
    expect(result.iterations).to.equal(seen.length);
    expect(seen[seen.length - 1]).to.equal(result.iterations - 1);
    run.stop(); // a second stop does nothing
    expect((await run.done).iterations).to.equal(result.iterations);
  });

  it('completes at `iterations` with the final weights measured, and reports errors through done without rejecting', async () => {
    const run = train(text, { ...small, iterations: 37, validation: { corpus: validation!, every: 20 } });
    run.start();
    const result = await run.done;
    expect(result).to.include({ reason: 'completed', iterations: 37 });
    expect(run.validationHistory.map((e: Evaluation) => e.iteration)).to.deep.equal([0, 20, 36]);
    expect(result.validation!.iteration).to.equal(36);

    const failing = train(text, {
      ...small,
      iterations: 30,
      optimizer: (s$) =>
        s$.pipe(
          map((s: TrainingStep): TrainingStep & OptimizedStep => {
            if (s.iteration === 5) throw new Error('optimizer broke');
            return { ...s, optimizer: { name: 'none', updates: 0, slots: {} } };
          }),
        ),
    });
    const errored = lastValueFrom(failing.loss$).then(
      () => 'completed',
      (e: Error) => e.message,
    );
    failing.start();
    const r = await failing.done;
    expect(r.reason).to.equal('error');
    expect(r.error!.message).to.equal('optimizer broke');
    expect(r.iterations).to.equal(5);
    expect(await errored).to.equal('optimizer broke');
  });

  it('hands over a resumable checkpoint: continuing it is bit-identical to a run that never stopped', async () => {
    const straight = train(text, { ...small, iterations: 80 });
    const all = lastValueFrom(straight.loss$.pipe(toArray()));
    straight.start();
    await straight.done;

    const first = train(text, { ...small, iterations: 80 });
    const before = lastValueFrom(first.loss$.pipe(toArray()));
    first.step$.subscribe((s) => {
      if (s.iteration === 44) first.stop();
    });
    first.start();
    await first.done;
    const dir = tempDir();
    const path = join(dir, 'run.json');
    writeTrainingCheckpointFile(path, trainingCheckpoint(first));
    expect(existsSync(path)).to.equal(true);
    const checkpoint = parseCheckpoint(readFileSync(path, 'utf8'));
    expect(checkpoint.training!.iteration).to.equal(45);

    const second = train(text, { ...resumeConfig(checkpoint), kernel: referenceKernel, iterations: 80 });
    const after = lastValueFrom(second.loss$.pipe(toArray()));
    second.start();
    expect((await second.done).iterations).to.equal(80);
    expect([...(await before), ...(await after)]).to.deep.equal(await all);
    expect(Array.from(second.model()!.params.data)).to.deep.equal(Array.from(straight.model()!.params.data));
  });
  it('a checkpoint taken after NaN-guard rollbacks records the lowered learning rate', async () => {
    // Plain SGD at a rate far too large and no clipping: the loss overflows within a few windows.
    const run = train(createCorpus(defaultCorpusText()), {
      hiddenSize: 16,
      seqLength: 8,
      sampleEvery: 0,
      iterations: 300,
      optimizer: { name: 'sgd', learningRate: 100 },
      clip: null,
      guard: {},
      kernel: referenceKernel,
    });
    let rollbacks = 0;
    run.step$.subscribe((s) => {
      if (s.nonFinite) rollbacks += 1;
    });
    run.start();
    expect((await run.done).reason).to.equal('completed');
    expect(rollbacks).to.be.within(1, 5);
    const h = trainingCheckpoint(run).training.hyperparameters;
    expect(h.learningRate).to.equal(100 * 0.5 ** rollbacks);
    expect(trainingCheckpoint(run).training.optimizer?.spec.learningRate).to.equal(100 * 0.5 ** rollbacks);
  });
});
