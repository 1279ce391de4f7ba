// The `training` field of a format 1 checkpoint: everything beyond the weights that a run needs to
// continue exactly where it stopped. Pure and browser-safe: this module turns values into JSON-able
// objects and back; file I/O lives in file.ts.
import type { Vocabulary } from '../corpus/vocabulary.js';
import { CheckpointError, ConfigError } from '../errors.js';
import type { Evaluation } from '../operators/evaluateEvery.js';
import type { SampledStep } from '../operators/sampleEvery.js';
import type { TrainingStep } from '../operators/step.js';
import { stateSize } from '../model/families.js';
import { copyParams } from '../model/rnn/classic/params.js';
import { classicSpec, isClassicSpec, type ResolvedModelSpec } from '../model/spec.js';
import type { ModelParams } from '../model/tensors.js';
import type { RandomState } from '../model/rng.js';
import { copyOptimizerState, type OptimizedStep, type OptimizerState } from '../optimizers/optimizer.js';
import { resolveOptimizerSpec, type OptimizerSpec } from '../optimizers/registry.js';
import { createSchedule } from '../optimizers/schedules.js';
import { trainingOptimizerSpec, type ResumeState, type TrainConfig, type Training } from '../pipeline/train.js';
import type { JsonLike } from './json.js';
import { thinLossHistory } from '../util/lossHistory.js';

/**
 * The settings a run was started with. The named ones are always present; a writer may record more
 * (the CLI adds `valFraction`, `evalEvery`, `checkpointEvery`), and readers keep what they do not know.
 */
export interface TrainingHyperparameters {
  readonly hiddenSize: number;
  readonly seqLength: number;
  readonly learningRate: number;
  readonly seed: string | number;
  /** The iteration count the run was asked to reach; null when it runs until stopped. */
  readonly iterations: number | null;
  readonly sampleEvery: number;
  readonly sampleLength: number;
  readonly temperature: number;
  readonly logEvery: number;
  readonly [setting: string]: string | number | boolean | null;
}

/** Which text a run trained on, so a resume can tell "the same file" from "new text". */
export interface CorpusFingerprint {
  /** Where the text was read from (absolute), when it came from a file. */
  readonly path?: string;
  /** Length in characters (Unicode code points), validation part included. */
  readonly length: number;
  /** SHA-256 of the text's UTF-8 bytes, lowercase hex. */
  readonly sha256: string;
}

/** Validation so far: where the corpus was cut and every result measured. */
export interface ValidationState {
  /** Characters of the corpus head used for training; the rest is held out. */
  readonly trainLength: number;
  /** Every evaluation, in order. */
  readonly history: readonly Evaluation[];
  /** The lowest loss measured on this held-out text (what `--keep-best` compares against). */
  readonly best?: Evaluation;
}

/** Everything a run needs to continue bit for bit from where a checkpoint was taken. */
export interface TrainingState {
  /** The next iteration n, i.e. iterations completed. */
  readonly iteration: number;
  /** The next data position p (before the wrap rule is applied). */
  readonly position: number;
  /** Streams trained side by side (B). Absent means 1. */
  readonly batchSize?: number;
  /** Every stream's state after the last window: the next window's `hprev`. (B, S); (H) for the classic model. */
  readonly hprev: Float64Array;
  /** The dropout generator's position (models with dropout). */
  readonly dropoutRandomState?: RandomState;
  /** The smoothed loss after the last window. */
  readonly smoothLoss: number;
  /** The optimizer's spec and state (slot buffers are copies). */
  readonly optimizer?: { readonly spec: OptimizerSpec; readonly state: OptimizerState };
  /** The sampling generator's position. */
  readonly sampleRandomState?: RandomState;
  readonly hyperparameters: TrainingHyperparameters;
  readonly corpus?: CorpusFingerprint;
  readonly validation?: ValidationState;
  /** `[iteration, smoothLoss]` pairs for loss charts, thinned as they grow. */
  readonly lossHistory: ReadonlyArray<readonly [number, number]>;
}

/** The weights, their vocabulary, and (when the file holds it) the training state. */
export interface TrainingCheckpoint {
  readonly vocab: Vocabulary;
  readonly params: ModelParams;
  readonly training?: TrainingState;
}

