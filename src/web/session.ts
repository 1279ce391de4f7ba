// The studio's training session, as it runs in the Web Worker: commands in, events out. It drives the
// library's default pipeline (trainingSteps) with live learning rate and temperature, pauses by
// capturing the exact training state and continues from it the way `train --resume` does, and reads
// and writes the CLI's checkpoint files. Pure: no DOM, no worker API (worker.ts connects it).
import { asapScheduler, BehaviorSubject, Observable, subscribeOn, type OperatorFunction, type Subscription } from 'rxjs';
import { decodeCheckpoint, type LoadedCheckpoint } from '../checkpoint/decode.js';
import { serializeCheckpoint, serializeTrainingCheckpoint } from '../checkpoint/format.js';
import { encodeModelSafetensors } from '../checkpoint/safetensors.js';
import {
  recordLoss,
  resumeStateOf,
  snapshotTraining,
  type CorpusFingerprint,
  type TrainingCheckpoint,
  type TrainingHyperparameters,
  type TrainingState,
} from '../checkpoint/training.js';
import { createCorpus, type Corpus } from '../corpus/corpus.js';
import { defaultValidationFraction, splitCorpus } from '../corpus/split.js';
import type { Vocabulary } from '../corpus/vocabulary.js';
import { generate } from '../model/generate.js';
import type { Kernel } from '../model/kernel.js';
import { isClassicSpec, resolveModelSpec, type ResolvedModelSpec } from '../model/spec.js';
import type { ModelParams } from '../model/tensors.js';
import type { Evaluation } from '../operators/evaluateEvery.js';
import { createOptimizer, resolveOptimizerSpec, type OptimizerSpec } from '../optimizers/registry.js';
import { trainingSteps, type ResumeState, type TrainConfig, type TrainedStep } from '../pipeline/train.js';
import { now } from '../util/macrotask.js';
import type { CheckpointSummary, Phase, StudioCommand, StudioEvent } from './protocol.js';
import type { StudioSettings } from './settings.js';
import { sha256Hex } from './sha256.js';

/** The loss history a checkpoint keeps is logged every 100 iterations, as the CLI's is. */
const LOG_EVERY = 100;
/** The chart gets a point every 10 iterations. */
const CHART_EVERY = 10;
/** Progress reports at most this often (ms): enough for a live view, little work for the page. */
const REPORT_EVERY_MS = 100;
/** A copy of the state is kept this often, so a run that fails (a diverging loss) loses little. */
const SAFE_EVERY = 1000;
/** The CLI's default checkpoint cadence, recorded so `train --resume` keeps it. */
const CHECKPOINT_EVERY = 1000;
/** Generated text reaches the page in pieces at most this often (ms). */
const GENERATE_FLUSH_MS = 50;

/** Length in code points and SHA-256 of the UTF-8 bytes, as the CLI fingerprints a corpus file. */
export function fingerprintText(text: string): CorpusFingerprint {
  const bytes = new TextEncoder().encode(text);
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) length++; // a low surrogate completes a code point already counted
  }
  return { length, sha256: sha256Hex(bytes) };
}

/** A run's fixed setup and its history so far. */
interface Run {
  readonly vocab: Vocabulary;
  readonly train: Corpus;
  readonly validation: Corpus | undefined;
  readonly valFraction: number;
  readonly fingerprint: CorpusFingerprint;
  readonly model: ResolvedModelSpec;
  /** B, streams of the text trained side by side. */
  readonly batchSize: number;
  readonly seqLength: number;
  readonly seed: string | number;
  readonly clip: number | null;
  readonly clipNorm: number | null;
  readonly optimizer: OptimizerSpec;
  readonly sampleEvery: number;
  readonly sampleLength: number;
  readonly evalEvery: number;
  readonly iterations: number | null;
  readonly extraHyperparameters: Readonly<Record<string, string | number | boolean | null>>;
  readonly learningRate$: BehaviorSubject<number>;
  readonly temperature$: BehaviorSubject<number>;
  readonly lossHistory: Array<readonly [number, number]>;
  readonly valHistory: Evaluation[];
  best: Evaluation | undefined;
  /** Where the current segment started: weights and loop state, or nothing for fresh weights. */
  base: { readonly params?: ModelParams; readonly resume?: ResumeState; readonly checkpoint?: TrainingCheckpoint };
  /** The latest step (its buffers hold the state after it until the next step runs). */
  last: TrainedStep | undefined;
  /** The state when not running (paused, stopped, failed). */
  frozen: TrainingCheckpoint | undefined;
  /** A recent copy of the state, for when a step fails. */
  safe: TrainingCheckpoint | undefined;
  subscription: Subscription | undefined;
  startIteration: number;
  /** Chart points not reported yet. */
  points: Array<readonly [number, number]>;
  /** [ms, iterations completed] over the last second or so, for chars/s. */
  rate: Array<readonly [number, number]>;
  elapsedMs: number;
  segmentStart: number;
  lastReport: number;
  lastLoss: number;
  lastSmoothLoss: number;
}

