import type { Subscription } from 'rxjs';
import { writeFileAtomic, writeTrainingCheckpointFile, fsReason } from '../checkpoint/file.js';
import { lockCheckpoint, type CheckpointLock } from '../checkpoint/lock.js';
import { recordLoss, snapshotTraining, type TrainingCheckpoint } from '../checkpoint/training.js';
import { ConfigError } from '../errors.js';
import { modelParameterCount } from '../model/families.js';
import { networkKernelName } from '../model/networks.js';
import { MODEL_TYPES, PRECISIONS } from '../model/spec.js';
import { OPTIMIZER_DEFAULTS, OPTIMIZER_NAMES } from '../optimizers/registry.js';
import type { Diagnostics } from '../operators/diagnostics.js';
import type { Evaluation } from '../operators/evaluateEvery.js';
import type { NonFiniteRecord } from '../optimizers/guardNonFinite.js';
import { train, type TrainConfig, type TrainedStep } from '../pipeline/train.js';
import { lossChartSvg } from '../plot/lossChart.js';
import { formatHelp, parseFlags, UsageError, type FlagSpec } from './args.js';
import { DEFAULT_CORPUS } from './corpusFile.js';
import { cliKernel, defaultThreads } from './kernelChoice.js';
import { formatStatus, Meter, processIO, startRecord, stdoutOutput, type CommandIO, type Output } from './report.js';
import { trainHeader, trainSummary } from './trainReport.js';
import { optimizerFromFlags } from './optimizerFlags.js';
import { planTraining, type TrainOptions, type TrainPlan } from './trainPlan.js';

