// Turns `train` options into a run plan: which text, which weights, which settings, and, when resuming,
// the saved loop state. Everything the user may have got wrong is found here, before training starts.
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { checkWritable, loadCheckpointFile, removeStaleTempFiles } from '../checkpoint/file.js';
import { isSafetensors } from '../checkpoint/safetensors.js';
import {
  resumeStateOf,
  type CorpusFingerprint,
  type TrainingHyperparameters,
} from '../checkpoint/training.js';
import type { Corpus } from '../corpus/corpus.js';
import { defaultValidationFraction, splitCorpus } from '../corpus/split.js';
import type { Vocabulary } from '../corpus/vocabulary.js';
import { CheckpointError, CorpusError } from '../errors.js';
import { createNetwork } from '../model/networks.js';
import type { ModelParams } from '../model/tensors.js';
import { isClassicSpec, resolveModelSpec, type ModelType, type Precision, type ResolvedModelSpec } from '../model/spec.js';
import { defaultKernel } from '../model/kernels.js';
import { jsKernel } from '../model/rnn/classic/jsKernel.js';
import { heldOutLoss, type Evaluation } from '../operators/evaluateEvery.js';
import { createOptimizer, resolveOptimizerSpec, type OptimizerSpec } from '../optimizers/registry.js';
import { trainingOptimizerSpec, type ResumeState, type TrainConfig } from '../pipeline/train.js';
import { UsageError, type FlagValue } from './args.js';
import { checkMemory } from './memoryCheck.js';
import { HYPERPARAMETER_FLAGS, optimizerFromFlags } from './optimizerFlags.js';
import { loadCorpusFile } from './corpusFile.js';

/** Parsed `train` flags with defaults applied. */
export interface TrainOptions {
  readonly corpus: string;
  readonly hiddenSize: number | undefined;
  /** `--model`, `--layers`, `--batch-size`, `--dropout` as given. */
  readonly model?: string;
  readonly layers?: number;
  readonly batchSize?: number;
  readonly dropout?: number;
  /** `--precision` as given. */
  readonly precision?: Precision;
  readonly config: TrainConfig;
  readonly init: string | undefined;
  readonly json: boolean;
  /** Names of the flags given on the command line (to tell a default from a choice when resuming). */
  readonly given: ReadonlySet<string>;
  /** The parsed flags themselves. */
  readonly flags: ReadonlyMap<string, FlagValue>;
  readonly checkpoint?: string;
  readonly checkpointEvery?: number;
  readonly resume?: string;
  readonly valFraction?: number;
  readonly evalEvery?: number;
  readonly keepBest?: string;
  readonly plot?: string;
  /** `--on-nan`: abort (the default) or rollback. */
  readonly onNan?: 'abort' | 'rollback';
}

/** What `--on-nan rollback` does: keep a state every 100 iterations, halve the rate, at most 5 in a row. */
export const NAN_GUARD = { keepEvery: 100, lrFactor: 0.5, maxRetries: 5 } as const;

/** Checkpoint and chart cadence when `--checkpoint-every` is not given. */
export const DEFAULT_CHECKPOINT_EVERY = 1000;

/** Validation cadence when `--eval-every` is not given and the held-out text is small. */
export const DEFAULT_EVAL_EVERY = 1000;

/** Everything `train` needs to run, resolved and checked. */
export interface TrainPlan {
  readonly corpusPath: string;
  readonly fingerprint: CorpusFingerprint;
  readonly vocab: Vocabulary;
  /** Characters in the whole corpus. */
  readonly corpusLength: number;
  readonly train: Corpus;
  readonly validation: Corpus | undefined;
  /** The config for `train()`: hyperparameters, init weights, optimizer, resume state, validation. */
  readonly config: TrainConfig;
  /** The settings recorded in checkpoints. */
  readonly hyperparameters: TrainingHyperparameters;
  /** The model trained. */
  readonly model: ResolvedModelSpec;
  /** B, streams. */
  readonly batchSize: number;
  readonly optimizerSpec: OptimizerSpec;
  readonly seqLength: number;
  readonly logEvery: number;
  readonly valFraction: number;
  readonly evalEvery: number;
  readonly checkpointEvery: number;
  /** The first iteration this process runs (0, or where the checkpoint left off). */
  readonly startIteration: number;
  /** The iteration count to stop at; undefined runs until interrupted. */
  readonly target: number | undefined;
  readonly lossHistory: Array<readonly [number, number]>;
  readonly valHistory: Evaluation[];
  readonly best: Evaluation | undefined;
  readonly checkpointPath: string | undefined;
  readonly keepBestPath: string | undefined;
  readonly plotPath: string | undefined;
  /** Messages for stderr before training starts. */
  readonly notices: string[];
  /** Set when resuming: the checkpoint read. */
  readonly resumedFrom: string | undefined;
  /** Resuming on different text than the checkpoint was trained on. */
  readonly fineTune: boolean;
  /** With `--init`: the loaded model's loss per character before training (held-out text, else the training text's head). */
  readonly initial?: { readonly path: string; readonly loss: number; readonly heldOut: boolean };
  /** Outputs a resumed run writes because its checkpoint recorded them (absolute paths). */
  readonly rememberedOutputs?: readonly string[];
}

