import { defer, filter, identity, map, startWith, Subject, Subscription, takeUntil, type OperatorFunction, type Observable } from 'rxjs';
import type { Corpus } from '../corpus/corpus.js';
import { evaluateEvery, evaluateStep, type EvaluatedStep, type Evaluation } from '../operators/evaluateEvery.js';
import { windows, type WindowCursor } from '../corpus/windows.js';
import { ConfigError, requireInteger, requirePositive } from '../errors.js';
import type { Kernel } from '../model/kernel.js';
import { initModel, matchesTable } from '../model/families.js';
import { copyParams } from '../model/rnn/classic/params.js';
import type { RandomState } from '../model/rng.js';
import { resolveModelSpec, type ModelSpec, type ResolvedModelSpec } from '../model/spec.js';
import type { ModelParams } from '../model/tensors.js';
import { clipByGlobalNorm } from '../operators/clipByGlobalNorm.js';
import { clipByValue } from '../operators/clipByValue.js';
import { diagnostics, type DiagnosedStep, type DiagnosticsConfig } from '../operators/diagnostics.js';
import { guardNonFinite, type GuardedStep, type GuardNonFiniteConfig } from '../optimizers/guardNonFinite.js';
import { lossFun } from '../operators/lossFun.js';
import { sampleEvery, type Sample, type SampledStep } from '../operators/sampleEvery.js';
import { smoothLoss } from '../operators/smoothLoss.js';
import type { TrainingStep } from '../operators/step.js';
import { createOptimizer, type OptimizerSpec } from '../optimizers/registry.js';
import type { OptimizedStep, OptimizerState } from '../optimizers/optimizer.js';
import { recordLoss } from '../util/lossHistory.js';
import { now } from '../util/macrotask.js';

/** Everything that shapes a training run. Every field has the classic default. */
export interface TrainConfig {
  /**
   * The model: `{ type: 'rnn' | 'lstm' | 'gru', hiddenSize, layers = 1, dropout = 0 }`. Default: the
   * model of `init` when given (without dropout), else the classic one-layer RNN of `hiddenSize`.
   */
  readonly model?: ModelSpec;
  /** H, size of the hidden state (the model's, when `model` is omitted). Default 100. */
  readonly hiddenSize?: number;
  /**
   * B, streams trained side by side: the text is cut into B contiguous parts, each window holds T
   * characters of each; the loss is the mean over streams of their summed losses, the gradients the
   * mean. Default 1, the classic loop.
   */
  readonly batchSize?: number;
  /** T, characters per window (the truncation length of backprop through time). Default 25. */
  readonly seqLength?: number;
  /**
   * Step size of the optimizer when `optimizer` is omitted (Adagrad) or is a spec without a
   * `learningRate`. Default: the optimizer's own default (Adagrad 0.1).
   */
  readonly learningRate?: number;
  /** Seed for the initial weights; the sampling generator is seeded with `${seed}:sample`. Default 1. */
  readonly seed?: string | number;
  /** Stop when this many iterations have run (counting from 0). Default: never. */
  readonly iterations?: number;
  /** Sample every N iterations; 0 never samples. Default 100. */
  readonly sampleEvery?: number;
  /** Characters per sample. Default 200. */
  readonly sampleLength?: number;
  /** Sampling temperature. Default 1. */
  readonly temperature?: number;
  /**
   * Live sampling temperature, e.g. from a slider: while subscribed, its latest value replaces
   * `temperature` from the next sample on (`temperature` applies until it first emits).
   */
  readonly temperature$?: Observable<number>;
  /** `loss$` reports every N iterations. Default 100. */
  readonly logEvery?: number;
  /** Start from these weights instead of random ones (must match the corpus vocabulary and the model). */
  readonly init?: ModelParams;
  /** Compute backend. Default: the automatically chosen one. */
  readonly kernel?: Kernel;
  /**
   * The optimizer stage: a spec such as `{ name: 'adam', learningRate: 0.002 }` (see
   * {@link createOptimizer}; a resumed run continues from `resume.optimizer`), or any operator that keeps
   * the optimizer contract (docs/optimizers.md): it updates `step.params.data` in place from `step.grads`.
   * Default: Adagrad with `learningRate`.
   */
  readonly optimizer?: OptimizerSpec | OperatorFunction<TrainingStep & SampledStep, TrainingStep & SampledStep & OptimizedStep>;
  /** Clip every gradient element to [−clip, clip] ({@link clipByValue}); `null` or 0 turns it off. Default 5. */
  readonly clip?: number | null;
  /** Then scale the gradients down to this global norm when above it ({@link clipByGlobalNorm}); `null` or 0 is off. Default off. */
  readonly clipNorm?: number | null;
  /** Resume the loop: window cursor, hidden state, optimizer state, smooth loss, sampler. */
  readonly resume?: ResumeState;
  /**
   * Where the smoothed loss starts (when not resuming). Default: `−ln(1/V)·T`, the loss of a uniform
   * guess, right for random weights; fine-tuning from `init` should start from the loaded model's
   * measured loss per window instead, or the smooth loss spends thousands of iterations coming down.
   */
  readonly initialSmoothLoss?: number;
  /** Yield to the event loop after this many ms of work. Default 16. */
  readonly yieldEveryMs?: number;
  /** Measure the loss of held-out text as training goes (see {@link evaluateEvery}). Default: none. */
  readonly validation?: ValidationConfig;
  /**
   * Undo a step whose loss is not finite instead of failing ({@link guardNonFinite}, after the
   * optimizer): the last good state comes back and the learning rate drops. Default: none (a non-finite
   * loss fails the run with a `NonFiniteLossError`).
   */
  readonly guard?: GuardNonFiniteConfig;
  /** Attach gradient and update statistics every N iterations ({@link diagnostics}). Default: none. */
  readonly diagnostics?: DiagnosticsConfig;
}