export const TRAIN_FLAGS: readonly FlagSpec[] = [
  { name: 'corpus', kind: 'string', value: 'FILE', help: 'UTF-8 text to train on (a regular file, or - for standard input)', default: 'data/default-corpus.txt' },
  { name: 'model', kind: 'string', value: 'TYPE', help: `${MODEL_TYPES.join('|')}: vanilla RNN, LSTM or GRU (lstm and gru change the defaults marked *)`, default: 'rnn' },
  { name: 'layers', kind: 'positive-integer', value: 'N', help: 'recurrent layers stacked', default: '1; *2' },
  { name: 'hidden-size', kind: 'positive-integer', value: 'N', help: 'size of the hidden state of every layer', default: '100; *256' },
  { name: 'batch-size', kind: 'positive-integer', value: 'B', help: 'streams trained side by side (the text is cut into B parts)', default: '1; *32' },
  { name: 'dropout', kind: 'number', value: 'P', help: 'dropout on the output of every layer while training, in [0, 1)', default: '0' },
  { name: 'seq-length', kind: 'positive-integer', value: 'N', help: 'characters per window (BPTT length)', default: '25; *64' },
  { name: 'optimizer', kind: 'string', value: 'NAME', help: `${OPTIMIZER_NAMES.join('|')}`, default: 'adagrad; *adam' },
  {
    name: 'learning-rate',
    kind: 'positive-number',
    value: 'X',
    help: 'step size',
    default: `the optimizer's: ${OPTIMIZER_NAMES.map((n) => `${n} ${OPTIMIZER_DEFAULTS[n].learningRate}`).join(', ')}`,
  },
  { name: 'momentum', kind: 'number', value: 'X', help: 'momentum μ in [0, 1) (momentum, nesterov)', default: '0.9' },
  { name: 'beta1', kind: 'number', value: 'X', help: 'first-moment decay β1 in [0, 1) (adam, adamw)', default: '0.9' },
  { name: 'beta2', kind: 'number', value: 'X', help: 'second-moment decay β2 in [0, 1) (adam, adamw)', default: '0.999' },
  { name: 'decay', kind: 'number', value: 'X', help: 'mean-square decay ρ in [0, 1) (rmsprop)', default: '0.9' },
  { name: 'epsilon', kind: 'positive-number', value: 'X', help: 'ε added to the denominator (adagrad, rmsprop, adam, adamw)', default: '1e-8' },
  { name: 'weight-decay', kind: 'number', value: 'X', help: 'decoupled weight decay λ ≥ 0 (adamw)', default: '0.01' },
  {
    name: 'lr-schedule',
    kind: 'string',
    value: 'SPEC',
    help: 'learning-rate multiplier by iteration: step:every=N[,factor=F] | exp:gamma=G | cosine:total=N[,warmup=N][,min=F] | warmup:steps=N | constant',
    default: 'constant; warmup:steps=1000 with --init',
  },
  { name: 'clip', kind: 'number', value: 'X', help: 'clip each gradient element to [-X, X]; 0 = off', default: '5; *0' },
  { name: 'clip-norm', kind: 'positive-number', value: 'X', help: 'then scale gradients down to global norm X when above it', default: 'off; *5' },
  { name: 'iterations', kind: 'count', value: 'N', help: 'stop after N iterations (in total, counting those before a --resume)', default: 'run until Ctrl-C' },
  { name: 'seed', kind: 'string', value: 'S', help: 'seed for the initial weights and the sampler', default: '1' },
  { name: 'sample-every', kind: 'count', value: 'N', help: 'sample every N iterations, 0 = never', default: '100' },
  { name: 'sample-length', kind: 'positive-integer', value: 'N', help: 'characters per sample', default: '200' },
  { name: 'temperature', kind: 'positive-number', value: 'X', help: 'sampling temperature', default: '1' },
  { name: 'log-every', kind: 'positive-integer', value: 'N', help: 'report the loss every N iterations', default: '100' },
  { name: 'init', kind: 'string', value: 'FILE', help: 'start from the weights (and vocabulary) of a checkpoint or .safetensors file, measured first; the learning rate warms up' },
  { name: 'checkpoint', kind: 'string', value: 'FILE', help: 'save the training state to FILE (atomically) every --checkpoint-every iterations, at the end and on Ctrl-C' },
  { name: 'checkpoint-every', kind: 'positive-integer', value: 'N', help: 'how often to save the checkpoint and the chart', default: '1000' },
  { name: 'resume', kind: 'string', value: 'FILE', help: 'continue the run saved in checkpoint FILE exactly (--iterations is the total to reach; checkpoints go to FILE unless --checkpoint says otherwise)' },
  { name: 'val-fraction', kind: 'number', value: 'F', help: 'hold out the last F of the corpus for validation, 0 = none', default: '0.05 when 5% is at least 10 windows, else 0; at most 500,000 characters' },
  { name: 'eval-every', kind: 'count', value: 'N', help: 'measure the validation loss every N iterations and at the end, 0 = never', default: '1000, more for large held-out parts' },
  { name: 'keep-best', kind: 'string', value: 'FILE', help: 'also keep the checkpoint with the lowest validation loss in FILE (remembered by --resume)' },
  { name: 'plot', kind: 'string', value: 'FILE', help: 'write an SVG chart of the training and validation loss at every checkpoint and at the end (remembered by --resume)' },
  {
    name: 'kernel',
    kind: 'string',
    value: 'NAME',
    help: 'compute kernel: auto (fastest available), wasm (WebAssembly SIMD), js, reference',
    default: 'auto',
  },
  {
    name: 'precision',
    kind: 'string',
    value: 'P',
    help: 'f64 or f32: the float width of the lstm/gru windows (f32: float32 kernels, weights and optimizer kept in float64; not for rnn; fixed for a run, read by --resume)',
    default: 'f64',
  },
  {
    name: 'threads',
    kind: 'positive-integer',
    value: 'N',
    help: 'threads for the lstm/gru matrix products (wasm kernel); the numbers are the same for any N',
    default: 'the available parallelism',
  },
  { name: 'on-nan', kind: 'string', value: 'WHAT', help: 'on a NaN or infinite loss: abort (exit 1), or rollback to the last good state with half the learning rate (after 5 rollbacks in a row it aborts)', default: 'abort' },
  { name: 'diag-every', kind: 'count', value: 'N', help: 'every N iterations report the gradient norm, the fraction clipped and each tensor\'s update-to-weight ratio, 0 = never', default: '0' },
  { name: 'json', kind: 'boolean', help: 'print JSON lines instead of text' },
  { name: 'help', kind: 'boolean', help: 'show this help (also -h)' },
];