/** Iterations of linear learning-rate warm-up a run started with `--init` gets unless `--lr-schedule` is given. */
export const INIT_WARMUP = 1000;

/** Characters of the training text measured for the starting smooth loss when nothing is held out. */
const INIT_MEASURE_CHARS = 10_000;

/**
 * The default `--eval-every` for a held-out part of `valLength` characters: 1000, or the next round
 * number above it that keeps evaluation (a forward pass over the held-out text, about a third of the cost
 * per character of a training step) under a tenth of the training time.
 */
export function defaultEvalEvery(valLength: number, seqLength: number): number {
  const needed = valLength / (0.3 * seqLength);
  let every = DEFAULT_EVAL_EVERY;
  for (let mag = DEFAULT_EVAL_EVERY; every < needed; mag *= 10) {
    every = [1, 2, 5, 10].map((m) => m * mag).find((x) => x >= needed) ?? 10 * mag;
  }
  return every;
}

/** The full optimizer spec of a new run (every default filled in, so the checkpoint records it all). */
function optimizerSpecOf(config: TrainConfig): OptimizerSpec {
  const spec = trainingOptimizerSpec(config);
  if (spec === undefined) throw new UsageError('the command line always describes its optimizer as a spec');
  return resolveOptimizerSpec(spec);
}

/**
 * What `--model lstm` and `--model gru` change when their flags are not given: the settings of the
 * 2-layer LSTM measured against PyTorch (hidden 256, 32 streams, 64 steps, Adam 2e-3, clip-norm 5).
 */
export const GATED_DEFAULTS = { layers: 2, hiddenSize: 256, batchSize: 32, seqLength: 64, optimizer: 'adam', clip: 0, clipNorm: 5 } as const;

/** The model settings recorded in checkpoints (none for the classic model at B = 1, whose records stay as they were). */
function modelSettings(spec: ResolvedModelSpec, batchSize: number): Record<string, string | number> {
  if (isClassicSpec(spec) && spec.dropout === 0 && batchSize === 1) return {};
  return { model: spec.type, layers: spec.layers, dropout: spec.dropout, batchSize };
}

/** Clip settings as recorded: the elementwise limit (0 = off) and the global norm (null = off). */
function clipOf(config: TrainConfig): { clip: number; clipNorm: number | null } {
  return { clip: config.clip ?? 5, clipNorm: config.clipNorm || null };
}

function split(corpus: Corpus, path: string, fraction: number, seqLength: number): ReturnType<typeof splitCorpus> {
  if (!(fraction >= 0 && fraction < 1)) throw new UsageError(`--val-fraction must be a number in [0, 1), got ${fraction}`);
  const N = corpus.ids.length;
  if (fraction === 0 && N < seqLength + 1) {
    throw new UsageError(`corpus ${path} has ${N} characters; --seq-length ${seqLength} needs at least ${seqLength + 1}`);
  }
  try {
    return splitCorpus(corpus, fraction, seqLength);
  } catch (e) {
    if (e instanceof CorpusError) throw new UsageError(`corpus ${path}: ${e.message} (see --val-fraction)`);
    throw e;
  }
}

/** Builds the plan for a new run or a resumed one (see {@link TrainPlan}). */
export function planTraining(opts: TrainOptions): TrainPlan {
  const planned = opts.resume !== undefined ? planResume(opts, opts.resume) : planFresh(opts);
  if (planned.model.precision === 'f32' && planned.config.kernel?.name === 'reference') {
    const why = opts.resume !== undefined ? `the run in ${opts.resume} is float32` : '--precision f32';
    throw new UsageError(`--kernel reference computes in float64 only, but ${why}; use --kernel auto, wasm or js`);
  }
  const checked = withMemoryChecked(planned, (opts.flags.get('kernel') ?? 'auto') === 'auto');
  // The loaded model is measured after the memory check: on the kernel it chose, and only once the
  // run is known to fit.
  const plan = opts.resume === undefined && opts.init !== undefined ? withInitMeasured(checked, opts.init) : checked;
  checkOutputs(plan);
  return plan;
}