/** A step of the default pipeline as far as a snapshot needs it. */
export type SnapshotStep = TrainingStep & SampledStep & { readonly smoothLoss: number } & Partial<OptimizedStep>;

/** What a snapshot records besides the step itself. */
export interface SnapshotInfo {
  readonly vocab: Vocabulary;
  readonly hyperparameters: TrainingHyperparameters;
  /** The optimizer stage's spec. Default: `{ name: <state's name>, learningRate }`. */
  readonly optimizer?: OptimizerSpec;
  readonly corpus?: CorpusFingerprint;
  readonly validation?: ValidationState;
  readonly lossHistory?: ReadonlyArray<readonly [number, number]>;
}

export { MAX_LOSS_HISTORY, recordLoss } from '../util/lossHistory.js';

/**
 * Captures a checkpoint from a fully processed step (after the optimizer and smoothLoss stages), during
 * its emission: the weights, optimizer slots and hidden state are copied, so the result stays valid
 * after training moves on.
 *
 * ```ts
 * import { createCorpus, trainingSteps, snapshotTraining, serializeTrainingCheckpoint } from 'min-char-rnn';
 * import { last } from 'rxjs';
 *
 * const corpus = createCorpus('hello world. '.repeat(20));
 * const hyperparameters = {
 *   hiddenSize: 16, seqLength: 8, learningRate: 0.1, seed: 1, iterations: 100,
 *   sampleEvery: 0, sampleLength: 200, temperature: 1, logEvery: 100,
 * };
 * trainingSteps(corpus, hyperparameters)
 *   .pipe(last())
 *   .subscribe((step) => {
 *     const text = serializeTrainingCheckpoint(snapshotTraining(step, { vocab: corpus.vocab, hyperparameters }));
 *     console.log(text.startsWith('{'));
 *   });
 * // true
 * ```
 *
 * @param step The step, during its emission.
 * @param info Vocabulary, hyperparameters and run metadata to record.
 * @returns A checkpoint whose `training.iteration` is `step.iteration + 1`.
 */
export function snapshotTraining(
  step: SnapshotStep,
  info: SnapshotInfo,
): TrainingCheckpoint & { readonly training: TrainingState } {
  const state = step.optimizer ? copyOptimizerState(step.optimizer) : undefined;
  const spec: OptimizerSpec | undefined =
    info.optimizer ?? (state ? { name: state.name, learningRate: info.hyperparameters.learningRate } : undefined);
  const B = step.model.batchSize;
  return {
    vocab: info.vocab,
    params: copyParams(step.params),
    training: {
      iteration: step.iteration + 1,
      position: step.position + step.inputs.length / B,
      ...(B !== 1 ? { batchSize: B } : {}),
      hprev: step.h.slice(),
      ...(step.params.spec.dropout > 0 && step.dropoutRandomState ? { dropoutRandomState: step.dropoutRandomState() } : {}),
      smoothLoss: step.smoothLoss,
      ...(state && spec ? { optimizer: { spec: { ...spec }, state } } : {}),
      sampleRandomState: step.sampleRandomState(),
      hyperparameters: { ...info.hyperparameters },
      ...(info.corpus ? { corpus: { ...info.corpus } } : {}),
      ...(info.validation ? { validation: copyValidation(info.validation) } : {}),
      lossHistory: (info.lossHistory ?? []).map(([i, l]) => [i, l] as const),
    },
  };
}

function copyRandomState(r: RandomState): RandomState {
  return { i: r.i, j: r.j, S: [...r.S] };
}

function copyValidation(v: ValidationState): ValidationState {
  return {
    trainLength: v.trainLength,
    history: v.history.map((e) => ({ ...e })),
    ...(v.best ? { best: { ...v.best } } : {}),
  };
}

/**
 * The pipeline state a checkpoint continues from, for `TrainConfig.resume`.
 *
 * @param training The checkpoint's training state.
 * @returns Cursor, hidden state, smooth loss, optimizer and sampler state (copies).
 */