/** Held-out text and how often to measure its loss. */
export interface ValidationConfig {
  /** The held-out text under the training vocabulary, e.g. `splitCorpus(corpus, 0.05).validation`. */
  readonly corpus: Corpus;
  /** Evaluate when `iteration % every == 0`; 0 never. Default 1000. */
  readonly every?: number;
  /**
   * Also evaluate the last iteration of `iterations`, so a run always ends measured (and a best-model
   * keeper sees the final weights). Default true.
   */
  readonly final?: boolean;
  /** Also evaluate where this returns true, e.g. on the step a stop request lands on (see {@link evaluateEvery}). */
  readonly alsoAt?: (iteration: number) => boolean;
}

/** The loop state a run can continue from (see the checkpoint module for how it is saved). */
export interface ResumeState {
  readonly cursor: WindowCursor;
  /** Every stream's state, (B, S). */
  readonly hprev: Float64Array;
  /** The dropout generator's position (models with dropout). */
  readonly dropoutRandomState?: RandomState;
  readonly smoothLoss: number;
  readonly optimizer?: OptimizerState;
  readonly sampleRandomState?: RandomState;
}

/** A step of the default pipeline, after every stage (`optimizer` is live: copy it to keep it). */
export type TrainedStep = TrainingStep &
  SampledStep &
  OptimizedStep &
  GuardedStep &
  DiagnosedStep &
  EvaluatedStep & { readonly smoothLoss: number };

/** What `loss$` reports: plain numbers, safe to keep. */
export interface LossRecord {
  readonly iteration: number;
  /** That window's raw loss. */
  readonly loss: number;
  /** The smoothed loss after including it. */
  readonly smoothLoss: number;
}

/** Config with every default filled in. */
export type ResolvedTrainConfig = Required<
  Pick<
    TrainConfig,
    | 'hiddenSize'
    | 'seqLength'
    | 'seed'
    | 'iterations'
    | 'sampleEvery'
    | 'sampleLength'
    | 'temperature'
    | 'logEvery'
    | 'yieldEveryMs'
    | 'batchSize'
  >
> &
  Pick<TrainConfig, 'learningRate' | 'init' | 'kernel' | 'optimizer' | 'resume' | 'validation' | 'guard' | 'diagnostics' | 'initialSmoothLoss' | 'temperature$'> & {
    /** The elementwise clip limit, or null when off. */
    readonly clip: number | null;
    /** The global-norm clip, or null when off. */
    readonly clipNorm: number | null;
    /** The model trained, every field filled in (its hiddenSize is `hiddenSize`). */
    readonly model: ResolvedModelSpec;
  };

