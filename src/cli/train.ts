import type { Subscription } from 'rxjs';
import { readCheckpointFile } from '../checkpoint/file.js';
import { createCorpus } from '../corpus/corpus.js';
import { ConfigError, CorpusError } from '../errors.js';
import { kernelByName } from '../model/kernels.js';
import { parameterCount, type Params } from '../model/params.js';
import { train, type TrainConfig, type TrainedStep } from '../pipeline/train.js';
import { formatHelp, parseFlags, UsageError, type FlagSpec } from './args.js';
import { DEFAULT_CORPUS, readCorpusFile } from './corpusFile.js';
import { formatInteger, Meter, startRecord, stdoutOutput } from './report.js';

export const TRAIN_FLAGS: readonly FlagSpec[] = [
  { name: 'corpus', kind: 'string', value: 'FILE', help: 'UTF-8 text to train on', default: 'data/default-corpus.txt' },
  { name: 'hidden-size', kind: 'positive-integer', value: 'N', help: 'size of the hidden state', default: '100' },
  { name: 'seq-length', kind: 'positive-integer', value: 'N', help: 'characters per window (BPTT length)', default: '25' },
  { name: 'learning-rate', kind: 'positive-number', value: 'X', help: 'Adagrad step size', default: '0.1' },
  { name: 'iterations', kind: 'count', value: 'N', help: 'stop after N iterations', default: 'run until Ctrl-C' },
  { name: 'seed', kind: 'string', value: 'S', help: 'seed for the initial weights and the sampler', default: '1' },
  { name: 'sample-every', kind: 'count', value: 'N', help: 'sample every N iterations, 0 = never', default: '100' },
  { name: 'sample-length', kind: 'positive-integer', value: 'N', help: 'characters per sample', default: '200' },
  { name: 'temperature', kind: 'positive-number', value: 'X', help: 'sampling temperature', default: '1' },
  { name: 'log-every', kind: 'positive-integer', value: 'N', help: 'report the loss every N iterations', default: '100' },
  { name: 'init', kind: 'string', value: 'FILE', help: 'start from the weights (and vocabulary) of a checkpoint' },
  {
    name: 'kernel',
    kind: 'string',
    value: 'NAME',
    help: 'compute kernel: auto (fastest available), wasm (WebAssembly SIMD), js, reference',
    default: 'auto',
  },
  { name: 'json', kind: 'boolean', help: 'print JSON lines instead of text' },
  { name: 'help', kind: 'boolean', help: 'show this help' },
];

export const TRAIN_HELP = formatHelp(
  'min-char-rnn train [options]',
  [
    'Trains a character-level vanilla RNN (the classic min-char-rnn: truncated BPTT, gradient',
    'clipping at 5, Adagrad) and prints the smoothed loss and samples as it learns.',
    'Ctrl-C stops training cleanly.',
  ].join('\n'),
  TRAIN_FLAGS,
);

/** Parsed `train` flags with defaults applied. */
export interface TrainOptions {
  readonly corpus: string;
  readonly hiddenSize: number | undefined;
  readonly config: TrainConfig;
  readonly init: string | undefined;
  readonly json: boolean;
}

export function parseTrainOptions(argv: readonly string[]): TrainOptions | 'help' {
  const f = parseFlags(argv, TRAIN_FLAGS, 'train');
  if (f.get('help')) return 'help';
  const num = (name: string): number | undefined => f.get(name) as number | undefined;
  const config: Record<string, unknown> = {
    seqLength: num('seq-length'),
    learningRate: num('learning-rate'),
    iterations: num('iterations'),
    seed: f.get('seed'),
    sampleEvery: num('sample-every'),
    sampleLength: num('sample-length'),
    temperature: num('temperature'),
    logEvery: num('log-every'),
  };
  for (const k of Object.keys(config)) if (config[k] === undefined) delete config[k];
  const kernelName = (f.get('kernel') as string | undefined) ?? 'auto';
  try {
    config['kernel'] = kernelByName(kernelName);
  } catch (e) {
    if (e instanceof ConfigError) throw new UsageError(`--kernel: ${e.message}`);
    throw e;
  }
  return {
    corpus: (f.get('corpus') as string | undefined) ?? DEFAULT_CORPUS,
    hiddenSize: num('hidden-size'),
    config: config as TrainConfig,
    init: f.get('init') as string | undefined,
    json: f.get('json') === true,
  };
}