/** The plan once its memory is checked (see memoryCheck.ts), with the kernel it will use. */
function withMemoryChecked(plan: TrainPlan, auto: boolean): TrainPlan {
  const kernel = plan.config.kernel ?? defaultKernel();
  const checked = checkMemory({
    hiddenSize: plan.hyperparameters.hiddenSize,
    vocabSize: plan.vocab.size,
    seqLength: plan.seqLength,
    optimizerSlots: createOptimizer(plan.optimizerSpec).slots?.length ?? 2,
    validation: plan.validation !== undefined,
    checkpoints: plan.checkpointPath !== undefined || plan.keepBestPath !== undefined,
    kernel,
    auto,
    model: plan.model,
    batchSize: plan.batchSize,
  });
  if (checked.notice) plan.notices.push(checked.notice);
  return checked.kernel === kernel ? plan : { ...plan, config: { ...plan.config, kernel: checked.kernel } };
}

function planFresh(opts: TrainOptions): TrainPlan {
  let c = opts.config;
  if (opts.given.has('checkpoint-every') && !opts.checkpoint && !opts.plot) {
    throw new UsageError('--checkpoint-every needs --checkpoint or --plot');
  }
  let init: ModelParams | undefined;
  let vocab: Vocabulary | undefined;
  // A size no machine can train fails before the corpus is read (a one-character vocabulary is the least).
  {
    const type = (opts.model ?? 'rnn') as ModelType;
    const gated = type !== 'rnn';
    const hiddenSize = opts.hiddenSize ?? (gated ? GATED_DEFAULTS.hiddenSize : 100);
    checkMemory({
      hiddenSize,
      vocabSize: 1,
      seqLength: c.seqLength ?? (gated ? GATED_DEFAULTS.seqLength : 25),
      optimizerSlots: 0,
      validation: false,
      checkpoints: false,
      kernel: jsKernel,
      auto: true,
      vocabUnknown: true,
      model: resolveModelSpec({ type, hiddenSize, layers: opts.layers ?? (gated ? GATED_DEFAULTS.layers : 1) }),
      batchSize: opts.batchSize ?? (gated ? GATED_DEFAULTS.batchSize : 1),
    });
  }
  if (opts.init) {
    const ckpt = loadCheckpointFile(opts.init);
    const s = ckpt.params.spec;
    const mismatch = (flag: string, given: unknown, recorded: unknown, field: string): never => {
      throw new UsageError(`--${flag} ${String(given)} does not match the checkpoint ${opts.init} (${field} ${String(recorded)})`);
    };
    if (opts.hiddenSize !== undefined && opts.hiddenSize !== s.hiddenSize) mismatch('hidden-size', opts.hiddenSize, s.hiddenSize, 'hiddenSize');
    if (opts.model !== undefined && opts.model !== s.type) mismatch('model', opts.model, s.type, 'model');
    if (opts.layers !== undefined && opts.layers !== s.layers) mismatch('layers', opts.layers, s.layers, 'layers');
    init = ckpt.params;
    vocab = ckpt.vocab;
  }
  // The model: the init file's, or the flags' (with the gated families' defaults).
  const type = (init?.spec.type ?? opts.model ?? 'rnn') as ModelType;
  const gated = type !== 'rnn';
  const hiddenSize = init?.spec.hiddenSize ?? opts.hiddenSize ?? (gated ? GATED_DEFAULTS.hiddenSize : 100);
  const layers = init?.spec.layers ?? opts.layers ?? (gated ? GATED_DEFAULTS.layers : 1);
  const precision = opts.precision ?? 'f64';
  if (precision === 'f32' && !gated) {
    throw new UsageError('--precision f32 is for --model lstm and gru; the rnn model computes in float64 only');
  }
  const model = resolveModelSpec({ type, hiddenSize, layers, dropout: opts.dropout ?? 0, precision });
  const batchSize = opts.batchSize ?? (gated ? GATED_DEFAULTS.batchSize : 1);
  const seqLength = c.seqLength ?? (gated ? GATED_DEFAULTS.seqLength : 25);
  if (gated) {
    c = {
      ...c,
      ...(opts.given.has('optimizer') ? {} : { optimizer: optimizerFromFlags(new Map([...opts.flags, ['optimizer', GATED_DEFAULTS.optimizer]])) }),
      ...(opts.given.has('clip') ? {} : { clip: GATED_DEFAULTS.clip }),
      ...(opts.given.has('clip-norm') ? {} : { clipNorm: GATED_DEFAULTS.clipNorm }),
    };
  }
  const { corpus, fingerprint } = loadCorpusFile(opts.corpus, vocab, opts.init ?? '');
  checkStreams(corpus, opts.corpus, batchSize, seqLength, opts.valFraction);
  const valFraction = opts.valFraction ?? defaultValidationFraction(corpus.ids.length, seqLength);
  const parts = split(corpus, opts.corpus, valFraction, seqLength);
  const evalEvery = resolveEvalEvery(opts, parts.validation, seqLength, undefined);
  // Fine-tuning: a fresh Adagrad (or Adam) memory makes the first update about ±learningRate on every
  // weight, whatever its gradient, which wrecks a trained model; a short warm-up avoids that.
  const warmup = init !== undefined && !opts.given.has('lr-schedule') && typeof c.optimizer === 'object';
  const optimizerSpec = optimizerSpecOf(
    warmup ? { ...c, optimizer: { ...(c.optimizer as OptimizerSpec), schedule: { kind: 'warmup', steps: INIT_WARMUP } } } : c,
  );
  const notices: string[] = [];
  if (warmup) {
    notices.push(
      `--init: the learning rate warms up over the first ${INIT_WARMUP} iterations (--lr-schedule warmup:steps=${INIT_WARMUP}; give --lr-schedule constant for none)`,
    );
  }
  const learningRate = optimizerSpec.learningRate!;
  const checkpointEvery = opts.checkpointEvery ?? DEFAULT_CHECKPOINT_EVERY;
  const hyperparameters: Record<string, string | number | boolean | null> & TrainingHyperparameters = {
    hiddenSize,
    ...modelSettings(model, batchSize),
    seqLength,
    learningRate,
    ...clipOf(c),
    seed: c.seed ?? '1',
    iterations: c.iterations ?? null,
    sampleEvery: c.sampleEvery ?? 100,
    sampleLength: c.sampleLength ?? 200,
    temperature: c.temperature ?? 1,
    logEvery: c.logEvery ?? 100,
    valFraction,
    evalEvery,
    checkpointEvery,
    ...(opts.onNan === 'rollback' ? { onNan: 'rollback' } : {}),
  };
  if (opts.plot !== undefined) hyperparameters.plot = resolve(opts.plot);
  if (opts.keepBest !== undefined) hyperparameters.keepBest = resolve(opts.keepBest);
  const config: TrainConfig = {
    ...c,
    model,
    hiddenSize,
    seqLength,
    batchSize,
    optimizer: optimizerSpec,
    ...(opts.onNan === 'rollback' ? { guard: NAN_GUARD } : {}),
    ...(init ? { init } : {}),
    ...(parts.validation ? { validation: { corpus: parts.validation, every: evalEvery } } : {}),
  };
  return {
    corpusPath: opts.corpus,
    fingerprint,
    vocab: corpus.vocab,
    corpusLength: corpus.ids.length,
    train: parts.train,
    validation: parts.validation,
    config,
    hyperparameters,
    model,
    batchSize,
    optimizerSpec,
    seqLength,
    logEvery: hyperparameters.logEvery,
    valFraction,
    evalEvery,
    checkpointEvery,
    startIteration: 0,
    target: c.iterations,
    lossHistory: [],
    valHistory: [],
    best: undefined,
    checkpointPath: opts.checkpoint,
    keepBestPath: opts.keepBest,
    plotPath: opts.plot,
    notices,
    resumedFrom: undefined,
    fineTune: false,
  };
}