export function resumeStateOf(training: TrainingState): ResumeState {
  return {
    cursor: { iteration: training.iteration, position: training.position },
    hprev: training.hprev.slice(),
    ...(training.dropoutRandomState ? { dropoutRandomState: copyRandomState(training.dropoutRandomState) } : {}),
    smoothLoss: training.smoothLoss,
    ...(training.optimizer ? { optimizer: copyOptimizerState(training.optimizer.state) } : {}),
    ...(training.sampleRandomState ? { sampleRandomState: copyRandomState(training.sampleRandomState) } : {}),
  };
}

/**
 * The {@link TrainConfig} that continues a checkpointed run exactly: its hyperparameters, weights,
 * optimizer and loop state. Spread your changes over it (e.g. a later `iterations`); validation is not
 * included, since it needs the corpus.
 *
 * ```ts
 * import { parseCheckpoint, resumeConfig, trainingSteps, createCorpus } from 'min-char-rnn';
 *
 * declare const text: string, checkpointJson: string;
 * const checkpoint = parseCheckpoint(checkpointJson);
 * const steps$ = trainingSteps(createCorpus(text, checkpoint.vocab), { ...resumeConfig(checkpoint), iterations: 2000 });
 * ```
 *
 * @param checkpoint A checkpoint holding training state.
 * @returns A config for `train` / `trainingSteps`.
 */
export function resumeConfig(checkpoint: TrainingCheckpoint): TrainConfig {
  const t = checkpoint.training;
  if (!t) throw new CheckpointError('the checkpoint holds weights only, no training state to resume');
  const h = t.hyperparameters;
  return {
    model: checkpoint.params.spec,
    hiddenSize: h.hiddenSize,
    ...(t.batchSize !== undefined && t.batchSize !== 1 ? { batchSize: t.batchSize } : {}),
    seqLength: h.seqLength,
    learningRate: h.learningRate,
    seed: h.seed,
    ...(h.iterations !== null ? { iterations: h.iterations } : {}),
    sampleEvery: h.sampleEvery,
    sampleLength: h.sampleLength,
    temperature: h.temperature,
    logEvery: h.logEvery,
    init: checkpoint.params,
    ...(t.optimizer ? { optimizer: { ...t.optimizer.spec } } : {}),
    // Older checkpoints record no clipping: they trained with the classic ±5, the default.
    ...(typeof h.clip === 'number' ? { clip: h.clip } : {}),
    ...(typeof h.clipNorm === 'number' ? { clipNorm: h.clipNorm } : {}),
    resume: resumeStateOf(t),
  };
}

/**
 * A resumable checkpoint of a {@link train} run, taken between steps or after `done`: the weights,
 * optimizer memory, hidden state, data position, smooth loss, sampler, hyperparameters and the loss and
 * validation history. `resumeConfig` turns it back into a config that continues the run exactly.
 *
 * ```ts
 * import { createCorpus, resumeConfig, serializeTrainingCheckpoint, train, trainingCheckpoint } from 'min-char-rnn';
 *
 * const corpus = createCorpus('hello world. '.repeat(50));
 * const run = train(corpus, { hiddenSize: 16, iterations: 100, sampleEvery: 0 });
 * run.start();
 * await run.done;
 * const checkpoint = trainingCheckpoint(run);
 * const json = serializeTrainingCheckpoint(checkpoint); // or writeTrainingCheckpointFile from 'min-char-rnn/node'
 * const more = train(corpus, { ...resumeConfig(checkpoint), iterations: 200 }); // continues at iteration 100
 * ```
 *
 * @param run A run that has completed at least one step.
 * @param info Anything to record beside what the run knows (e.g. `corpus`, a fingerprint of the text, or
 *   extra `hyperparameters`).
 * @returns The checkpoint (copies: it stays valid as the run goes on). After rollbacks of the NaN guard
 *   (`guard`) its learning rate is the lowered one, so a resumed run goes on with it.
 */