/** Fills defaults and checks every value, so a bad one fails before training starts. */
export function resolveTrainConfig(config?: TrainConfig): ResolvedTrainConfig {
  const {
    model: givenSpec,
    hiddenSize = givenSpec?.hiddenSize ?? config?.init?.hiddenSize ?? 100,
    batchSize = 1,
    seqLength = 25,
    seed = 1,
    iterations = Infinity,
    sampleEvery = 100,
    sampleLength = 200,
    temperature = 1,
    logEvery = 100,
    yieldEveryMs = 16,
    clip = 5,
    clipNorm = null,
    ...rest
  } = config ?? {};
  requireInteger('hiddenSize', hiddenSize);
  requireInteger('batchSize', batchSize);
  // Without a spec, weights given as `init` say which model they are (a resumed LSTM, a PyTorch file).
  const modelSpec: ModelSpec | undefined = givenSpec ?? (rest.init ? { ...rest.init.spec, dropout: 0 } : undefined);
  if (modelSpec?.hiddenSize !== undefined && modelSpec.hiddenSize !== hiddenSize) {
    throw new ConfigError('hiddenSize', hiddenSize, `the model's hiddenSize ${modelSpec.hiddenSize} (give one of them)`);
  }
  const model = resolveModelSpec({ type: 'rnn', ...modelSpec, hiddenSize });
  requireInteger('seqLength', seqLength);
  if (rest.learningRate !== undefined) requirePositive('learningRate', rest.learningRate);
  if (iterations !== Infinity) requireInteger('iterations', iterations, 0);
  requireInteger('sampleEvery', sampleEvery, 0);
  requireInteger('sampleLength', sampleLength);
  requirePositive('temperature', temperature);
  requireInteger('logEvery', logEvery);
  if (typeof seed !== 'string' && !Number.isFinite(seed)) throw new ConfigError('seed', seed, 'a string or number');
  if (clip !== null && clip !== 0) requirePositive('clip', clip);
  if (clipNorm !== null && clipNorm !== 0) requirePositive('clipNorm', clipNorm);
  if (rest.initialSmoothLoss !== undefined) requirePositive('initialSmoothLoss', rest.initialSmoothLoss);
  return {
    model,
    hiddenSize,
    batchSize,
    seqLength,
    seed,
    iterations,
    sampleEvery,
    sampleLength,
    temperature,
    logEvery,
    yieldEveryMs,
    clip: clip || null,
    clipNorm: clipNorm || null,
    ...rest,
  };
}

/**
 * The default training pipeline as one cold Observable:
 * `windows → lossFun (any model family, B streams) → clipByValue(5) → [clipByGlobalNorm] → sampleEvery → optimizer (adagrad) → smoothLoss`,
 * then `evaluateEvery` when `validation` is configured.
 *
 * Each subscription is one independent training run with its own weights, hidden state, optimizer
 * memory and generators (all created at subscription). Sampling sits before the optimizer so it draws
 * from the same weights as the classic loop does at that iteration.
 *
 * ```ts
 * import { createCorpus, trainingSteps } from 'min-char-rnn';
 * import { last } from 'rxjs';
 *
 * const corpus = createCorpus('the quick brown fox jumps over the lazy dog. '.repeat(20));
 * trainingSteps(corpus, { hiddenSize: 32, seqLength: 16, iterations: 300 })
 *   .pipe(last())
 *   .subscribe((s) => console.log(s.iteration, s.smoothLoss < 45));
 * // 299 true
  *
 * // Any model family, on B streams: a 2-layer GRU with dropout over 4 streams of the text.
 * trainingSteps(corpus, { model: { type: 'gru', hiddenSize: 32, layers: 2, dropout: 0.1 }, batchSize: 4, seqLength: 16, iterations: 50 })
 *   .pipe(last())
 *   .subscribe((s) => console.log(s.model.spec.type, s.hprev.length));
 * // gru 256  (4 streams × 2 layers × 32)
 * ```
 *
 * @param corpus The encoded text.
 * @param config See {@link TrainConfig}; every field has the classic default.
 * @returns A cold Observable of fully processed steps (buffers valid during emission only).
 */