export const TRAIN_HELP = formatHelp(
  'min-char-rnn train [options]',
  [
    'Trains a character-level vanilla RNN (the classic min-char-rnn: truncated BPTT, gradient',
    'clipping at 5, Adagrad), or with --model an LSTM or GRU, and prints the smoothed loss and samples',
    'as it learns. --model lstm or gru defaults to 2 layers of 256, 32 streams of 64 characters, Adam',
    '2e-3 and clip-norm 5 (the defaults marked * below); every flag overrides.',
    'Ctrl-C (or SIGTERM) finishes the current window, saves the checkpoint when --checkpoint is set,',
    'and exits; a second Ctrl-C quits at once, leaving the last checkpoint as it was.',
    '--optimizer picks another optimizer; a hyperparameter flag that the chosen optimizer does not',
    'take is an error. Examples:',
    '  min-char-rnn train --model lstm --dropout 0.2 --checkpoint lstm.json',
    '  min-char-rnn train --optimizer adam --lr-schedule cosine:warmup=200,total=20000,min=0.05',
    '  min-char-rnn train --optimizer momentum --momentum 0.95 --clip 0 --clip-norm 10',
    '  min-char-rnn train --iterations 50000 --checkpoint run.json --plot loss.svg',
    '  min-char-rnn train --resume run.json --iterations 100000',
  ].join('\n'),
  TRAIN_FLAGS,
);