export function trainingCheckpoint(
  run: Training,
  info?: Partial<SnapshotInfo>,
): TrainingCheckpoint & { readonly training: TrainingState } {
  const step = run.lastStep();
  if (!step) throw new ConfigError('run', 'not started', 'a run that has completed at least one step');
  const c = run.config;
  const spec = trainingOptimizerSpec(c);
  const resolved = spec ? resolveOptimizerSpec(spec) : undefined;
  // After a rollback of the NaN guard the run goes on at a lowered rate: the checkpoint records that one.
  const scale = step.optimizerControl?.learningRateScale ?? 1;
  const optimizer =
    resolved && scale !== 1 && resolved.learningRate !== undefined ? { ...resolved, learningRate: resolved.learningRate * scale } : resolved;
  const hyperparameters: TrainingHyperparameters = {
    hiddenSize: c.hiddenSize,
    seqLength: c.seqLength,
    learningRate: optimizer?.learningRate ?? (c.learningRate ?? 0) * scale,
    seed: c.seed,
    iterations: Number.isFinite(c.iterations) ? c.iterations : null,
    sampleEvery: c.sampleEvery,
    sampleLength: c.sampleLength,
    temperature: c.temperature,
    logEvery: c.logEvery,
    clip: c.clip ?? 0,
    clipNorm: c.clipNorm,
    ...info?.hyperparameters,
  };
  const history = run.validationHistory;
  const best = history.reduce<Evaluation | undefined>((b, v) => (b === undefined || v.loss < b.loss ? v : b), undefined);
  return snapshotTraining(step, {
    vocab: run.corpus.vocab,
    ...(optimizer ? { optimizer } : {}),
    ...(c.validation ? { validation: { trainLength: run.corpus.ids.length, history, ...(best ? { best } : {}) } } : {}),
    lossHistory: run.lossHistory,
    ...info,
    hyperparameters,
  });
}

/** The training state as a JSON-able value (numbers checked and written exactly by `jsonText`). */
export function encodeTrainingState(t: TrainingState): JsonLike {
  const slots: Record<string, Float64Array> = {};
  if (t.optimizer) for (const [k, v] of Object.entries(t.optimizer.state.slots)) slots[k] = v;
  return {
    iteration: t.iteration,
    position: t.position,
    smoothLoss: t.smoothLoss,
    hyperparameters: { ...t.hyperparameters },
    corpus: t.corpus ? { ...t.corpus } : undefined,
    validation: t.validation
      ? {
          trainLength: t.validation.trainLength,
          history: t.validation.history.map((e) => ({ ...e })),
          best: t.validation.best ? { ...t.validation.best } : undefined,
        }
      : undefined,
    sampleRandomState: t.sampleRandomState
      ? { i: t.sampleRandomState.i, j: t.sampleRandomState.j, S: [...t.sampleRandomState.S] }
      : undefined,
    batchSize: t.batchSize !== undefined && t.batchSize !== 1 ? t.batchSize : undefined,
    dropoutRandomState: t.dropoutRandomState
      ? { i: t.dropoutRandomState.i, j: t.dropoutRandomState.j, S: [...t.dropoutRandomState.S] }
      : undefined,
    optimizer: t.optimizer
      ? {
          spec: { ...t.optimizer.spec },
          state: { name: t.optimizer.state.name, updates: t.optimizer.state.updates, slots },
        }
      : undefined,
    hprev: t.hprev,
    lossHistory: t.lossHistory.map(([i, l]) => [i, l]),
  };
}

/**
 * Reads and checks the `training` field of a checkpoint for weights of `hiddenSize` H (or of the model
 * `spec`) and vocabulary size V, whose flat buffer holds `parameterCount` numbers. Unknown fields are
 * ignored; every problem is one CheckpointError naming the field.
 */