export function trainingSteps(corpus: Corpus, config?: TrainConfig): Observable<TrainedStep> {
  const c = resolveTrainConfig(config);
  const V = corpus.vocab.size;
  if (c.init && (c.init.vocabSize !== V || !matchesTable(c.init, c.model, V))) {
    throw new ConfigError(
      'init',
      `${c.init.spec.type} ${c.init.hiddenSize}x${c.init.vocabSize}`,
      `weights for ${c.model.type} with ${c.model.layers} layer(s) of hiddenSize ${c.hiddenSize} and vocabulary size ${V}`,
    );
  }
  // Built before subscription so that a bad spec or saved state fails here, not mid-stream; the
  // operator itself is cold (its state is per subscription).
  const spec = trainingOptimizerSpec(config);
  const optimizer = spec
    ? createOptimizer<TrainingStep & SampledStep>(spec, c.resume?.optimizer)
    : (c.optimizer as OperatorFunction<TrainingStep & SampledStep, TrainingStep & SampledStep & OptimizedStep>);
  const window$ = windows(corpus, {
    seqLength: c.seqLength,
    ...(c.batchSize !== 1 ? { batchSize: c.batchSize } : {}),
    iterations: c.iterations,
    yieldEveryMs: c.yieldEveryMs,
    ...(c.resume ? { start: c.resume.cursor } : {}),
  });
  const alsoAt = extraEvaluations(c);
  return defer(() => {
    // The init weights' own table, with this run's dropout (a training setting the spec carries).
    const params = c.init ? { ...c.init, spec: c.model } : initModel(c.model, V, c.seed);
    return window$.pipe(
      lossFun(params, {
        clip: null, // clipping is the next stage
        seed: c.seed,
        ...(c.kernel ? { kernel: c.kernel } : {}),
        ...(c.resume ? { hprev: c.resume.hprev } : {}),
        ...(c.resume?.dropoutRandomState ? { dropoutRandomState: c.resume.dropoutRandomState } : {}),
        ...(c.guard ? { nonFinite: 'pass' as const } : {}),
      }),
      // Before clipping, so it sees the raw gradient and which elements clipping will change.
      c.diagnostics ? diagnostics<TrainingStep>({ ...c.diagnostics, clip: c.clip }) : identity,
      c.clip !== null ? clipByValue(c.clip) : identity,
      c.clipNorm !== null ? clipByGlobalNorm(c.clipNorm) : identity,
      sampleEvery(c.sampleEvery, {
        vocab: corpus.vocab,
        length: c.sampleLength,
        temperature: c.temperature$ ? c.temperature$.pipe(startWith(c.temperature)) : c.temperature,
        seed: `${c.seed}:sample`,
        ...(c.resume?.sampleRandomState ? { randomState: c.resume.sampleRandomState } : {}),
      }),
      optimizer,
      c.guard ? guardNonFinite<TrainingStep & SampledStep & OptimizedStep>(c.guard) : identity,
      smoothLoss(
        c.resume ? { initial: c.resume.smoothLoss } : c.initialSmoothLoss !== undefined ? { initial: c.initialSmoothLoss } : {},
      ),
      c.validation
        ? evaluateEvery<TrainingStep & SampledStep & OptimizedStep & { readonly smoothLoss: number }>(c.validation.every ?? 1000, {
            corpus: c.validation.corpus,
            seqLength: c.seqLength,
            ...(alsoAt ? { alsoAt } : {}),
          })
        : (s$: Observable<TrainedStep>) => s$,
    );
  });
}

/** The evaluations beside the regular ones: the run's last iteration, and whatever the config adds. */
function extraEvaluations(c: ResolvedTrainConfig): ((iteration: number) => boolean) | undefined {
  const v = c.validation;
  if (!v || v.every === 0) return undefined; // validation is off
  const last = v.final !== false && Number.isFinite(c.iterations) ? c.iterations - 1 : undefined;
  const also = v.alsoAt;
  if (last === undefined) return also;
  return (n) => n === last || (also?.(n) ?? false);
}

/**
 * The optimizer spec a config trains with (without defaults filled in): `optimizer` when it is a spec,
 * with `learningRate` added from the config when the spec has none; Adagrad otherwise. Undefined when
 * `optimizer` is an operator.
 */
export function trainingOptimizerSpec(config?: TrainConfig): OptimizerSpec | undefined {
  const { optimizer, learningRate } = config ?? {};
  if (typeof optimizer === 'function') return undefined;
  const spec = optimizer ?? { name: 'adagrad' };
  return spec.learningRate === undefined && learningRate !== undefined ? { ...spec, learningRate } : spec;
}

/** Why a run ended. */
export type TrainingEndReason = 'completed' | 'stopped' | 'error';