/** Refuses a batch size whose streams of the training part would be shorter than seq-length + 1. */
function checkStreams(corpus: Corpus, path: string, batchSize: number, seqLength: number, valFraction: number | undefined): void {
  if (batchSize === 1) return;
  const trainLength = Math.floor(corpus.ids.length * (1 - (valFraction ?? 0)));
  const stream = Math.floor(trainLength / batchSize);
  if (stream < seqLength + 1) {
    throw new UsageError(
      `--batch-size ${batchSize} cuts the ${trainLength} training characters of ${path} into streams of ${stream}, ` +
        `shorter than --seq-length ${seqLength} + 1; use a smaller batch size or sequence length`,
    );
  }
}

/**
 * The plan with the `--init` model's mean loss per character measured (on the held-out part, or the
 * training text's head) with the plan's kernel; the smooth loss starts from it, not from a uniform guess.
 */
function withInitMeasured(plan: TrainPlan, path: string): TrainPlan {
  const params = plan.config.init!;
  const heldOut = plan.validation !== undefined;
  const text = plan.validation ?? plan.train;
  const ids = heldOut ? text.ids : text.ids.subarray(0, Math.min(text.ids.length, INIT_MEASURE_CHARS));
  const kernel = plan.config.kernel;
  const model = createNetwork(params.spec, params.vocabSize, { ...(kernel ? { kernel } : {}), maxSeqLength: plan.seqLength });
  model.params.data.set(params.data);
  const loss = heldOutLoss(model, ids, plan.seqLength);
  return { ...plan, config: { ...plan.config, initialSmoothLoss: loss * plan.seqLength }, initial: { path, loss, heldOut } };
}