/** How a session computes. */
export interface StudioSessionOptions {
  /**
   * The kernel for a run, asked each time training starts or resumes (the page's worker gives one
   * with its pool of threads); `undefined` trains on the default kernel.
   */
  readonly kernel?: () => Kernel | undefined;
}

/**
 * The training session of the studio as an operator from commands to events.
 *
 * It's like `scan`, but the accumulated state is a training run driven by the commands: `start`,
 * `pause`, `resume`, `stop`, live `set` of the learning rate and temperature, loading a checkpoint,
 * saving one (the CLI's JSON format) or a safetensors export, and generating text. Each subscription is
 * its own session; unsubscribing stops its training and generation. Problems (bad text, a broken
 * checkpoint, a diverging loss) become `error` events, never errors of the stream, so a session
 * outlives them and training in progress is not lost.
 *
 * ```ts
 * import { Subject } from 'rxjs';
 * import { studioSession } from './session.js';
 *
 * const command$ = new Subject<StudioCommand>();
 * command$.pipe(studioSession()).subscribe((event) => postMessage(event));
 * command$.next({ type: 'start', text: 'hello world. '.repeat(100), settings, fromCheckpoint: false });
 * ```
 *
 * @param options How to compute: `kernel`, asked at every start and resume (default: the default kernel).
 * @returns An operator turning commands into the events the page shows.
 */
export function studioSession(options: StudioSessionOptions = {}): OperatorFunction<StudioCommand, StudioEvent> {
  return (command$) =>
    new Observable<StudioEvent>((subscriber) => {
      const session = new Session((e) => subscriber.next(e), options.kernel ?? (() => undefined));
      const subscription = command$.subscribe({
        next: (c) => session.handle(c),
        error: (e: unknown) => subscriber.error(e),
        complete: () => subscriber.complete(),
      });
      return () => {
        subscription.unsubscribe();
        session.dispose();
      };
    });
}

class Session {
  private phase: Phase = 'idle';
  private run: Run | undefined;
  private loaded: { readonly name: string; readonly checkpoint: LoadedCheckpoint } | undefined;
  /** Which model `generate` and the downloads use: the one loaded or trained most recently. */
  private source: 'run' | 'loaded' | undefined;
  private generation: Subscription | undefined;

  constructor(
    private readonly emit: (e: StudioEvent) => void,
    private readonly kernel: () => Kernel | undefined,
  ) {}

  handle(c: StudioCommand): void {
    try {
      switch (c.type) {
        case 'start':
          return this.start(c.text, c.settings, c.fromCheckpoint);
        case 'pause':
          return this.halt('paused');
        case 'resume':
          return this.resume();
        case 'stop':
          return this.halt('stopped');
        case 'set':
          return this.set(c.learningRate, c.temperature);
        case 'load-checkpoint':
          return this.load(c.name, new Uint8Array(c.bytes));
        case 'save-checkpoint':
          return this.saveCheckpoint();
        case 'save-safetensors':
          return this.saveSafetensors();
        case 'generate':
          return this.generate(c.prime, c.length, c.temperature, c.seed);
        case 'stop-generating':
          this.generation?.unsubscribe();
          this.generation = undefined;
          return;
      }
    } catch (e) {
      this.emit({ type: 'error', message: messageOf(e) });
    }
  }

  dispose(): void {
    this.run?.subscription?.unsubscribe();
    this.generation?.unsubscribe();
  }

  private setPhase(phase: Phase, reason?: string): void {
    this.phase = phase;
    this.emit({ type: 'phase', phase, ...(reason !== undefined ? { reason } : {}) });
  }