export function parseTrainOptions(argv: readonly string[]): TrainOptions | 'help' {
  const f = parseFlags(argv, TRAIN_FLAGS, 'train');
  if (f.get('help')) return 'help';
  const num = (name: string): number | undefined => f.get(name) as number | undefined;
  const config: Record<string, unknown> = {
    seqLength: num('seq-length'),
    iterations: num('iterations'),
    seed: f.get('seed'),
    sampleEvery: num('sample-every'),
    sampleLength: num('sample-length'),
    temperature: num('temperature'),
    logEvery: num('log-every'),
  };
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  // Resuming without --optimizer means "the recorded optimizer": its flags are checked against it later.
  if (!(f.has('resume') && !f.has('optimizer'))) config.optimizer = optimizerFromFlags(f);
  const clip = num('clip');
  if (clip !== undefined) {
    if (clip < 0) throw new UsageError(`--clip must be a number ≥ 0 (0 turns clipping off), got ${clip}`);
    config.clip = clip;
  }
  if (num('clip-norm') !== undefined) config.clipNorm = num('clip-norm');
  const kernelName = (f.get('kernel') as string | undefined) ?? 'auto';
  try {
    const threads = num('threads') ?? defaultThreads();
    config.kernel = cliKernel(kernelName, threads, (text) => process.stderr.write(`min-char-rnn: ${text}\n`));
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--kernel: ${e.message}`);
    throw e;
  }
  const str = (name: string): string | undefined => {
    const v = f.get(name) as string | undefined;
    if (v === '') throw new UsageError(`--${name} needs a file name, got ""`);
    return v;
  };
  const model = f.get('model') as string | undefined;
  if (model !== undefined && !(MODEL_TYPES as readonly string[]).includes(model)) {
    throw new UsageError(`--model must be one of ${MODEL_TYPES.join(', ')}, got ${JSON.stringify(model)}`);
  }
  const precision = f.get('precision') as string | undefined;
  if (precision !== undefined && !(PRECISIONS as readonly string[]).includes(precision)) {
    throw new UsageError(`--precision must be one of ${PRECISIONS.join(', ')}, got ${JSON.stringify(precision)}`);
  }
  const dropout = num('dropout');
  if (dropout !== undefined && !(dropout >= 0 && dropout < 1)) throw new UsageError(`--dropout must be a number in [0, 1), got ${dropout}`);
  const onNan = f.get('on-nan') as string | undefined;
  if (onNan !== undefined && onNan !== 'abort' && onNan !== 'rollback') {
    throw new UsageError(`--on-nan must be abort or rollback, got ${JSON.stringify(onNan)}`);
  }
  const diagEvery = num('diag-every');
  if (diagEvery) config.diagnostics = { every: diagEvery };
  const valFraction = num('val-fraction');
  if (valFraction !== undefined && !(valFraction >= 0 && valFraction < 1)) {
    throw new UsageError(`--val-fraction must be a number in [0, 1), got ${valFraction}`);
  }
  const extra: Record<string, unknown> = {
    model,
    layers: num('layers'),
    batchSize: num('batch-size'),
    dropout,
    precision,
    checkpoint: str('checkpoint'),
    checkpointEvery: num('checkpoint-every'),
    resume: str('resume'),
    valFraction,
    evalEvery: num('eval-every'),
    keepBest: str('keep-best'),
    plot: str('plot'),
    onNan,
  };
  for (const k of Object.keys(extra)) if (extra[k] === undefined) delete extra[k];
  return {
    corpus: str('corpus') ?? DEFAULT_CORPUS,
    hiddenSize: num('hidden-size'),
    config: config as TrainConfig,
    init: str('init'),
    json: f.get('json') === true,
    given: new Set(f.keys()),
    flags: f,
    ...(extra as Partial<TrainOptions>),
  };
}

/** Runs `min-char-rnn train`; resolves with the exit code. */
export function trainCommand(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  const opts = parseTrainOptions(argv);
  if (opts === 'help') {
    io.stdout.write(TRAIN_HELP);
    return Promise.resolve(0);
  }
  const plan = planTraining(opts);
  const nothingToDo = plan.target !== undefined && plan.startIteration >= plan.target;
  // One writer per checkpoint file: taken before anything is printed or written, released at the end.
  const locks = nothingToDo ? [] : lockOutputs(plan);
  // JSON mode writes JSON lines only, on a terminal too: no status line.
  const out = stdoutOutput(io.stdout, io.stderr, { live: !opts.json });
  for (const n of plan.notices) out.notice(n);
  if (nothingToDo) {
    out.notice(
      plan.resumedFrom !== undefined
        ? `the checkpoint is already at iteration ${plan.startIteration}; nothing to do (raise --iterations to train further)`
        : `--iterations ${plan.target}: nothing to train (give a positive number of iterations)`,
    );
    if (opts.json) out.line(JSON.stringify({ type: 'end', reason: 'completed', iterations: plan.startIteration, seconds: 0, charsPerSecond: 0 }));
    return Promise.resolve(0);
  }
  const threads = (opts.flags.get('threads') as number | undefined) ?? defaultThreads();
  return runTraining(plan, opts.json, out, threads).finally(() => {
    for (const lock of locks) lock.release();
  });
}

/** Locks the checkpoint files the run will write (see checkpoint/lock.ts); all or none. */
function lockOutputs(plan: TrainPlan): CheckpointLock[] {
  const locks: CheckpointLock[] = [];
  try {
    if (plan.checkpointPath !== undefined) locks.push(lockCheckpoint(plan.checkpointPath, 'checkpoint'));
    if (plan.keepBestPath !== undefined) locks.push(lockCheckpoint(plan.keepBestPath, 'keep-best checkpoint'));
  } catch (e) {
    for (const lock of locks) lock.release();
    throw e;
  }
  return locks;
}

/** A `diag` record (JSON), or one line of numbers (text). */
function reportDiagnostics(d: Diagnostics, json: boolean, out: Output): void {
  if (json) {
    const tensors: Record<string, { gradNorm: number; weightNorm: number; updateRatio: number | null }> = {};
    for (const t of d.tensors) tensors[t.name] = { gradNorm: t.gradNorm, weightNorm: t.weightNorm, updateRatio: t.updateRatio };
    out.line(JSON.stringify({ type: 'diag', iter: d.iteration, gradNorm: d.gradNorm, clippedFraction: d.clippedFraction, tensors }));
    return;
  }
  const ratios = d.tensors.map((t) => `${t.name} ${t.updateRatio === null ? '-' : t.updateRatio.toExponential(2)}`).join(', ');
  out.line(`iter ${d.iteration}, grad norm: ${d.gradNorm.toFixed(4)}, clipped: ${(100 * d.clippedFraction).toFixed(2)}%, update/weight: ${ratios}`);
}

/** A `nan` record (JSON), or a warning on stderr (text). */
function reportNonFinite(r: NonFiniteRecord, learningRate: number, json: boolean, out: Output): void {
  if (json) {
    out.line(
      JSON.stringify({
        type: 'nan',
        iter: r.iteration,
        what: r.what,
        loss: Number.isFinite(r.loss) ? r.loss : String(r.loss),
        restoredFrom: r.restoredFrom,
        learningRate,
        retry: r.retry,
        maxRetries: r.maxRetries,
      }),
    );
  } else {
    const found = r.what === 'loss' ? `loss is ${r.loss}` : 'the parameters are not finite';
    out.notice(
      `warning: iter ${r.iteration}: ${found}; rolled back to the state after iteration ${r.restoredFrom}, ` +
        `learning rate now ${learningRate} (rollback ${r.retry} of at most ${r.maxRetries} in a row)`,
    );
  }
}

/** Trains according to `plan`, printing progress to `out`; resolves with the exit code. */
function runTraining(plan: TrainPlan, json: boolean, out: Output, threads: number): Promise<number> {
  let stopRequested = false;
  // The step a stop lands on is the run's last: evaluate it too, so the run ends measured (the
  // pipeline already evaluates the last iteration of --iterations).
  const validation = plan.config.validation && { ...plan.config.validation, alsoAt: () => stopRequested || out.closed };
  const run = train(plan.train, validation ? { ...plan.config, validation } : plan.config);
  const meter = new Meter();
  const { seqLength, logEvery, target, checkpointPath, keepBestPath, plotPath, checkpointEvery, evalEvery } = plan;
  const hiddenSize = plan.hyperparameters.hiddenSize;
  const V = plan.vocab.size;
  const spec = plan.model;
  const parameters = modelParameterCount(spec, V);
  // Threads split the lstm/gru products of the wasm kernel; everything else runs on one.
  const gated = spec.type === 'lstm' || spec.type === 'gru';
  const threadsUsed = gated && plan.config.kernel?.name === 'wasm' ? threads : 1;
  const lossHistory = plan.lossHistory;
  const valHistory = plan.valHistory;
  let best: Evaluation | undefined = plan.best;
  let bestSaved: Evaluation | undefined; // the evaluation whose model this run wrote to --keep-best
  let lastVal: Evaluation | undefined = valHistory[valHistory.length - 1];
  let last: { iteration: number; smoothLoss: number } | undefined;
  let finalPoint: readonly [number, number] | undefined; // the last iteration's loss, when not a logged one
  let lastStatus = 0; // first draw after 0.1 s, once the speed means something
  let finished = false;
  let savedAt: number | undefined; // iteration count of the last checkpoint written by this run
  let plotWritten = false;
  let finalSaveFailed = false;

  const baseLearningRate = plan.optimizerSpec.learningRate ?? plan.hyperparameters.learningRate;
  let learningRate = baseLearningRate;
  const snapshot = (s: TrainedStep): TrainingCheckpoint =>
    snapshotTraining(s, {
      vocab: plan.vocab,
      hyperparameters: learningRate === baseLearningRate ? plan.hyperparameters : { ...plan.hyperparameters, learningRate },
      optimizer: learningRate === baseLearningRate ? plan.optimizerSpec : { ...plan.optimizerSpec, learningRate },
      corpus: plan.fingerprint,
      ...(plan.validation
        ? { validation: { trainLength: plan.train.ids.length, history: valHistory, ...(best ? { best } : {}) } }
        : {}),
      lossHistory,
    });

  const writePlot = (): void => {
    if (plotPath === undefined) return;
    const points = finalPoint ? [...lossHistory, finalPoint] : lossHistory;
    try {
      writeFileAtomic(plotPath, lossChartSvg({ seqLength, train: points, validation: valHistory }));
      plotWritten = true;
    } catch (e) {
      out.notice(`warning: cannot write plot ${plotPath}: ${fsReason(e)}`);
    }
  };

  /** Writes the checkpoint; on failure warns (periodic) or marks the run failed (final). */
  const saveCheckpoint = (ckpt: TrainingCheckpoint, final: boolean): void => {
    if (checkpointPath === undefined) return;
    try {
      writeTrainingCheckpointFile(checkpointPath, ckpt);
      savedAt = ckpt.training!.iteration;
      if (json) out.line(JSON.stringify({ type: 'checkpoint', iterations: savedAt, path: checkpointPath }));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      if (final) {
        finalSaveFailed = true;
        out.notice(`error: ${message}; the previous checkpoint, if any, is unchanged`);
      } else {
        out.notice(`warning: ${message}; training goes on and will try again at the next checkpoint`);
      }
    }
  };

  const onStep = (s: TrainedStep): void => {
    if (out.closed) stopRequested = true; // nobody reads on: stop as on Ctrl-C, saving the checkpoint
    last = { iteration: s.iteration, smoothLoss: s.smoothLoss };
    meter.add(s.inputs.length);
    if (s.diagnostics) reportDiagnostics(s.diagnostics, json, out);
    if (s.nonFinite) {
      // Later checkpoints record the lowered rate, so a resumed run goes on with it.
      learningRate = baseLearningRate * s.nonFinite.learningRateScale;
      reportNonFinite(s.nonFinite, learningRate, json, out);
    }
    const n = s.iteration + 1; // iterations completed
    const final = stopRequested || n === target;
    if (s.sample) {
      if (json) out.line(JSON.stringify({ type: 'sample', iter: s.iteration, text: s.sample.text }));
      else out.line(`----\n ${s.sample.text} \n----`);
    }
    const logged = s.iteration % logEvery === 0;
    // A step the NaN guard undid has no loss to report (its smooth loss is the previous one).
    if ((logged || final) && !s.nonFinite) {
      // The last iteration is logged too, marked `final` in JSON when it is not a regular one (a
      // resumed run's lines then match an uninterrupted run's, final lines aside).
      if (logged) recordLoss(lossHistory, s.iteration, s.smoothLoss);
      else finalPoint = [s.iteration, s.smoothLoss];
      if (json) {
        out.line(JSON.stringify({ type: 'loss', iter: s.iteration, loss: s.loss, smoothLoss: s.smoothLoss, ...(logged ? {} : { final: true }) }));
      } else {
        out.line(`iter ${s.iteration}, loss: ${s.smoothLoss.toFixed(6)}`);
      }
    }
    let ckpt: TrainingCheckpoint | undefined;
    if (s.validation) {
      const v = s.validation;
      valHistory.push(v);
      lastVal = v;
      const improved = best === undefined || v.loss < best.loss;
      if (improved) best = v;
      let bestNote = '';
      if (improved && keepBestPath !== undefined) {
        ckpt = snapshot(s);
        try {
          writeTrainingCheckpointFile(keepBestPath, ckpt);
          bestSaved = v;
          bestNote = ` (best so far: saved to ${keepBestPath})`;
        } catch (e) {
          out.notice(`warning: ${e instanceof Error ? e.message : String(e)}; the previous best is unchanged`);
        }
      }
      const regular = evalEvery > 0 && v.iteration % evalEvery === 0;
      if (json) {
        out.line(JSON.stringify({ type: 'val', iter: v.iteration, loss: v.loss, bitsPerChar: v.bitsPerChar, ...(regular ? {} : { final: true }) }));
        if (bestNote) out.line(JSON.stringify({ type: 'best', iter: v.iteration, loss: v.loss, path: keepBestPath }));
      } else {
        out.line(`iter ${v.iteration}, val loss: ${v.loss.toFixed(6)} (${v.bitsPerChar.toFixed(4)} bits/char)${bestNote}`);
      }
    }
    if (final || n % checkpointEvery === 0) {
      if (checkpointPath !== undefined) saveCheckpoint(ckpt ?? snapshot(s), final);
      writePlot();
    }
    const t = meter.seconds;
    // Throttled to 10 redraws a second, but a new validation loss is shown at once: a fast run may end
    // before 0.1 s, and a validation costs far more than one terminal write.
    if (s.validation !== undefined || t - lastStatus >= 0.1) {
      lastStatus = t;
      out.status(
        formatStatus(
          {
            iteration: s.iteration,
            target,
            smoothLoss: s.smoothLoss,
            seqLength,
            valLoss: lastVal?.loss,
            charsPerSecond: meter.charsPerSecond,
            elapsedSeconds: t,
            measuredSeconds: meter.measuredSeconds,
            iterationsDone: n - plan.startIteration,
          },
          out.width,
        ),
      );
    }
  };

  return new Promise<number>((resolve) => {
    let subscription: Subscription | undefined;
    const finish = (code: number, reason: string, error?: Error): void => {
      if (finished) return;
      finished = true;
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      subscription?.unsubscribe();
      if (reason === 'error') writePlot(); // otherwise the last step wrote it
      out.clearStatus();
      if (error) out.notice(error.message);
      if (!json && reason !== 'error') {
        for (const line of trainSummary({
          completed: reason === 'completed',
          startIteration: plan.startIteration,
          iterations: last ? last.iteration + 1 : plan.startIteration,
          seconds: meter.seconds,
          charsPerSecond: meter.overallCharsPerSecond,
          final: lastVal !== undefined && last !== undefined && lastVal.iteration === last.iteration ? lastVal : undefined,
          best,
          files: [
            ...(checkpointPath !== undefined && savedAt !== undefined ? [`${checkpointPath} (checkpoint at iteration ${savedAt})`] : []),
            ...(keepBestPath !== undefined && bestSaved !== undefined ? [`${keepBestPath} (best model, iteration ${bestSaved.iteration})`] : []),
            ...(plotPath !== undefined && plotWritten ? [`${plotPath} (chart)`] : []),
          ],
        })) {
          out.line(line);
        }
      }
      if (checkpointPath !== undefined && savedAt !== undefined && reason !== 'error' && !finalSaveFailed) {
        const how = reason === 'interrupted' ? `interrupted at iteration ${savedAt}; ` : '';
        out.notice(`${how}checkpoint saved to ${checkpointPath} (continue with: min-char-rnn train --resume ${checkpointPath})`);
      }
      if (json) {
        out.line(
          JSON.stringify({
            type: 'end',
            reason,
            iterations: last ? last.iteration + 1 : plan.startIteration,
            ...(last ? { smoothLoss: last.smoothLoss } : {}),
            ...(lastVal ? { valLoss: lastVal.loss } : {}),
            ...(best ? { bestValLoss: best.loss, bestIteration: best.iteration } : {}),
            ...(savedAt !== undefined ? { checkpoint: checkpointPath } : {}),
            ...(bestSaved !== undefined ? { best: keepBestPath } : {}),
            ...(plotWritten ? { plot: plotPath } : {}),
            seconds: meter.seconds,
            charsPerSecond: meter.charsPerSecond,
          }),
        );
      }
      resolve(finalSaveFailed && code === 0 ? 1 : code);
    };
    const onSignal = (signal: NodeJS.Signals): void => {
      if (finished || stopRequested) return;
      stopRequested = true;
      // Hand both signals back to the OS: a second Ctrl-C then ends the process at once, even in the
      // middle of a long window, which a JS handler (run only between windows) could not do. A write
      // cut short that way leaves the previous checkpoint in place (writes are atomic).
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      const what = checkpointPath !== undefined ? ', saving the checkpoint' : '';
      out.notice(`${signal}: stopping after the current window${what} (press Ctrl-C again to quit at once)`);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    // Announced only now that the handlers are in place: a client may signal as soon as it reads this.
    if (json) {
      out.line(
        startRecord(plan.vocab, {
          hiddenSize,
          seqLength,
          corpusLength: plan.corpusLength,
          parameters,
          model: spec,
          layers: spec.layers,
          batchSize: plan.batchSize,
          dropout: spec.dropout,
          precision: spec.precision ?? 'f64',
          learningRate: plan.optimizerSpec.learningRate ?? plan.hyperparameters.learningRate,
          optimizer: plan.optimizerSpec,
          clip: plan.hyperparameters.clip,
          clipNorm: plan.hyperparameters.clipNorm,
          seed: String(plan.hyperparameters.seed),
          kernel: networkKernelName(spec, plan.batchSize, plan.config.kernel),
          ...(gated ? { threads: threadsUsed } : {}),
          ...(target !== undefined ? { iterations: target } : {}),
          trainLength: plan.train.ids.length,
          valLength: plan.validation?.ids.length ?? 0,
          valFraction: plan.valFraction,
          evalEvery: plan.evalEvery,
          ...(checkpointPath !== undefined ? { checkpoint: checkpointPath, checkpointEvery } : {}),
          ...(keepBestPath !== undefined ? { keepBest: keepBestPath } : {}),
          ...(plotPath !== undefined ? { plot: plotPath } : {}),
          ...(plan.resumedFrom !== undefined ? { resumedFrom: plan.resumedFrom, startIteration: plan.startIteration } : {}),
          ...(plan.fineTune ? { fineTune: true } : {}),
          ...(plan.initial
            ? {
                init: plan.initial.path,
                initialLoss: plan.initial.loss,
                ...(plan.initial.heldOut ? { initialValLoss: plan.initial.loss, initialBitsPerChar: plan.initial.loss / Math.LN2 } : {}),
              }
            : {}),
        }),
      );
    } else {
      for (const line of trainHeader(plan, threadsUsed)) out.line(line);
    }
    run.step$.subscribe({
      next: (s) => {
        if (finished) return;
        try {
          onStep(s);
        } catch (e) {
          finish(1, 'error', e instanceof Error ? e : new Error(String(e)));
          return;
        }
        // The step is fully processed (and saved, when asked): now a requested stop can happen.
        if (stopRequested && s.iteration + 1 !== target) finish(0, out.closed ? 'output closed' : 'interrupted');
      },
      error: (e: Error) => finish(1, 'error', e),
      complete: () => finish(0, 'completed'),
    });
    subscription = run.start();
    // The first stretch of windows runs inside start(); if it already finished the run, stop the source.
    if (finished) subscription.unsubscribe();
  });
}