function resolveEvalEvery(
  opts: TrainOptions,
  validation: Corpus | undefined,
  seqLength: number,
  recorded: number | undefined,
): number {
  if (!validation) {
    const why =
      opts.valFraction === 0
        ? ', but --val-fraction 0 holds none out (give a fraction such as 0.05)'
        : opts.resume !== undefined && opts.valFraction === undefined
          ? `, but the run in ${opts.resume} holds none out (valFraction 0)`
          : ': give --val-fraction (the corpus is too small for the default)';
    if (opts.evalEvery !== undefined && opts.evalEvery > 0) throw new UsageError(`--eval-every needs held-out text${why}`);
    if (opts.keepBest) throw new UsageError(`--keep-best needs held-out text${why}`);
    return 0;
  }
  const every = opts.evalEvery ?? recorded ?? defaultEvalEvery(validation.ids.length, seqLength);
  if (opts.keepBest && every === 0) throw new UsageError('--keep-best needs validation: --eval-every must not be 0');
  return every;
}

function planResume(opts: TrainOptions, file: string): TrainPlan {
  if (opts.init) throw new UsageError('--init and --resume cannot be combined (--resume already restores the weights)');
  const ckpt = loadCheckpointFile(file);
  const t = ckpt.training;
  if (!t) {
    const kind = ckpt.format === 'safetensors' ? 'a safetensors export' : 'a weights-only checkpoint';
    throw new UsageError(`${file} is ${kind} with no training state to resume; use --init ${file} to start a new run from its weights`);
  }
  const h = t.hyperparameters;
  const notices: string[] = [];

  // Which text: the one recorded, or the one given.
  const corpusGiven = opts.given.has('corpus');
  const corpusPath = corpusGiven ? opts.corpus : t.corpus?.path;
  if (corpusPath === undefined) throw new UsageError(`checkpoint ${file} records no corpus; pass --corpus FILE`);
  let same = true;
  let read = false; // the text was read whole; later errors are about its contents
  let loaded;
  try {
    loaded = loadCorpusFile(corpusPath, ckpt.vocab, file, (fingerprint) => {
      read = true;
      same = !t.corpus || (t.corpus.length === fingerprint.length && t.corpus.sha256 === fingerprint.sha256);
      if (!same && !corpusGiven) {
        throw new UsageError(
          `corpus ${corpusPath} has changed since checkpoint ${file} was written ` +
            `(it had ${t.corpus!.length} characters, sha256 ${t.corpus!.sha256.slice(0, 12)}…; now ${fingerprint.length}, ` +
            `${fingerprint.sha256.slice(0, 12)}…); pass --corpus ${corpusPath} to fine-tune on its new contents`,
        );
      }
    });
  } catch (e) {
    if (e instanceof UsageError && !corpusGiven && !read) throw new UsageError(`${e.message} (recorded in checkpoint ${file}; pass --corpus FILE)`);
    throw e;
  }
  const { corpus, fingerprint } = loaded;
  const fineTune = !same;

  // Settings that define the run must not change; the rest may, and are reported.
  const c = opts.config;
  const conflict = (flag: string, given: unknown, recorded: unknown, field: string): void => {
    throw new UsageError(
      `--${flag} ${String(given)} conflicts with checkpoint ${file} (${field} ${String(recorded)}); it cannot change when resuming`,
    );
  };
  if (opts.hiddenSize !== undefined && opts.hiddenSize !== h.hiddenSize) conflict('hidden-size', opts.hiddenSize, h.hiddenSize, 'hiddenSize');
  const spec = ckpt.params.spec;
  const batchSize = t.batchSize ?? 1;
  if (opts.model !== undefined && opts.model !== spec.type) conflict('model', opts.model, spec.type, 'model');
  if (opts.layers !== undefined && opts.layers !== spec.layers) conflict('layers', opts.layers, spec.layers, 'layers');
  if (opts.dropout !== undefined && opts.dropout !== spec.dropout) conflict('dropout', opts.dropout, spec.dropout, 'dropout');
  const recordedPrecision = spec.precision ?? 'f64'; // checkpoints without the field are float64 runs
  if (opts.precision !== undefined && opts.precision !== recordedPrecision) conflict('precision', opts.precision, recordedPrecision, 'precision');
  if (opts.batchSize !== undefined && opts.batchSize !== batchSize) conflict('batch-size', opts.batchSize, batchSize, 'batchSize');
  if (c.seqLength !== undefined && c.seqLength !== h.seqLength) conflict('seq-length', c.seqLength, h.seqLength, 'seqLength');
  if (c.seed !== undefined && String(c.seed) !== String(h.seed)) conflict('seed', c.seed, h.seed, 'seed');
  const recordedFraction = typeof h.valFraction === 'number' ? h.valFraction : 0;
  if (!fineTune && opts.valFraction !== undefined && opts.valFraction !== recordedFraction) {
    conflict('val-fraction', opts.valFraction, recordedFraction, 'valFraction');
  }
  const savedSpec: OptimizerSpec = t.optimizer?.spec ?? { name: 'adagrad', learningRate: h.learningRate };
  // Optimizer flags without --optimizer refer to the recorded optimizer.
  const givenSpec = c.optimizer ?? optimizerFromFlags(new Map([...opts.flags, ['optimizer', savedSpec.name]]));
  if (typeof givenSpec === 'object') {
    // Compare only what the command line asked for: the spec it carries has every default filled in,
    // which says nothing about the recorded run.
    const given = givenSpec;
    const field = (spec: OptimizerSpec, key: string): unknown => (spec as unknown as Record<string, unknown>)[key];
    if (opts.given.has('optimizer') && given.name !== savedSpec.name) conflict('optimizer', given.name, savedSpec.name, 'optimizer');
    for (const [flag, key] of HYPERPARAMETER_FLAGS) {
      if (key === 'learningRate' || !opts.given.has(flag)) continue;
      if (field(given, key) !== field(savedSpec, key)) conflict(flag, field(given, key), field(savedSpec, key) ?? 'unset', `optimizer ${key}`);
    }
    if (opts.given.has('lr-schedule') && JSON.stringify(given.schedule) !== JSON.stringify(savedSpec.schedule)) {
      const show = (x: unknown): string => (x === undefined ? 'constant' : JSON.stringify(x));
      conflict('lr-schedule', show(given.schedule), show(savedSpec.schedule), 'optimizer schedule');
    }
  }
  // Older checkpoints have no clip settings: they were trained with the classic ±5.
  const recordedClip = typeof h.clip === 'number' ? h.clip : 5;
  const recordedClipNorm = typeof h.clipNorm === 'number' ? h.clipNorm : null;
  if (opts.given.has('clip') && c.clip !== recordedClip) conflict('clip', c.clip, recordedClip, 'clip');
  if (opts.given.has('clip-norm') && c.clipNorm !== recordedClipNorm) conflict('clip-norm', c.clipNorm, recordedClipNorm ?? 'off', 'clipNorm');

  const seqLength = h.seqLength;
  const changes: string[] = [];
  const pick = <V extends string | number | null>(label: string, given: V | undefined, recorded: V): V => {
    if (given === undefined || given === recorded) return recorded;
    changes.push(`${label} ${recorded ?? 'unbounded'} → ${given}`);
    return given;
  };
  const givenRate = opts.given.has('learning-rate')
    ? (c.learningRate ?? (typeof givenSpec === 'object' ? givenSpec.learningRate : undefined))
    : undefined;
  const learningRate = pick('learning rate', givenRate, savedSpec.learningRate ?? h.learningRate);
  const iterations = pick('iterations', c.iterations ?? undefined, h.iterations);
  const sampleEvery = pick('sample every', c.sampleEvery, h.sampleEvery);
  const sampleLength = pick('sample length', c.sampleLength, h.sampleLength);
  const temperature = pick('temperature', c.temperature, h.temperature);
  const logEvery = pick('log every', c.logEvery, h.logEvery);
  const recordedCheckpointEvery = typeof h.checkpointEvery === 'number' ? h.checkpointEvery : DEFAULT_CHECKPOINT_EVERY;
  const checkpointEvery = pick('checkpoint every', opts.checkpointEvery, recordedCheckpointEvery);

  const valFraction = fineTune
    ? (opts.valFraction ?? defaultValidationFraction(corpus.ids.length, seqLength))
    : recordedFraction;
  checkStreams(corpus, corpusPath, batchSize, seqLength, valFraction);
  const parts = split(corpus, corpusPath, valFraction, seqLength);
  if (!fineTune && t.validation && parts.train.ids.length !== t.validation.trainLength) {
    throw new CheckpointError(
      `checkpoint ${file} trained on the first ${t.validation.trainLength} characters, but --val-fraction ${valFraction} gives ${parts.train.ids.length}`,
    );
  }
  const recordedEvalEvery = !fineTune && typeof h.evalEvery === 'number' ? h.evalEvery : undefined;
  const evalEvery = resolveEvalEvery(opts, parts.validation, seqLength, recordedEvalEvery);
  if (recordedEvalEvery !== undefined && evalEvery !== recordedEvalEvery) changes.push(`eval every ${recordedEvalEvery} → ${evalEvery}`);

  let resume: ResumeState = resumeStateOf(t);
  if (fineTune) {
    // New text: read it from its start with a fresh hidden state; weights, optimizer memory, smooth
    // loss and the sampler carry on.
    resume = { ...resume, cursor: { iteration: t.iteration, position: 0 }, hprev: new Float64Array(t.hprev.length) };
    notices.push(
      `fine-tuning on ${corpusPath} (not the text checkpoint ${file} was trained on): data position restarts at 0, hidden state at zeros`,
    );
  }
  const target = iterations ?? undefined;
  notices.unshift(
    `resuming ${file} at iteration ${t.iteration}${target !== undefined ? ` (to ${target})` : ' (until stopped)'}`,
  );
  if (changes.length > 0) notices.push(`changed at resume: ${changes.join(', ')}`);

  // The chart and the best-model file go on where the run put them, unless flags say otherwise.
  const checkpointPath = opts.checkpoint ?? file;
  const recorded = (key: string): string | undefined => (typeof h[key] === 'string' && h[key] !== '' ? (h[key] as string) : undefined);
  const plotPath = opts.plot ?? recorded('plot');
  let keepBestPath = opts.keepBest;
  const recordedBest = recorded('keepBest');
  if (keepBestPath === undefined && recordedBest !== undefined) {
    if (!parts.validation || evalEvery === 0) {
      notices.push(`not keeping the best model in ${recordedBest} as the run did: this run has no validation`);
    } else if (resolve(recordedBest) === resolve(file) || resolve(recordedBest) === resolve(checkpointPath)) {
      // Resuming the best-model file itself: it becomes the checkpoint, and cannot be both.
      notices.push(`not keeping the best model in ${recordedBest} as the run did: it is the checkpoint this run writes`);
    } else {
      keepBestPath = recordedBest;
    }
  }
  const remembered = [
    ...(opts.plot === undefined && plotPath !== undefined ? [`the chart in ${plotPath}`] : []),
    ...(opts.keepBest === undefined && keepBestPath !== undefined ? [`the best model in ${keepBestPath}`] : []),
  ];
  if (remembered.length > 0) notices.push(`continuing ${remembered.join(' and ')} (as recorded in ${file})`);

  const optimizerSpec: OptimizerSpec = { ...savedSpec, learningRate };
  // The NaN policy goes on as recorded unless --on-nan says otherwise.
  const onNan = opts.onNan ?? (h.onNan === 'rollback' ? 'rollback' : 'abort');
  const { onNan: _recorded, ...recordedSettings } = h;
  const hyperparameters: TrainingHyperparameters = {
    ...recordedSettings,
    ...(onNan === 'rollback' ? { onNan } : {}),
    ...(plotPath !== undefined ? { plot: resolve(plotPath) } : {}),
    ...(keepBestPath !== undefined ? { keepBest: resolve(keepBestPath) } : {}),
    learningRate,
    clip: recordedClip,
    clipNorm: recordedClipNorm,
    iterations: iterations ?? null,
    sampleEvery,
    sampleLength,
    temperature,
    logEvery,
    valFraction,
    evalEvery,
    checkpointEvery,
  };
  const config: TrainConfig = {
    ...c,
    model: spec,
    hiddenSize: h.hiddenSize,
    batchSize,
    seqLength,
    learningRate,
    seed: h.seed,
    ...(target !== undefined ? { iterations: target } : {}),
    sampleEvery,
    sampleLength,
    temperature,
    logEvery,
    init: ckpt.params,
    optimizer: optimizerSpec,
    clip: recordedClip,
    clipNorm: recordedClipNorm,
    resume,
    ...(onNan === 'rollback' ? { guard: NAN_GUARD } : {}),
    ...(parts.validation ? { validation: { corpus: parts.validation, every: evalEvery } } : {}),
  };
  if (target === undefined) delete (config as { iterations?: number }).iterations;
  const history = t.validation?.history ?? [];
  return {
    corpusPath,
    fingerprint,
    vocab: ckpt.vocab,
    corpusLength: corpus.ids.length,
    train: parts.train,
    validation: parts.validation,
    config,
    hyperparameters,
    model: spec,
    batchSize,
    optimizerSpec,
    seqLength,
    logEvery,
    valFraction,
    evalEvery,
    checkpointEvery,
    startIteration: t.iteration,
    target,
    lossHistory: t.lossHistory.map(([i, l]) => [i, l] as const),
    valHistory: history.map((e) => ({ ...e })),
    best: fineTune ? undefined : t.validation?.best,
    checkpointPath,
    keepBestPath,
    plotPath,
    notices,
    resumedFrom: file,
    fineTune,
    rememberedOutputs: [...(opts.plot === undefined && plotPath ? [resolve(plotPath)] : []), ...(opts.keepBest === undefined && keepBestPath ? [resolve(keepBestPath)] : [])],
  };
}