  // ---- starting a run -------------------------------------------------------------------------

  private start(text: string, settings: StudioSettings, fromCheckpoint: boolean): void {
    if (this.phase === 'running' || this.phase === 'paused') {
      throw new Error('a run is in progress: stop it before starting a new one');
    }
    if (text.length === 0) throw new Error('the training text is empty: paste some text, open a file or choose a corpus');
    if (fromCheckpoint && !this.loaded) throw new Error('no checkpoint is loaded to continue from');
    const setup = fromCheckpoint ? this.fromCheckpoint(text, settings) : this.fresh(text, settings);
    this.run = setup.run;
    this.source = 'run';
    this.emit({
      type: 'run',
      seqLength: setup.run.seqLength,
      startIteration: setup.run.startIteration,
      lossHistory: setup.run.lossHistory.map(([i, l]) => [i, l] as const),
      validation: setup.run.valHistory.map((e) => ({ ...e })),
      heldOut: setup.run.validation?.ids.length ?? 0,
      note: setup.note,
    });
    this.launch(setup.run);
  }

  private fresh(text: string, s: StudioSettings): { run: Run; note: string } {
    const corpus = createCorpus(text);
    const run = runFromSettings(corpus, fingerprintText(text), s);
    const held = run.validation ? `, ${run.validation.ids.length} held out for validation` : '';
    return { run, note: `new run: ${corpus.ids.length} characters, ${corpus.vocab.size} distinct${held}` };
  }

  private fromCheckpoint(text: string, s: StudioSettings): { run: Run; note: string } {
    const { name, checkpoint } = this.loaded!;
    let corpus: Corpus;
    try {
      corpus = createCorpus(text, checkpoint.vocab);
    } catch (e) {
      throw new Error(`the training text does not fit checkpoint ${name}: ${messageOf(e)}`);
    }
    const N = corpus.ids.length;
    const fingerprint = fingerprintText(text);
    const t = checkpoint.training;
    if (!t) {
      // Weights only (as `train --init`): a new run from them, with the page's other settings.
      return { run: runFromSettings(corpus, fingerprint, s, checkpoint.params), note: `new run from the weights of ${name}` };
    }
    const h = t.hyperparameters;
    const batchSize = t.batchSize ?? 1;
    requireLength(N, h.seqLength);
    // The same text continues exactly; other text (in the vocabulary) fine-tunes, as `train --resume
    // --corpus` does: from its start, with a fresh hidden state.
    const same = !t.corpus || (t.corpus.length === fingerprint.length && t.corpus.sha256 === fingerprint.sha256);
    const valFraction = same ? (typeof h.valFraction === 'number' ? h.valFraction : 0) : defaultValidationFraction(N, h.seqLength);
    const { train, validation } = splitCorpus(corpus, valFraction, h.seqLength);
    requireStreams(train.ids.length, batchSize, h.seqLength);
    if (same && t.validation && train.ids.length !== t.validation.trainLength) {
      throw new Error(
        `checkpoint ${name} trained on the first ${t.validation.trainLength} characters, but this text gives ${train.ids.length}`,
      );
    }
    let resume = resumeStateOf(t);
    if (!same) resume = { ...resume, cursor: { iteration: t.iteration, position: 0 }, hprev: new Float64Array(t.hprev.length) };
    const savedSpec: OptimizerSpec = t.optimizer?.spec ?? { name: 'adagrad', learningRate: h.learningRate };
    const { hiddenSize: _h, seqLength: _t, learningRate: _l, seed: _s, iterations: _i, sampleEvery: _se, sampleLength: _sl, temperature: _te, logEvery: _le, ...extra } = h;
    const run = newRun({
      vocab: checkpoint.vocab,
      train,
      validation,
      valFraction,
      fingerprint,
      model: checkpoint.params.spec,
      batchSize,
      seqLength: h.seqLength,
      seed: h.seed,
      clip: typeof h.clip === 'number' ? h.clip || null : 5,
      clipNorm: typeof h.clipNorm === 'number' ? h.clipNorm || null : null,
      optimizer: resolveOptimizerSpec({ ...savedSpec, learningRate: s.learningRate }),
      settings: s,
      extraHyperparameters: extra,
      base: { params: checkpoint.params, resume, checkpoint },
      startIteration: t.iteration,
      lossHistory: t.lossHistory.map(([i, l]) => [i, l] as const),
      valHistory: same ? (t.validation?.history ?? []).map((e) => ({ ...e })) : [],
      best: same ? t.validation?.best : undefined,
    });
    const note = same
      ? `continuing ${name} at iteration ${t.iteration}`
      : `fine-tuning ${name} from iteration ${t.iteration} on new text: data position restarts at 0, hidden state at zeros`;
    return { run, note };
  }