export function decodeTrainingState(
  raw: unknown,
  hiddenSize: number | ResolvedModelSpec,
  vocabSize: number,
  parameterCount?: number,
): TrainingState {
  const t = object(raw, 'training');
  const spec = typeof hiddenSize === 'number' ? classicSpec(hiddenSize) : hiddenSize;
  hiddenSize = spec.hiddenSize;
  const H = hiddenSize;
  const P = parameterCount ?? 2 * H * vocabSize + H * H + H + vocabSize;
  const batchSize = t.batchSize === undefined ? 1 : integer(t.batchSize, 'training.batchSize', 1);
  const S = isClassicSpec(spec) ? H : stateSize(spec);
  const hyper = decodeHyperparameters(t.hyperparameters);
  if (hyper.hiddenSize !== hiddenSize) {
    throw new CheckpointError(`training.hyperparameters.hiddenSize is ${hyper.hiddenSize} but the weights have ${hiddenSize}`);
  }
  let optimizer: TrainingState['optimizer'];
  if (t.optimizer !== undefined) {
    const o = object(t.optimizer, 'training.optimizer');
    const spec = object(o.spec, 'training.optimizer.spec');
    if (typeof spec.name !== 'string') throw new CheckpointError('training.optimizer.spec.name must be a string');
    // The same checks a spec from code or the command line gets (names, ranges, schedule).
    let resolved: OptimizerSpec;
    try {
      resolved = resolveOptimizerSpec(spec as unknown as OptimizerSpec);
      if (resolved.schedule !== undefined) createSchedule(resolved.schedule);
    } catch (e) {
      if (e instanceof ConfigError) throw new CheckpointError(`training.optimizer.spec: ${e.message}`);
      throw e;
    }
    const s = object(o.state, 'training.optimizer.state');
    if (typeof s.name !== 'string') throw new CheckpointError('training.optimizer.state.name must be a string');
    // Caught here, not when training starts, so the message can name the file (the caller adds it).
    if (s.name !== resolved.name) {
      throw new CheckpointError(
        `training.optimizer.state is the state of ${JSON.stringify(s.name)} but the spec names ${JSON.stringify(resolved.name)}`,
      );
    }
    const slotsRaw = object(s.slots, 'training.optimizer.state.slots');
    const slots: Record<string, Float64Array> = {};
    for (const [k, v] of Object.entries(slotsRaw)) slots[k] = numbers(v, `training.optimizer.state.slots.${k}`, P);
    optimizer = {
      spec: resolved,
      state: { name: s.name, updates: integer(s.updates, 'training.optimizer.state.updates'), slots },
    };
  }
  let validation: ValidationState | undefined;
  if (t.validation !== undefined) {
    const v = object(t.validation, 'training.validation');
    if (!Array.isArray(v.history)) throw new CheckpointError('training.validation.history must be an array');
    validation = {
      trainLength: integer(v.trainLength, 'training.validation.trainLength', 1),
      history: v.history.map((e, i) => evaluation(e, `training.validation.history[${i}]`)),
      ...(v.best !== undefined ? { best: evaluation(v.best, 'training.validation.best') } : {}),
    };
  }
  let corpus: CorpusFingerprint | undefined;
  if (t.corpus !== undefined) {
    const c = object(t.corpus, 'training.corpus');
    if (c.path !== undefined && typeof c.path !== 'string') throw new CheckpointError('training.corpus.path must be a string');
    if (typeof c.sha256 !== 'string' || !/^[0-9a-f]{64}$/.test(c.sha256)) {
      throw new CheckpointError('training.corpus.sha256 must be 64 lowercase hex digits');
    }
    corpus = {
      ...(typeof c.path === 'string' ? { path: c.path } : {}),
      length: integer(c.length, 'training.corpus.length', 1),
      sha256: c.sha256,
    };
  }
  if (!Array.isArray(t.lossHistory ?? [])) throw new CheckpointError('training.lossHistory must be an array');
  const lossHistory = ((t.lossHistory ?? []) as unknown[]).map((p, i): readonly [number, number] => {
    const name = `training.lossHistory[${i}]`;
    if (!Array.isArray(p) || p.length !== 2) throw new CheckpointError(`${name} must be [iteration, smoothLoss]`);
    return [integer(p[0], name), finite(p[1], name)];
  });
  // A file may hold more points than a run keeps (edited, or from another program): thin it as a run would.
  thinLossHistory(lossHistory);
  return {
    iteration: integer(t.iteration, 'training.iteration'),
    position: integer(t.position, 'training.position'),
    ...(batchSize !== 1 ? { batchSize } : {}),
    hprev: numbers(t.hprev, 'training.hprev', batchSize * S),
    ...(t.dropoutRandomState !== undefined ? { dropoutRandomState: randomState(t.dropoutRandomState, 'training.dropoutRandomState') } : {}),
    smoothLoss: finite(t.smoothLoss, 'training.smoothLoss'),
    ...(optimizer ? { optimizer } : {}),
    ...(t.sampleRandomState !== undefined ? { sampleRandomState: randomState(t.sampleRandomState) } : {}),
    hyperparameters: hyper,
    ...(corpus ? { corpus } : {}),
    ...(validation ? { validation } : {}),
    lossHistory,
  };
}