/**
 * Checks every file the run will write before it starts: the folder accepts files, the paths differ,
 * and an existing file there is one of ours (a checkpoint, or an SVG for the chart), never user data.
 * Also removes temporary files that killed runs left beside them.
 */
function checkOutputs(plan: TrainPlan): void {
  const outputs: Array<[string, string | undefined]> = [
    ['checkpoint', plan.checkpointPath],
    ['keep-best', plan.keepBestPath],
    ['plot', plan.plotPath],
  ];
  const seen = new Map<string, string>([[resolve(plan.corpusPath), 'corpus']]);
  for (const [flag, path] of outputs) {
    if (path === undefined) continue;
    const abs = resolve(path);
    const other = seen.get(abs);
    if (other) throw new UsageError(`--${flag} ${path} is the same file as the ${other}; choose another path`);
    seen.set(abs, `--${flag} file`);
    try {
      checkWritable(path, flag === 'plot' ? 'plot' : flag === 'keep-best' ? 'keep-best checkpoint' : 'checkpoint');
    } catch (e) {
      if (e instanceof CheckpointError) throw new UsageError(e.message);
      throw e;
    }
    if (existsSync(path)) {
      if (flag === 'plot') {
        const head = readFileSync(path).subarray(0, 256).toString('utf8').trimStart();
        if (!head.startsWith('<svg') && !head.startsWith('<?xml')) {
          throw new UsageError(`refusing to replace ${path} with a chart: it exists and is not an SVG file`);
        }
      } else if (resolve(path) !== resolve(plan.resumedFrom ?? '')) {
        try {
          const bytes = readFileSync(path);
          if (isSafetensors(bytes)) throw new CheckpointError('it is a safetensors export');
          const old = loadCheckpointFile(path);
          const at = old.training ? ` at iteration ${old.training.iteration}` : '';
          // A file the resumed run recorded is this run's own: no news.
          if (!(plan.rememberedOutputs ?? []).includes(abs)) {
            plan.notices.push(`${path} holds a checkpoint${at} from an earlier run; this run will replace it when it saves`);
          }
        } catch (e) {
          const why = e instanceof Error ? e.message : String(e);
          throw new UsageError(`refusing to replace ${path}: it exists and is not a min-char-rnn training checkpoint (${why})`);
        }
      }
    }
    removeStaleTempFiles(path);
  }
}