  /** Subscribes the pipeline for `run` from its `base`. */
  private launch(run: Run): void {
    const { params, resume } = run.base;
    const kernel = this.kernel();
    const config: TrainConfig = {
      ...(kernel ? { kernel } : {}),
      model: run.model,
      batchSize: run.batchSize,
      seqLength: run.seqLength,
      seed: run.seed,
      sampleEvery: run.sampleEvery,
      sampleLength: run.sampleLength,
      temperature: run.temperature$.value,
      temperature$: run.temperature$,
      logEvery: LOG_EVERY,
      clip: run.clip,
      clipNorm: run.clipNorm,
      ...(run.iterations !== null ? { iterations: run.iterations } : {}),
      ...(params ? { init: params } : {}),
      ...(resume ? { resume } : {}),
      optimizer: createOptimizer(run.optimizer, resume?.optimizer, { learningRate: run.learningRate$ }),
      ...(run.validation && run.evalEvery > 0 ? { validation: { corpus: run.validation, every: run.evalEvery } } : {}),
    };
    // Subscribed on the next microtask, so that `run.subscription` exists before the first step:
    // a command handled during a step's emission (pause, stop) can then end the run at once.
    const steps$ = trainingSteps(run.train, config).pipe(subscribeOn(asapScheduler));
    run.last = undefined;
    run.frozen = undefined;
    run.segmentStart = now();
    run.rate = [[run.segmentStart, resume ? resume.cursor.iteration : 0]];
    this.setPhase('running');
    run.subscription = steps$.subscribe({
      next: (s) => this.onStep(run, s),
      error: (e: unknown) => this.onFailure(run, e),
      complete: () => {
        run.frozen = this.capture(run);
        this.endSegment(run);
        this.setPhase('stopped', `finished after ${run.iterations} iterations`);
      },
    });
  }

  private onStep(run: Run, s: TrainedStep): void {
    run.last = s;
    run.lastLoss = s.loss;
    run.lastSmoothLoss = s.smoothLoss;
    if (s.iteration % LOG_EVERY === 0) recordLoss(run.lossHistory, s.iteration, s.smoothLoss);
    if (s.iteration % CHART_EVERY === 0) run.points.push([s.iteration, s.smoothLoss]);
    if (s.sample) this.emit({ type: 'sample', iteration: s.sample.iteration, text: s.sample.text, temperature: s.sample.temperature });
    if (s.validation) {
      const evaluation = { ...s.validation };
      run.valHistory.push(evaluation);
      if (!run.best || evaluation.loss < run.best.loss) run.best = evaluation;
      this.emit({ type: 'validation', evaluation });
    }
    if ((s.iteration + 1) % SAFE_EVERY === 0) run.safe = this.capture(run);
    const t = now();
    if (t - run.lastReport >= REPORT_EVERY_MS) this.report(run, t);
  }

  private onFailure(run: Run, e: unknown): void {
    const at = run.last ? run.last.iteration : run.startIteration;
    run.last = undefined;
    run.frozen = run.safe ?? run.base.checkpoint;
    this.endSegment(run);
    const kept = run.frozen?.training ? `the state after iteration ${run.frozen.training.iteration} is kept` : 'nothing was kept';
    this.emit({ type: 'error', message: `training stopped at iteration ${at}: ${messageOf(e)} (${kept})` });
    this.setPhase('stopped', 'failed');
  }

  private report(run: Run, t: number): void {
    const completed = run.last ? run.last.iteration + 1 : run.startIteration;
    run.rate.push([t, completed]);
    while (run.rate.length > 2 && t - run.rate[1][0] >= 1000) run.rate.shift();
    const [t0, i0] = run.rate[0];
    const charsPerSecond = t > t0 ? ((completed - i0) * run.seqLength * 1000) / (t - t0) : 0;
    const running = this.phase === 'running' ? t - run.segmentStart : 0;
    this.emit({
      type: 'progress',
      iteration: completed,
      loss: run.lastLoss,
      smoothLoss: run.lastSmoothLoss,
      charsPerSecond,
      elapsedMs: run.elapsedMs + running,
      points: run.points,
    });
    run.points = [];
    run.lastReport = t;
  }

