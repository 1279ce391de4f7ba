// The studio's training session (what the page's worker runs), driven in Node: exact pause and resume,
// live settings, checkpoints the CLI accepts and continues, and bad input as error events.
import { expect } from 'chai';
import { createHash } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Subject } from 'rxjs';
import { parseCheckpoint } from '../../src/index.js';
import type { StudioCommand, StudioEvent } from '../../src/web/protocol.js';
import { fingerprintText, studioSession } from '../../src/web/session.js';
import { SETTING_FIELDS, type StudioSettings } from '../../src/web/settings.js';
import { sha256Hex } from '../../src/web/sha256.js';
import { defaultCorpusText, DEFAULT_CORPUS, runCli, tempDir } from '../helpers.js';

const defaults = Object.fromEntries(SETTING_FIELDS.map((f) => [f.key, f.default])) as unknown as StudioSettings;
const settings = (s: Partial<StudioSettings>): StudioSettings => ({ ...defaults, hiddenSize: 24, sampleEvery: 50, ...s });
const text = defaultCorpusText();

/** A session with its events recorded; `until` waits for an event matching `test`. */
function session() {
  const command$ = new Subject<StudioCommand>();
  const events: StudioEvent[] = [];
  const waiters: Array<{ test: (e: StudioEvent) => boolean; resolve: (e: StudioEvent) => void }> = [];
  const subscription = command$.pipe(studioSession()).subscribe((e) => {
    events.push(e);
    for (const w of [...waiters]) {
      if (w.test(e)) {
        waiters.splice(waiters.indexOf(w), 1);
        w.resolve(e);
      }
    }
  });
  return {
    events,
    send: (c: StudioCommand) => command$.next(c),
    until: <T extends StudioEvent>(test: (e: StudioEvent) => e is T): Promise<T> =>
      new Promise<T>((resolve) => waiters.push({ test, resolve: resolve as (e: StudioEvent) => void })),
    /** Sends `c` and waits for the first event matching `test` that follows (even a synchronous one). */
    request<T extends StudioEvent>(c: StudioCommand, test: (e: StudioEvent) => e is T): Promise<T> {
      const p = new Promise<T>((resolve) => waiters.push({ test, resolve: resolve as (e: StudioEvent) => void }));
      command$.next(c);
      return p;
    },
    close: () => subscription.unsubscribe(),
  };
}

const isPhase = (phase: string) => (e: StudioEvent): e is Extract<StudioEvent, { type: 'phase' }> => e.type === 'phase' && e.phase === phase;
const isFile = (e: StudioEvent): e is Extract<StudioEvent, { type: 'file' }> => e.type === 'file';
const isError = (e: StudioEvent): e is Extract<StudioEvent, { type: 'error' }> => e.type === 'error';
const isProgress = (e: StudioEvent): e is Extract<StudioEvent, { type: 'progress' }> => e.type === 'progress';
const isSample = (e: StudioEvent): e is Extract<StudioEvent, { type: 'sample' }> => e.type === 'sample';
const decodeText = (b: ArrayBuffer): string => new TextDecoder().decode(b);

async function checkpointAfter(s: ReturnType<typeof session>, config: StudioSettings, pauseAt?: number): Promise<string> {
  // Waiters first: the pipeline's first stretch of steps runs inside the start command itself.
  const stopped = s.until(isPhase('stopped'));
  const paused =
    pauseAt === undefined
      ? undefined
      : s.until((e): e is StudioEvent => {
          // Paused from inside a step's emission (the sample event), the most delicate moment.
          if (isSample(e) && e.iteration === pauseAt) s.send({ type: 'pause' });
          return isPhase('paused')(e);
        });
  s.send({ type: 'start', text, settings: config, fromCheckpoint: false });
  if (paused) {
    await paused;
    await new Promise((r) => setTimeout(r, 20));
    s.send({ type: 'resume' });
  }
  await stopped;
  return decodeText((await s.request({ type: 'save-checkpoint' }, isFile)).bytes);
}