/** What {@link Training.done} resolves with: why the run ended and where it got to. Plain values. */
export interface TrainingResult {
  readonly reason: TrainingEndReason;
  /** Iterations completed in all (the next iteration number; a resumed run counts those before it). */
  readonly iterations: number;
  /** The last window's loss, when any window ran. */
  readonly loss?: number;
  /** The smoothed loss after the last window, when any window ran. */
  readonly smoothLoss?: number;
  /** The validation of the final weights (measured at the end when the last step had none). */
  readonly validation?: Evaluation;
  /** The lowest validation loss of this run. */
  readonly best?: Evaluation;
  /** Wall time from `start()` to the end. */
  readonly seconds: number;
  /** What failed, when `reason` is `'error'`. */
  readonly error?: Error;
}

/** The weights a run holds, with their vocabulary: what `serializeCheckpoint` and `generate` take. */
export interface TrainedModel {
  readonly vocab: Corpus['vocab'];
  readonly params: ModelParams;
}

/**
 * A training run with separate streams for steps, losses and samples that all share one run.
 *
 * Subscribe to any of the streams, then call `start()`: the run is multicast, so two subscribers never
 * start two trainings. `stop()` (or unsubscribing what `start()` returned) ends the run after the step
 * being processed, measures the final weights on the held-out text, and completes every stream; so do
 * reaching `iterations` (complete) and a failure (every stream errors). `done` says how it ended.
 */
export interface Training {
  /** Every step after all stages (live buffers: valid during emission only). */
  readonly step$: Observable<TrainedStep>;
  /** Loss and smoothed loss every `logEvery` iterations, as plain numbers. */
  readonly loss$: Observable<LossRecord>;
  /** Each sample as it is drawn. */
  readonly sample$: Observable<Sample>;
  /** Each validation result as it is measured, the final one included (only when `validation` is configured). */
  readonly validation$: Observable<Evaluation>;
  /** Starts the run (once; later calls return the same subscription, whose unsubscribe is `stop()`). */
  start(): Subscription;
  /**
   * Ends the run: after the current step when called during one (from a subscriber), else at once, the
   * last completed step being the final one. Then every stream completes. Stopping a run that has not
   * started ends it with no steps.
   */
  stop(): void;
  /** Resolves (never rejects) when the run has ended, with the reason and the final figures. */
  readonly done: Promise<TrainingResult>;
  /**
   * A copy of the weights after the last completed step, with the vocabulary (undefined before the first
   * step). Taken after `done`, it is the final model.
   */
  model(): TrainedModel | undefined;
  /**
   * The last completed step (undefined before the first). Its buffers are live: valid until the next
   * step runs, and for good once the run has ended. `trainingCheckpoint(run)` turns it into a resumable
   * checkpoint.
   */
  lastStep(): TrainedStep | undefined;
  /** The text trained on. */
  readonly corpus: Corpus;
  /** The run's settings, every default filled in. */
  readonly config: ResolvedTrainConfig;
  /** `[iteration, smoothLoss]` at every `logEvery`-th iteration so far (thinned when long), for charts and checkpoints. */
  readonly lossHistory: ReadonlyArray<readonly [number, number]>;
  /** Every validation so far, in order. */
  readonly validationHistory: readonly Evaluation[];
}

/**
 * Sets up the default pipeline on `corpus` as a multicast {@link Training}.
 *
 * It's like `connectable(trainingSteps(corpus, config))`, with `loss$` and `sample$` derived from the one
 * shared step stream, and a handle that can stop the run and hand over what it trained.
 *
 * ```ts
 * import { createCorpus, train } from 'min-char-rnn';
 * import { lastValueFrom } from 'rxjs';
 *
 * const run = train(createCorpus('hello world. '.repeat(50)), { hiddenSize: 16, iterations: 201 });
 * run.loss$.subscribe(({ iteration, smoothLoss }) => console.log(`iter ${iteration}, loss: ${smoothLoss.toFixed(2)}`));
 * run.sample$.subscribe(({ text }) => console.log(`----\n ${text} \n----`));
 * run.start();
 * setTimeout(() => run.stop(), 10_000); // or let it reach 201 iterations
 * const { reason, iterations } = await run.done;
 * const model = run.model(); // the final weights, e.g. for serializeCheckpoint or generate
 * ```
 *
 * @param corpus The encoded text.
 * @param config See {@link TrainConfig}.
 * @returns The run's streams, `start()`, `stop()`, `done` and the final model.
 */