  /** Ends the running segment: the last numbers are reported and the pipeline unsubscribed. */
  private endSegment(run: Run): void {
    this.report(run, now());
    run.elapsedMs += now() - run.segmentStart;
    run.subscription?.unsubscribe();
    run.subscription = undefined;
    if (run.frozen) {
      // From here on the run continues from (and saves) the frozen state.
      run.base = {
        params: run.frozen.params,
        ...(run.frozen.training ? { resume: resumeStateOf(run.frozen.training) } : {}),
        checkpoint: run.frozen,
      };
      run.startIteration = run.frozen.training?.iteration ?? run.startIteration;
    }
    run.last = undefined;
  }

  // ---- pause, resume, stop, live settings ---------------------------------------------------

  private halt(phase: 'paused' | 'stopped'): void {
    const run = this.run;
    if (!run || this.phase === 'idle') throw new Error(`nothing to ${phase === 'paused' ? 'pause' : 'stop'}: no training has started`);
    if (this.phase === 'stopped') throw new Error('training has already stopped');
    if (phase === 'paused' && this.phase === 'paused') return;
    if (this.phase === 'running') {
      // Taken before unsubscribing, while the last step's buffers still hold the state after it.
      run.frozen = this.capture(run);
      this.endSegment(run);
    }
    this.setPhase(phase);
  }

  private resume(): void {
    const run = this.run;
    if (!run || this.phase !== 'paused') throw new Error('nothing to resume: training is not paused');
    this.launch(run);
  }

  private set(learningRate: number | undefined, temperature: number | undefined): void {
    const bad = (x: number): boolean => typeof x !== 'number' || !Number.isFinite(x) || x <= 0;
    if (learningRate !== undefined && bad(learningRate)) {
      throw new Error(`the learning rate must be a positive number, got ${String(learningRate)}`);
    }
    if (temperature !== undefined && bad(temperature)) {
      throw new Error(`the temperature must be a positive number, got ${String(temperature)}`);
    }
    if (!this.run) return; // nothing running: the page passes its settings at start
    if (learningRate !== undefined) this.run.learningRate$.next(learningRate);
    if (temperature !== undefined) this.run.temperature$.next(temperature);
  }

  /** The run's state now, as a checkpoint (copies). */
  private capture(run: Run): TrainingCheckpoint | undefined {
    if (!run.last) return run.frozen ?? run.base.checkpoint;
    const hyperparameters: TrainingHyperparameters = {
      ...run.extraHyperparameters,
      // As the command line records them: nothing extra for the classic model on one stream.
      ...(isClassicSpec(run.model) && run.model.dropout === 0 && run.batchSize === 1
        ? {}
        : { model: run.model.type, layers: run.model.layers, dropout: run.model.dropout, batchSize: run.batchSize }),
      hiddenSize: run.model.hiddenSize,
      seqLength: run.seqLength,
      learningRate: run.learningRate$.value,
      seed: run.seed,
      iterations: run.iterations,
      sampleEvery: run.sampleEvery,
      sampleLength: run.sampleLength,
      temperature: run.temperature$.value,
      logEvery: LOG_EVERY,
      clip: run.clip ?? 0,
      clipNorm: run.clipNorm,
      valFraction: run.valFraction,
      evalEvery: run.evalEvery,
      checkpointEvery: typeof run.extraHyperparameters.checkpointEvery === 'number' ? run.extraHyperparameters.checkpointEvery : CHECKPOINT_EVERY,
    };
    return snapshotTraining(run.last, {
      vocab: run.vocab,
      hyperparameters,
      optimizer: { ...run.optimizer, learningRate: run.learningRate$.value },
      corpus: run.fingerprint,
      ...(run.validation
        ? { validation: { trainLength: run.train.ids.length, history: run.valHistory, ...(run.best ? { best: run.best } : {}) } }
        : {}),
      lossHistory: run.lossHistory,
    });
  }

  // ---- checkpoints ----------------------------------------------------------------------------