describe('studio session', function () {
  this.timeout(60_000);

  it('sha256Hex and fingerprintText agree with node:crypto and the CLI', () => {
    for (const t of ['', 'abc', 'x'.repeat(55), 'y'.repeat(56), 'z'.repeat(64), '한국어 🎉 text', text]) {
      expect(sha256Hex(new TextEncoder().encode(t))).to.equal(createHash('sha256').update(t, 'utf8').digest('hex'));
    }
    expect(fingerprintText('a🎉b')).to.deep.equal({ length: 3, sha256: createHash('sha256').update('a🎉b').digest('hex') });
  });

  it('pause and resume continue exactly: the checkpoint equals that of a run never paused', async () => {
    const config = settings({ iterations: 400 });
    const a = session();
    const b = session();
    const straight = await checkpointAfter(a, config);
    const paused = await checkpointAfter(b, config, 150);
    expect(b.events.filter(isPhase('paused'))).to.have.length(1);
    expect(paused).to.equal(straight);
    expect(parseCheckpoint(straight).training!.iteration).to.equal(400);
    a.close();
    b.close();
  });

  it('reports progress, samples at the live temperature, and the live learning rate is saved', async () => {
    const s = session();
    s.send({ type: 'start', text, settings: settings({}), fromCheckpoint: false });
    const first = await s.until(isSample);
    expect(first.temperature).to.equal(1);
    s.send({ type: 'set', temperature: 0.4, learningRate: 0.05 });
    const next = await s.until(isSample);
    expect(next.iteration).to.be.above(first.iteration);
    expect(next.temperature).to.equal(0.4);
    const p = await s.until(isProgress);
    expect(p.charsPerSecond).to.be.above(0);
    expect(p.smoothLoss).to.be.a('number');
    s.send({ type: 'stop' });
    const saved = parseCheckpoint(decodeText((await s.request({ type: 'save-checkpoint' }, isFile)).bytes));
    expect(saved.training!.optimizer!.spec.learningRate).to.equal(0.05);
    expect(saved.training!.hyperparameters.temperature).to.equal(0.4);
    s.close();
  });

  it('bad input becomes one error event and training in progress goes on', async () => {
    const s = session();
    s.send({ type: 'start', text: '', settings: settings({}), fromCheckpoint: false });
    expect(s.events.filter(isError).map((e) => e.message)).to.deep.equal([
      'the training text is empty: paste some text, open a file or choose a corpus',
    ]);
    s.send({ type: 'start', text: 'short', settings: settings({ seqLength: 25 }), fromCheckpoint: false });
    expect(s.events.filter(isError)[1]!.message).to.equal('the training text has 5 characters; sequence length 25 needs at least 26');
    s.send({ type: 'start', text, settings: settings({}), fromCheckpoint: false });
    await s.until(isProgress);
    s.send({ type: 'load-checkpoint', name: 'broken.json', bytes: new TextEncoder().encode('{"format": "min-char-rnn", "vers').buffer });
    s.send({ type: 'start', text, settings: settings({}), fromCheckpoint: false });
    const errors = s.events.filter(isError).map((e) => e.message);
    expect(errors[2]).to.match(/^cannot read checkpoint broken\.json: not valid JSON/);
    expect(errors[3]).to.equal('a run is in progress: stop it before starting a new one');
    const before = (await s.until(isProgress)).iteration;
    const after = (await s.until((e): e is Extract<StudioEvent, { type: 'progress' }> => isProgress(e) && e.iteration > before)).iteration;
    expect(after).to.be.above(before);
    expect(s.events.filter(isPhase('stopped'))).to.have.length(0);
    s.close();
  });

  it('a CLI checkpoint continues from its iteration, bit for bit as the CLI would; its own checkpoints resume in the CLI', async () => {
    const dir = tempDir();
    const cli = (args: string[]) => {
      const r = runCli(args, { cwd: dir });
      expect(r.status, r.stderr).to.equal(0);
      return r;
    };
    cli(['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '24', '--iterations', '200', '--checkpoint', 'a.json', '--sample-every', '0']);
    cli(['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '24', '--iterations', '300', '--checkpoint', 'straight.json', '--sample-every', '0']);
    const s = session();
    s.send({ type: 'load-checkpoint', name: 'a.json', bytes: readFileSync(join(dir, 'a.json')).buffer as ArrayBuffer });
    const loaded = s.events.find((e): e is Extract<StudioEvent, { type: 'checkpoint-loaded' }> => e.type === 'checkpoint-loaded')!;
    expect(loaded.summary.training!.iteration).to.equal(200);
    const stopped = s.until(isPhase('stopped'));
    s.send({ type: 'start', text, settings: settings({ ...loaded.summary.training!.settings, iterations: 300 }), fromCheckpoint: true });
    const run = s.events.find((e): e is Extract<StudioEvent, { type: 'run' }> => e.type === 'run')!;
    expect(run.startIteration).to.equal(200);
    expect(run.note).to.equal('continuing a.json at iteration 200');
    await stopped;
    const page = decodeText((await s.request({ type: 'save-checkpoint' }, isFile)).bytes);
    const ours = parseCheckpoint(page);
    const theirs = parseCheckpoint(readFileSync(join(dir, 'straight.json'), 'utf8'));
    expect(ours.training!.iteration).to.equal(300);
    expect([...ours.params.data]).to.deep.equal([...theirs.params.data]);
    expect([...ours.training!.hprev]).to.deep.equal([...theirs.training!.hprev]);
    expect(ours.training!.smoothLoss).to.equal(theirs.training!.smoothLoss);

    // And back: the CLI samples from the page's checkpoint and resumes it on the same text.
    writeFileSync(join(dir, 'page.json'), page);
    expect(cli(['sample', '--checkpoint', 'page.json', '--length', '50']).stdout.length).to.be.above(50);
    const resumed = cli(['train', '--resume', 'page.json', '--corpus', DEFAULT_CORPUS, '--iterations', '400', '--checkpoint', 'b.json']);
    expect(resumed.stderr).to.match(/resuming page\.json at iteration 300/);
    expect(parseCheckpoint(readFileSync(join(dir, 'b.json'), 'utf8')).training!.iteration).to.equal(400);
    s.close();
  });
});

describe('studio session with weights only', function () {
  this.timeout(60_000);

  it('a safetensors export starts a new run from its weights and generates text; without a model, one error', async () => {
    const s = session();
    const none = await s.request({ type: 'generate', prime: 'The ', length: 10, temperature: 1, seed: '1' }, isError);
    expect(none.message).to.equal('there is no model yet: start training or load a checkpoint');
    await s.request({ type: 'start', text, settings: settings({ iterations: 50 }), fromCheckpoint: false }, isPhase('stopped'));
    const st = await s.request({ type: 'save-safetensors' }, isFile);
    expect(st.name).to.equal('min-char-rnn-iter-50.safetensors');
    const loaded = await s.request(
      { type: 'load-checkpoint', name: st.name, bytes: st.bytes },
      (e): e is Extract<StudioEvent, { type: 'checkpoint-loaded' }> => e.type === 'checkpoint-loaded',
    );
    expect(loaded.summary).to.deep.equal({
      format: 'safetensors',
      hiddenSize: 24,
      vocabSize: 64,
      model: { modelType: 'rnn', hiddenSize: 24, layers: 1, dropout: 0 },
    });
    const generated: string[] = [];
    await s.request({ type: 'generate', prime: 'The ', length: 300, temperature: 0.7, seed: '3' }, (e): e is StudioEvent => {
      if (e.type === 'generated') generated.push(e.text);
      return e.type === 'generated' && e.done;
    });
    expect([...generated.join('')]).to.have.length(300);
    const bad = await s.request({ type: 'generate', prime: 'ü', length: 10, temperature: 1, seed: '1' }, isError);
    expect(bad.message).to.match(/prime character .* is not in the vocabulary/);
    const run = await s.request(
      { type: 'start', text, settings: settings({ iterations: 20 }), fromCheckpoint: true },
      (e): e is Extract<StudioEvent, { type: 'run' }> => e.type === 'run',
    );
    expect(run.note).to.equal(`new run from the weights of ${st.name}`);
    expect(run.startIteration).to.equal(0);
    s.close();
  });
});

describe('studio session with the gated families', function () {
  this.timeout(120_000);

  it('trains a 2-layer LSTM with dropout on 4 streams; its checkpoint (format 2) samples and resumes in the CLI, and continues in the session', async () => {
    const config = settings({ modelType: 'lstm', hiddenSize: 16, layers: 2, dropout: 0.1, batchSize: 4, seqLength: 16, optimizer: 'adam', learningRate: 0.002, iterations: 40 });
    const s = session();
    const page = await checkpointAfter(s, config, 0);
    const ck = parseCheckpoint(page);
    expect(ck.params.spec).to.deep.equal({ type: 'lstm', hiddenSize: 16, layers: 2, dropout: 0.1 });
    expect(ck.training!.batchSize).to.equal(4);
    expect(ck.training!.iteration).to.equal(40);
    expect(ck.training!.hyperparameters).to.include({ model: 'lstm', layers: 2, dropout: 0.1, batchSize: 4, clip: 0, clipNorm: 5 });
    expect(ck.training!.dropoutRandomState).to.have.property('S');
    // Paused at iteration 0 and resumed: the same as a run never paused.
    expect(page).to.equal(await checkpointAfter(session(), config));

    const dir = tempDir();
    writeFileSync(join(dir, 'lstm.json'), page);
    const sample = runCli(['sample', '--checkpoint', 'lstm.json', '--length', '30'], { cwd: dir });
    expect(sample.status, sample.stderr).to.equal(0);
    const resumed = runCli(['train', '--resume', 'lstm.json', '--corpus', DEFAULT_CORPUS, '--iterations', '50', '--checkpoint', 'b.json'], { cwd: dir });
    expect(resumed.status, resumed.stderr).to.equal(0);
    expect(resumed.stderr).to.match(/resuming lstm\.json at iteration 40/);
    const theirs = parseCheckpoint(readFileSync(join(dir, 'b.json'), 'utf8'));

    // The session continues the same checkpoint to 50: the same weights as the CLI's.
    const t = session();
    const loaded = await t.request(
      { type: 'load-checkpoint', name: 'lstm.json', bytes: new TextEncoder().encode(page).buffer as ArrayBuffer },
      (e): e is Extract<StudioEvent, { type: 'checkpoint-loaded' }> => e.type === 'checkpoint-loaded',
    );
    expect(loaded.summary.training!.settings).to.include({ modelType: 'lstm', layers: 2, dropout: 0.1, batchSize: 4, hiddenSize: 16 });
    await t.request({ type: 'start', text, settings: settings({ ...loaded.summary.training!.settings, iterations: 50 }), fromCheckpoint: true }, isPhase('stopped'));
    const ours = parseCheckpoint(decodeText((await t.request({ type: 'save-checkpoint' }, isFile)).bytes));
    expect([...ours.params.data]).to.deep.equal([...theirs.params.data]);
    s.close();
    t.close();
  });

  it('refuses a batch whose streams are shorter than a window, in one message', async () => {
    const s = session();
    const e = await s.request({ type: 'start', text: text.slice(0, 2000), settings: settings({ batchSize: 100, seqLength: 25 }), fromCheckpoint: false }, isError);
    expect(e.message).to.equal('batch size 100 cuts the 2000 training characters into streams of 20, shorter than sequence length 25 + 1; use a smaller batch size or sequence length');
    s.close();
  });
});