/** Runs `min-char-rnn train`; resolves with the exit code. */
export function trainCommand(argv: readonly string[]): Promise<number> {
  const opts = parseTrainOptions(argv);
  if (opts === 'help') {
    process.stdout.write(TRAIN_HELP);
    return Promise.resolve(0);
  }
  const text = readCorpusFile(opts.corpus);
  let init: Params | undefined;
  let hiddenSize = opts.hiddenSize ?? 100;
  let corpus;
  if (opts.init) {
    const ckpt = readCheckpointFile(opts.init);
    if (opts.hiddenSize !== undefined && opts.hiddenSize !== ckpt.params.hiddenSize) {
      throw new UsageError(
        `--hidden-size ${opts.hiddenSize} does not match the checkpoint ${opts.init} (hiddenSize ${ckpt.params.hiddenSize})`,
      );
    }
    hiddenSize = ckpt.params.hiddenSize;
    init = ckpt.params;
    try {
      corpus = createCorpus(text, ckpt.vocab);
    } catch (e) {
      if (e instanceof CorpusError) throw new UsageError(`corpus ${opts.corpus}: ${e.message} of checkpoint ${opts.init}`);
      throw e;
    }
  } else {
    corpus = createCorpus(text);
  }
  const seqLength = opts.config.seqLength ?? 25;
  if (corpus.ids.length < seqLength + 1) {
    throw new UsageError(
      `corpus ${opts.corpus} has ${corpus.ids.length} characters; --seq-length ${seqLength} needs at least ${seqLength + 1}`,
    );
  }
  const config: TrainConfig = { ...opts.config, hiddenSize, ...(init ? { init } : {}) };
  const run = train(corpus, config);
  const out = stdoutOutput();
  const meter = new Meter();
  const logEvery = config.logEvery ?? 100;
  const V = corpus.vocab.size;
  if (opts.json) {
    out.line(
      startRecord(corpus.vocab, {
        hiddenSize,
        seqLength,
        corpusLength: corpus.ids.length,
        parameters: parameterCount(hiddenSize, V),
        learningRate: config.learningRate ?? 0.1,
        seed: String(config.seed ?? 1),
        kernel: config.kernel?.name,
        ...(config.iterations !== undefined ? { iterations: config.iterations } : {}),
      }),
    );
  }

  let last: TrainedStep | undefined;
  let lastStatus = 0;
  const onStep = (s: TrainedStep): void => {
    last = s;
    meter.add(s.inputs.length);
    if (s.sample) {
      if (opts.json) out.line(JSON.stringify({ type: 'sample', iter: s.iteration, text: s.sample.text }));
      else out.line(`----\n ${s.sample.text} \n----`);
    }
    if (s.iteration % logEvery === 0) {
      if (opts.json) out.line(JSON.stringify({ type: 'loss', iter: s.iteration, loss: s.loss, smoothLoss: s.smoothLoss }));
      else out.line(`iter ${s.iteration}, loss: ${s.smoothLoss.toFixed(6)}`);
    }
    const t = meter.seconds;
    if (t - lastStatus >= 0.1) {
      lastStatus = t;
      out.status(
        `iter ${formatInteger(s.iteration)} | smooth loss ${s.smoothLoss.toFixed(4)} | ${formatInteger(meter.charsPerSecond)} chars/s`,
      );
    }
  };

  return new Promise<number>((resolve) => {
    let subscription: Subscription | undefined;
    const finish = (code: number, reason: string, error?: Error): void => {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
      out.clearStatus();
      if (error) {
        process.stderr.write(`min-char-rnn: ${error.message}\n`);
      }
      if (opts.json) {
        out.line(
          JSON.stringify({
            type: 'end',
            reason,
            iterations: last ? last.iteration + 1 : 0,
            ...(last ? { smoothLoss: last.smoothLoss } : {}),
            seconds: meter.seconds,
            charsPerSecond: meter.charsPerSecond,
          }),
        );
      }
      resolve(code);
    };
    const onSignal = (): void => {
      subscription?.unsubscribe();
      finish(0, 'interrupted');
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
    run.step$.subscribe({
      next: onStep,
      error: (e: Error) => finish(1, 'error', e),
      complete: () => finish(0, 'completed'),
    });
    subscription = run.start();
  });
}