  private load(name: string, bytes: Uint8Array): void {
    let checkpoint: LoadedCheckpoint;
    try {
      checkpoint = decodeCheckpoint(bytes);
    } catch (e) {
      throw new Error(`cannot read checkpoint ${name}: ${messageOf(e)}`);
    }
    this.loaded = { name, checkpoint };
    this.source = 'loaded';
    this.emit({ type: 'checkpoint-loaded', name, summary: summarize(checkpoint) });
  }

  /** The model that saving and generating use, with a name for files. */
  private current(): { checkpoint: TrainingCheckpoint; label: string } {
    if (this.source === 'loaded' && this.loaded) {
      const it = this.loaded.checkpoint.training?.iteration;
      return { checkpoint: this.loaded.checkpoint, label: it !== undefined ? `iter-${it}` : 'weights' };
    }
    const checkpoint = this.run ? this.capture(this.run) : undefined;
    if (!checkpoint) throw new Error('there is no model yet: start training or load a checkpoint');
    return { checkpoint, label: `iter-${checkpoint.training?.iteration ?? 0}` };
  }

  private saveCheckpoint(): void {
    const { checkpoint, label } = this.current();
    const text = checkpoint.training
      ? serializeTrainingCheckpoint(checkpoint)
      : serializeCheckpoint({ vocab: checkpoint.vocab, params: checkpoint.params });
    this.emitFile(`min-char-rnn-${label}.json`, 'application/json', new TextEncoder().encode(text));
  }

  private saveSafetensors(): void {
    const { checkpoint, label } = this.current();
    this.emitFile(`min-char-rnn-${label}.safetensors`, 'application/octet-stream', encodeModelSafetensors(checkpoint));
  }

  private emitFile(name: string, mime: string, bytes: Uint8Array): void {
    const buffer = bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
    this.emit({ type: 'file', name, mime, bytes: buffer });
  }

  // ---- generation -------------------------------------------------------------------------------

  private generate(prime: string, length: number, temperature: number, seed: string): void {
    const { checkpoint } = this.current();
    const text$ = generate(
      { vocab: checkpoint.vocab, params: checkpoint.params },
      { ...(prime !== '' ? { prime } : {}), length, temperature, seed },
    );
    this.generation?.unsubscribe();
    let pending = '';
    let last = now();
    const flush = (done: boolean): void => {
      this.emit({ type: 'generated', text: pending, done });
      pending = '';
      last = now();
    };
    this.generation = text$.subscribe({
      next: (ch) => {
        pending += ch;
        if (now() - last >= GENERATE_FLUSH_MS) flush(false);
      },
      error: (e: unknown) => this.emit({ type: 'error', message: `generating failed: ${messageOf(e)}` }),
      complete: () => flush(true),
    });
  }
}

/** A new run on `corpus` with the page's settings, from fresh weights or from `params`. */
function runFromSettings(corpus: Corpus, fingerprint: CorpusFingerprint, s: StudioSettings, params?: ModelParams): Run {
  requireLength(corpus.ids.length, s.seqLength);
  const valFraction = defaultValidationFraction(corpus.ids.length, s.seqLength);
  const { train, validation } = splitCorpus(corpus, valFraction, s.seqLength);
  requireStreams(train.ids.length, s.batchSize, s.seqLength);
  // Weights given say which model they are; the page's settings say the rest.
  const model = resolveModelSpec(
    params ? { ...params.spec, dropout: s.dropout } : { type: s.modelType, hiddenSize: s.hiddenSize, layers: s.layers, dropout: s.dropout },
  );
  // The command line's defaults: the classic ±5 clip for the RNN, a global norm of 5 for the gated families.
  const gated = model.type !== 'rnn';
  return newRun({
    vocab: corpus.vocab,
    train,
    validation,
    valFraction,
    fingerprint,
    model,
    batchSize: s.batchSize,
    seqLength: s.seqLength,
    seed: s.seed,
    clip: gated ? null : 5,
    clipNorm: gated ? 5 : null,
    optimizer: resolveOptimizerSpec({ name: s.optimizer, learningRate: s.learningRate }),
    settings: s,
    extraHyperparameters: {},
    base: params ? { params } : {},
    startIteration: 0,
    lossHistory: [],
    valHistory: [],
    best: undefined,
  });
}

