import {
  connectable,
  defer,
  filter,
  map,
  Subject,
  type Connectable,
  type MonoTypeOperatorFunction,
  type Observable,
  type Subscription,
} from 'rxjs';
import type { Corpus } from '../corpus/corpus.js';
import { evaluateEvery, type EvaluatedStep, type Evaluation } from '../operators/evaluateEvery.js';
import { windows, type WindowCursor } from '../corpus/windows.js';
import { ConfigError, requireInteger, requirePositive } from '../errors.js';
import type { Kernel } from '../model/kernel.js';
import { initParams, type Params } from '../model/params.js';
import type { RandomState } from '../model/rng.js';
import { lossFun } from '../operators/lossFun.js';
import { sampleEvery, type Sample, type SampledStep } from '../operators/sampleEvery.js';
import { smoothLoss } from '../operators/smoothLoss.js';
import type { TrainingStep } from '../operators/step.js';
import { createOptimizer, type OptimizerSpec } from '../optimizers/registry.js';
import type { OptimizerState } from '../optimizers/optimizer.js';

/** Everything that shapes a training run. Every field has the classic default. */
export interface TrainConfig {
  /** H, size of the hidden state. Default 100. */
  readonly hiddenSize?: number;
  /** T, characters per window (the truncation length of backprop through time). Default 25. */
  readonly seqLength?: number;
  /** Adagrad step size. Default 0.1. */
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
  /** `loss$` reports every N iterations. Default 100. */
  readonly logEvery?: number;
  /** Start from these weights instead of random ones (must match the corpus vocabulary and hiddenSize). */
  readonly init?: Params;
  /** Compute backend. Default: the automatically chosen one. */
  readonly kernel?: Kernel;
  /**
   * The optimizer stage: a spec such as `{ name: 'adagrad', learningRate: 0.1 }` (see
   * {@link createOptimizer}), or your own operator that updates `step.params.data` in place from
   * `step.grads` and emits the step it received (or a spread of it, so fields added by earlier
   * stages, like `sample`, travel on). Default: Adagrad with `learningRate`.
   */
  readonly optimizer?: OptimizerSpec | MonoTypeOperatorFunction<TrainingStep>;
  /** Resume the loop: window cursor, hidden state, optimizer state, smooth loss, sampler. */
  readonly resume?: ResumeState;
  /** Yield to the event loop after this many ms of work. Default 16. */
  readonly yieldEveryMs?: number;
  /** Measure the loss of held-out text as training goes (see {@link evaluateEvery}). Default: none. */
  readonly validation?: ValidationConfig;
}

/** Held-out text and how often to measure its loss. */
export interface ValidationConfig {
  /** The held-out text under the training vocabulary, e.g. `splitCorpus(corpus, 0.05).validation`. */
  readonly corpus: Corpus;
  /** Evaluate when `iteration % every == 0`; 0 never. Default 1000. */
  readonly every?: number;
}

/** The loop state a run can continue from (see the checkpoint module for how it is saved). */
export interface ResumeState {
  readonly cursor: WindowCursor;
  readonly hprev: Float64Array;
  readonly smoothLoss: number;
  readonly optimizer?: OptimizerState;
  readonly sampleRandomState?: RandomState;
}

/** A step of the default pipeline, after every stage. */
export type TrainedStep = TrainingStep & SampledStep & EvaluatedStep & { readonly smoothLoss: number };

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
    | 'learningRate'
    | 'seed'
    | 'iterations'
    | 'sampleEvery'
    | 'sampleLength'
    | 'temperature'
    | 'logEvery'
    | 'yieldEveryMs'
  >
> &
  Pick<TrainConfig, 'init' | 'kernel' | 'optimizer' | 'resume' | 'validation'>;

/** Fills defaults and checks every value, so a bad one fails before training starts. */
export function resolveTrainConfig(config?: TrainConfig): ResolvedTrainConfig {
  const {
    hiddenSize = 100,
    seqLength = 25,
    learningRate = 0.1,
    seed = 1,
    iterations = Infinity,
    sampleEvery = 100,
    sampleLength = 200,
    temperature = 1,
    logEvery = 100,
    yieldEveryMs = 16,
    ...rest
  } = config ?? {};
  requireInteger('hiddenSize', hiddenSize);
  requireInteger('seqLength', seqLength);
  requirePositive('learningRate', learningRate);
  if (iterations !== Infinity) requireInteger('iterations', iterations, 0);
  requireInteger('sampleEvery', sampleEvery, 0);
  requireInteger('sampleLength', sampleLength);
  requirePositive('temperature', temperature);
  requireInteger('logEvery', logEvery);
  if (typeof seed !== 'string' && !Number.isFinite(seed)) throw new ConfigError('seed', seed, 'a string or number');
  return {
    hiddenSize,
    seqLength,
    learningRate,
    seed,
    iterations,
    sampleEvery,
    sampleLength,
    temperature,
    logEvery,
    yieldEveryMs,
    ...rest,
  };
}