function decodeHyperparameters(raw: unknown): TrainingHyperparameters {
  const h = object(raw, 'training.hyperparameters');
  const out: Record<string, string | number | boolean | null> = {};
  for (const [k, v] of Object.entries(h)) {
    if (v === null || ['string', 'number', 'boolean'].includes(typeof v)) out[k] = v as string | number | boolean | null;
  }
  const name = (k: string): string => `training.hyperparameters.${k}`;
  const positive = (k: string): number => {
    const x = finite(h[k], name(k));
    if (x <= 0) throw new CheckpointError(`${name(k)} must be positive, got ${x}`);
    return x;
  };
  if (typeof h.seed !== 'string' && typeof h.seed !== 'number') {
    throw new CheckpointError(`${name('seed')} must be a string or a number`);
  }
  return {
    ...out,
    hiddenSize: integer(h.hiddenSize, name('hiddenSize'), 1),
    seqLength: integer(h.seqLength, name('seqLength'), 1),
    learningRate: positive('learningRate'),
    seed: h.seed,
    iterations: h.iterations === null || h.iterations === undefined ? null : integer(h.iterations, name('iterations')),
    sampleEvery: integer(h.sampleEvery, name('sampleEvery')),
    sampleLength: integer(h.sampleLength, name('sampleLength'), 1),
    temperature: positive('temperature'),
    logEvery: integer(h.logEvery, name('logEvery'), 1),
  };
}

function evaluation(raw: unknown, name: string): Evaluation {
  const e = object(raw, name);
  return {
    iteration: integer(e.iteration, `${name}.iteration`),
    loss: finite(e.loss, `${name}.loss`),
    bitsPerChar: finite(e.bitsPerChar, `${name}.bitsPerChar`),
  };
}

function randomState(raw: unknown, field = 'training.sampleRandomState'): RandomState {
  const r = object(raw, field);
  const byte = (x: unknown, name: string): number => {
    const v = integer(x, name);
    if (v > 255) throw new CheckpointError(`${name} must be a byte (0..255), got ${v}`);
    return v;
  };
  if (!Array.isArray(r.S) || r.S.length !== 256) {
    throw new CheckpointError(`${field}.S must be an array of 256 bytes`);
  }
  return {
    i: byte(r.i, `${field}.i`),
    j: byte(r.j, `${field}.j`),
    S: r.S.map((x, k) => byte(x, `${field}.S[${k}]`)),
  };
}

function object(raw: unknown, name: string): Record<string, unknown> {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new CheckpointError(`${name} must be an object`);
  }
  return raw as Record<string, unknown>;
}

function finite(x: unknown, name: string): number {
  if (typeof x !== 'number' || !Number.isFinite(x)) {
    throw new CheckpointError(`${name} must be a finite number, got ${JSON.stringify(x)}`);
  }
  return x;
}

function integer(x: unknown, name: string, min = 0): number {
  if (typeof x !== 'number' || !Number.isSafeInteger(x) || x < min) {
    throw new CheckpointError(`${name} must be an integer ≥ ${min}, got ${JSON.stringify(x)}`);
  }
  return x;
}

function numbers(x: unknown, name: string, length: number): Float64Array {
  if (!Array.isArray(x)) throw new CheckpointError(`${name} must be an array of ${length} numbers`);
  if (x.length !== length) throw new CheckpointError(`${name} has ${x.length} numbers, expected ${length}`);
  const out = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const v = x[i];
    if (typeof v !== 'number' || !Number.isFinite(v)) {
      throw new CheckpointError(`${name}[${i}] is ${JSON.stringify(v)}, not a finite number`);
    }
    out[i] = v;
  }
  return out;
}