function newRun(r: {
  vocab: Vocabulary;
  train: Corpus;
  validation: Corpus | undefined;
  valFraction: number;
  fingerprint: CorpusFingerprint;
  model: ResolvedModelSpec;
  batchSize: number;
  seqLength: number;
  seed: string | number;
  clip: number | null;
  clipNorm: number | null;
  optimizer: OptimizerSpec;
  settings: StudioSettings;
  extraHyperparameters: Readonly<Record<string, string | number | boolean | null>>;
  base: Run['base'];
  startIteration: number;
  lossHistory: Array<readonly [number, number]>;
  valHistory: Evaluation[];
  best: Evaluation | undefined;
}): Run {
  const s = r.settings;
  return {
    vocab: r.vocab,
    train: r.train,
    validation: r.validation,
    valFraction: r.valFraction,
    fingerprint: r.fingerprint,
    model: r.model,
    batchSize: r.batchSize,
    seqLength: r.seqLength,
    seed: r.seed,
    clip: r.clip,
    clipNorm: r.clipNorm,
    optimizer: r.optimizer,
    sampleEvery: s.sampleEvery,
    sampleLength: s.sampleLength,
    evalEvery: s.evalEvery,
    iterations: s.iterations,
    extraHyperparameters: r.extraHyperparameters,
    learningRate$: new BehaviorSubject(r.optimizer.learningRate ?? s.learningRate),
    temperature$: new BehaviorSubject(s.temperature),
    lossHistory: r.lossHistory,
    valHistory: r.valHistory,
    best: r.best,
    base: r.base,
    last: undefined,
    frozen: undefined,
    safe: undefined,
    subscription: undefined,
    startIteration: r.startIteration,
    points: [],
    rate: [],
    elapsedMs: 0,
    segmentStart: 0,
    lastReport: 0,
    lastLoss: NaN,
    lastSmoothLoss: r.base.resume?.smoothLoss ?? NaN,
  };
}

/** B streams of the training text must each hold a window and its targets. */
function requireStreams(trainLength: number, batchSize: number, seqLength: number): void {
  const stream = Math.floor(trainLength / batchSize);
  if (batchSize > 1 && stream < seqLength + 1) {
    throw new Error(
      `batch size ${batchSize} cuts the ${trainLength} training characters into streams of ${stream}, shorter than ` +
        `sequence length ${seqLength} + 1; use a smaller batch size or sequence length`,
    );
  }
}

function requireLength(N: number, seqLength: number): void {
  if (N < seqLength + 1) {
    throw new Error(`the training text has ${N} characters; sequence length ${seqLength} needs at least ${seqLength + 1}`);
  }
}

/** What the page needs to know of a loaded checkpoint to fill in its fields. */
function summarize(c: LoadedCheckpoint): CheckpointSummary {
  const t: TrainingState | undefined = c.training;
  const spec = c.params.spec;
  const model: Partial<StudioSettings> = { modelType: spec.type, hiddenSize: spec.hiddenSize, layers: spec.layers, dropout: spec.dropout };
  const base = { format: c.format, hiddenSize: c.params.hiddenSize, vocabSize: c.vocab.size, model };
  if (!t) return base;
  const h = t.hyperparameters;
  const optimizer = t.optimizer?.spec ?? { name: 'adagrad', learningRate: h.learningRate };
  const settings: Partial<StudioSettings> = {
    ...model,
    batchSize: t.batchSize ?? 1,
    seqLength: h.seqLength,
    optimizer: optimizer.name as StudioSettings['optimizer'],
    learningRate: optimizer.learningRate ?? h.learningRate,
    temperature: h.temperature,
    sampleEvery: h.sampleEvery,
    sampleLength: h.sampleLength,
    seed: String(h.seed),
    // A run that reached its target continues until stopped (the page's "Stop after" left empty).
    iterations: h.iterations !== null && h.iterations > t.iteration ? h.iterations : null,
    ...(typeof h.evalEvery === 'number' ? { evalEvery: h.evalEvery } : {}),
  };
  return {
    ...base,
    training: {
      iteration: t.iteration,
      seqLength: h.seqLength,
      smoothLoss: t.smoothLoss,
      settings,
      lossHistory: t.lossHistory.map(([i, l]) => [i, l] as const),
      validation: (t.validation?.history ?? []).map((e) => ({ ...e })),
    },
  };
}

/** One line for the page: the error's message without a stack. */
function messageOf(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}