/**
 * The default training pipeline as one cold Observable:
 * `windows → lossFun → sampleEvery → optimizer (adagrad) → smoothLoss`, then `evaluateEvery` when
 * `validation` is configured.
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
 * ```
 *
 * @param corpus The encoded text.
 * @param config See {@link TrainConfig}; every field has the classic default.
 * @returns A cold Observable of fully processed steps (buffers valid during emission only).
 */
export function trainingSteps(corpus: Corpus, config?: TrainConfig): Observable<TrainedStep> {
  const c = resolveTrainConfig(config);
  const V = corpus.vocab.size;
  if (c.init && (c.init.vocabSize !== V || c.init.hiddenSize !== c.hiddenSize)) {
    throw new ConfigError(
      'init',
      `${c.init.hiddenSize}x${c.init.vocabSize}`,
      `weights for hiddenSize ${c.hiddenSize} and vocabulary size ${V}`,
    );
  }
  const window$ = windows(corpus, {
    seqLength: c.seqLength,
    iterations: c.iterations,
    yieldEveryMs: c.yieldEveryMs,
    ...(c.resume ? { start: c.resume.cursor } : {}),
  });
  return defer(() => {
    const params = c.init ?? initParams(c.hiddenSize, V, c.seed);
    const optimizer =
      typeof c.optimizer === 'function'
        ? // Safe by the contract above: the stage passes the step objects through.
          (c.optimizer as unknown as MonoTypeOperatorFunction<TrainingStep & SampledStep>)
        : createOptimizer<TrainingStep & SampledStep>(
            c.optimizer ?? { name: 'adagrad', learningRate: c.learningRate },
            c.resume?.optimizer,
          );
    return window$.pipe(
      lossFun(params, {
        ...(c.kernel ? { kernel: c.kernel } : {}),
        ...(c.resume ? { hprev: c.resume.hprev } : {}),
      }),
      sampleEvery(c.sampleEvery, {
        vocab: corpus.vocab,
        length: c.sampleLength,
        temperature: c.temperature,
        seed: `${c.seed}:sample`,
        ...(c.resume?.sampleRandomState ? { randomState: c.resume.sampleRandomState } : {}),
      }),
      optimizer,
      smoothLoss(c.resume ? { initial: c.resume.smoothLoss } : {}),
      c.validation
        ? evaluateEvery<TrainingStep & SampledStep & { readonly smoothLoss: number }>(c.validation.every ?? 1000, {
            corpus: c.validation.corpus,
            seqLength: c.seqLength,
          })
        : (s$: Observable<TrainedStep>) => s$,
    );
  });
}

/**
 * A training run with separate streams for steps, losses and samples that all share one run.
 *
 * Subscribe to any of the streams, then call `start()`: the run is multicast, so two subscribers never
 * start two trainings. Unsubscribing the subscription `start()` returns stops training before the next
 * window. All streams complete when `iterations` is reached and error together if training fails.
 */
export interface Training {
  /** Every step after all stages (live buffers: valid during emission only). */
  readonly step$: Observable<TrainedStep>;
  /** Loss and smoothed loss every `logEvery` iterations, as plain numbers. */
  readonly loss$: Observable<LossRecord>;
  /** Each sample as it is drawn. */
  readonly sample$: Observable<Sample>;
  /** Each validation result as it is measured (only when `validation` is configured). */
  readonly validation$: Observable<Evaluation>;
  /** Starts the run (once; later calls return the same subscription). */
  start(): Subscription;
}

/**
 * Sets up the default pipeline on `corpus` as a multicast {@link Training}.
 *
 * It's like `connectable(trainingSteps(corpus, config))`, with `loss$` and `sample$` derived from the one
 * shared step stream.
 *
 * ```ts
 * import { createCorpus, train } from 'min-char-rnn';
 *
 * const run = train(createCorpus('hello world. '.repeat(50)), { hiddenSize: 16, iterations: 201 });
 * run.loss$.subscribe(({ iteration, smoothLoss }) => console.log(`iter ${iteration}, loss: ${smoothLoss.toFixed(2)}`));
 * run.sample$.subscribe(({ text }) => console.log(`----\n ${text} \n----`));
 * run.start();
 * ```
 *
 * @param corpus The encoded text.
 * @param config See {@link TrainConfig}.
 * @returns The run's streams and its `start()`.
 */
export function train(corpus: Corpus, config?: TrainConfig): Training {
  const { logEvery } = resolveTrainConfig(config);
  const step$: Connectable<TrainedStep> = connectable(trainingSteps(corpus, config), {
    connector: () => new Subject<TrainedStep>(),
    resetOnDisconnect: false,
  });
  let connection: Subscription | undefined;
  return {
    step$,
    loss$: step$.pipe(
      filter((s) => s.iteration % logEvery === 0),
      map(({ iteration, loss, smoothLoss }) => ({ iteration, loss, smoothLoss })),
    ),
    sample$: step$.pipe(
      filter((s): s is TrainedStep & { sample: Sample } => s.sample !== undefined),
      map((s) => s.sample),
    ),
    validation$: step$.pipe(
      filter((s): s is TrainedStep & { validation: Evaluation } => s.validation !== undefined),
      map((s) => s.validation),
    ),
    start() {
      connection ??= step$.connect();
      return connection;
    },
  };
}