export function train(corpus: Corpus, config?: TrainConfig): Training {
  const resolved = resolveTrainConfig(config);
  const { logEvery } = resolved;
  const steps = trainingSteps(corpus, config); // a bad config fails here, before start()
  const step$ = new Subject<TrainedStep>();
  const validation$ = new Subject<Evaluation>();
  const lossHistory: Array<readonly [number, number]> = [];
  const validationHistory: Evaluation[] = [];
  let best: Evaluation | undefined;
  let last: TrainedStep | undefined;
  let source: Subscription | undefined;
  let started = false;
  let ended = false;
  let emitting = false;
  let stopRequested = false;
  let startedAt = 0;
  let resolveDone: (result: TrainingResult) => void = () => undefined;
  const done = new Promise<TrainingResult>((resolve) => {
    resolveDone = resolve;
  });
  const handle = new Subscription(() => stop());
  // Ends the source synchronously, even while its first stretch of windows runs inside subscribe().
  const ended$ = new Subject<void>();

  const record = (v: Evaluation): void => {
    validationHistory.push(v);
    if (best === undefined || v.loss < best.loss) best = v;
    validation$.next(v);
  };

  const end = (reason: TrainingEndReason, error?: Error): void => {
    if (ended) return;
    ended = true;
    ended$.next();
    source?.unsubscribe();
    let failure = error;
    const v = resolved.validation;
    // A stop between regular evaluations still ends measured (a completed run was, by trainingSteps).
    if (!failure && last && v && v.every !== 0 && last.validation === undefined) {
      try {
        record(evaluateStep(last, { corpus: v.corpus, seqLength: resolved.seqLength }));
      } catch (e) {
        failure = e instanceof Error ? e : new Error(String(e));
      }
    }
    const finalValidation = validationHistory[validationHistory.length - 1];
    const result: TrainingResult = {
      reason: failure ? 'error' : reason,
      iterations: last ? last.iteration + 1 : (resolved.resume?.cursor.iteration ?? 0),
      ...(last ? { loss: last.loss, smoothLoss: last.smoothLoss } : {}),
      ...(finalValidation && last && finalValidation.iteration === last.iteration ? { validation: finalValidation } : {}),
      ...(best ? { best } : {}),
      seconds: started ? (now() - startedAt) / 1000 : 0,
      ...(failure ? { error: failure } : {}),
    };
    if (failure) {
      step$.error(failure);
      validation$.error(failure);
    } else {
      step$.complete();
      validation$.complete();
    }
    handle.unsubscribe();
    resolveDone(result);
  };

  function stop(): void {
    if (ended) return;
    stopRequested = true;
    if (!emitting) end('stopped');
  }

  return {
    step$: step$.asObservable(),
    loss$: step$.pipe(
      filter((s) => s.iteration % logEvery === 0),
      map(({ iteration, loss, smoothLoss }) => ({ iteration, loss, smoothLoss })),
    ),
    sample$: step$.pipe(
      filter((s): s is TrainedStep & { sample: Sample } => s.sample !== undefined),
      map((s) => s.sample),
    ),
    validation$: validation$.asObservable(),
    start() {
      if (started || ended) return handle;
      started = true;
      startedAt = now();
      const subscription = steps.pipe(takeUntil(ended$)).subscribe({
        next: (s) => {
          if (ended) return;
          last = s;
          if (s.iteration % logEvery === 0) recordLoss(lossHistory, s.iteration, s.smoothLoss);
          emitting = true;
          try {
            step$.next(s);
          } finally {
            emitting = false;
          }
          if (s.validation) record(s.validation);
          if (stopRequested) end('stopped');
        },
        error: (e: unknown) => end('error', e instanceof Error ? e : new Error(String(e))),
        complete: () => end('completed'),
      });
      source = subscription;
      // The first stretch of windows runs inside subscribe(); a stop during it ends the source now.
      if (ended) subscription.unsubscribe();
      return handle;
    },
    stop,
    done,
    model: () => (last ? { vocab: corpus.vocab, params: copyParams(last.params) } : undefined),
    lastStep: () => last,
    corpus,
    config: resolved,
    lossHistory,
    validationHistory,
  };
}
