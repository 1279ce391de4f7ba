// `npm run bench:quality -- --minutes 20 [flags]`: learning quality against the clock. Trains a model
// (default: the gated defaults of `train --model lstm`: 2 layers of 256, 32 streams of 64, Adam 2e-3,
// clip-norm 5) on ../shared/data/tinyshakespeare.txt when present (else --corpus FILE) with the last
// 10% held out, and measures the validation loss in nats per character once a minute of training.
// Prints a line per measurement and writes JSON and an SVG curve. Not a test: it asserts nothing.
//
// The clock counts training only: evaluating stops it. Each minute's measure reads the held-out text
// (all of it, or its first --eval-chars characters) as --eval-streams streams (default 32) side by
// side, each from a zero state with its state carried, so that it takes seconds rather than minutes;
// at the end the exact measure of `min-char-rnn eval` (one stream, the whole held-out text from one
// zero state) is reported too. The two differ by the few characters read after a stream's zero state.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { lastValueFrom, takeWhile, tap } from 'rxjs';
import {
  createCorpus,
  defaultKernel,
  heldOutLoss,
  lineChartSvg,
  splitCorpus,
  trainingSteps,
  wasmKernelWithThreads,
  type Kernel,
  type ModelType,
  type Network,
} from '../src/index.js';
import { createMatrixThreads } from '../src/model/batched/nodeThreads.js';
import { eachFlag, positiveInt, projectRoot } from './common.js';

const HELP = `usage: npm run bench:quality -- [options]
  --minutes M        minutes of training (default 20)
  --corpus FILE      text (default ../shared/data/tinyshakespeare.txt; required when that is absent)
  --model TYPE       lstm or gru (default lstm)
  --layers N         (default 2)       --hidden-size N (default 256)
  --batch-size B     (default 32)      --seq-length T  (default 64)
  --dropout P        (default 0)       --learning-rate X (Adam, default 0.002)
  --threads N        (default: the available parallelism)
  --val-fraction F   held out at the end of the corpus (default 0.1)
  --eval-streams S   streams the held-out text is read as each minute (default 32)
  --eval-chars N     measure each minute on the first N held-out characters only (default: all of them)
  --no-exact         skip the final one-stream measure over the whole held-out text
  --seed S           (default 1)
  --out FILE         JSON (default bench-results/quality.json); the SVG goes beside it (.svg)
`;

interface Options {
  minutes: number;
  corpus: string | undefined;
  model: ModelType;
  layers: number;
  hiddenSize: number;
  batchSize: number;
  seqLength: number;
  dropout: number;
  learningRate: number;
  threads: number;
  valFraction: number;
  evalStreams: number;
  evalChars: number | undefined;
  exact: boolean;
  seed: string;
  out: string;
}

function parseOptions(argv: string[], root: string): Options {
  const shared = resolve(root, '../shared/data/tinyshakespeare.txt');
  const o: Options = {
    minutes: 20,
    corpus: existsSync(shared) ? shared : undefined,
    model: 'lstm',
    layers: 2,
    hiddenSize: 256,
    batchSize: 32,
    seqLength: 64,
    dropout: 0,
    learningRate: 2e-3,
    threads: availableParallelism(),
    valFraction: 0.1,
    evalStreams: 32,
    evalChars: undefined,
    exact: true,
    seed: '1',
    out: join(root, 'bench-results/quality.json'),
  };
  const num = (flag: string, v: string, ok: (n: number) => boolean, what: string): number => {
    const n = Number(v);
    if (v.trim() === '' || !Number.isFinite(n) || !ok(n)) throw new Error(`${flag} needs ${what}, got ${v}`);
    return n;
  };
  const int = positiveInt;
  eachFlag(argv, HELP, (flag, value) => {
    switch (flag) {
      case '--minutes': o.minutes = num(flag, value(), (n) => n > 0, 'a positive number'); return true;
      case '--corpus': o.corpus = resolve(value()); return true;
      case '--model': {
        const m = value();
        if (m !== 'lstm' && m !== 'gru') throw new Error(`--model needs lstm or gru, got ${m}`);
        o.model = m;
        return true;
      }
      case '--layers': o.layers = int(flag, value()); return true;
      case '--hidden-size': o.hiddenSize = int(flag, value()); return true;
      case '--batch-size': o.batchSize = int(flag, value()); return true;
      case '--seq-length': o.seqLength = int(flag, value()); return true;
      case '--dropout': o.dropout = num(flag, value(), (n) => n >= 0 && n < 1, 'a number in [0, 1)'); return true;
      case '--learning-rate': o.learningRate = num(flag, value(), (n) => n > 0, 'a positive number'); return true;
      case '--threads': o.threads = int(flag, value()); return true;
      case '--val-fraction': o.valFraction = num(flag, value(), (n) => n > 0 && n < 1, 'a number in (0, 1)'); return true;
      case '--eval-streams': o.evalStreams = int(flag, value()); return true;
      case '--eval-chars': o.evalChars = int(flag, value()); return true;
      case '--no-exact': o.exact = false; return true;
      case '--seed': o.seed = value(); return true;
      case '--out': o.out = resolve(value()); return true;
      default: return false;
    }
  });
  return o;
}

/**
 * Mean nats per character of `ids` read as `net.batchSize` contiguous streams side by side, each from
 * a zero state, windows of `seqLength` with the state carried: every character but each stream's first
 * is predicted once.
 */
function streamsLoss(net: Network, ids: Int32Array, seqLength: number): number {
  const B = net.batchSize;
  const S = Math.floor(ids.length / B); // stream length
  const inputs = new Int32Array(B * seqLength);
  const targets = new Int32Array(B * seqLength);
  net.hprev.fill(0);
  let total = 0;
  let predicted = 0;
  for (let p = 0; p < S - 1; p += seqLength) {
    if (p > 0) net.carry();
    const T = Math.min(seqLength, S - 1 - p);
    const x = inputs.subarray(0, B * T);
    const y = targets.subarray(0, B * T);
    for (let b = 0; b < B; b++) {
      x.set(ids.subarray(b * S + p, b * S + p + T), b * T);
      y.set(ids.subarray(b * S + p + 1, b * S + p + T + 1), b * T);
    }
    total += net.loss(x, y) * B; // the loss is the mean over streams of each stream's sum
    predicted += B * T;
  }
  return total / predicted;
}

interface Point {
  minute: number;
  iteration: number;
  characters: number;
  valLoss: number;
  evalSeconds: number;
}

async function main(): Promise<void> {
  const root = projectRoot();
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), root);
    if (o.corpus === undefined) throw new Error('no ../shared/data/tinyshakespeare.txt here: give --corpus FILE');
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const corpus = createCorpus(readFileSync(o.corpus, 'utf8'));
  const { train, validation } = splitCorpus(corpus, o.valFraction, o.seqLength);
  const held = validation!;
  const minuteIds = o.evalChars === undefined ? held.ids : held.ids.subarray(0, Math.min(o.evalChars, held.ids.length));
  const threads = o.threads > 1 ? createMatrixThreads(o.threads) : undefined;
  const kernel: Kernel = threads ? wasmKernelWithThreads(threads) : defaultKernel();
  const spec = { type: o.model, hiddenSize: o.hiddenSize, layers: o.layers, dropout: o.dropout };
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(
    `${o.model} ${o.layers}×${o.hiddenSize}, B ${o.batchSize}, T ${o.seqLength}, dropout ${o.dropout}, Adam ${o.learningRate}, clip-norm 5, ` +
      `${o.threads} thread(s); corpus ${o.corpus}: ${train.ids.length} training and ${held.ids.length} held-out characters ` +
      `(${minuteIds.length} measured each minute); ${o.minutes} minutes of training`,
  );
  const points: Point[] = [];
  let trainSeconds = 0; // the clock: training only
  let last = performance.now();
  let nextMinute = 1;
  let evalNet: Network | undefined;
  let iterations = 0;
  const limit = o.minutes * 60;
  await lastValueFrom(
    trainingSteps(train, {
      model: spec,
      batchSize: o.batchSize,
      seqLength: o.seqLength,
      sampleEvery: 0,
      optimizer: { name: 'adam', learningRate: o.learningRate },
      clip: null,
      clipNorm: 5,
      seed: o.seed,
      kernel,
    }).pipe(
      tap((step) => {
        const now = performance.now();
        trainSeconds += (now - last) / 1000;
        iterations = step.iteration + 1;
        if (trainSeconds >= Math.min(nextMinute * 60, limit)) {
          evalNet ??= step.model.sibling(o.seqLength, o.evalStreams);
          evalNet.params.data.set(step.params.data);
          const t0 = performance.now();
          const valLoss = streamsLoss(evalNet, minuteIds, o.seqLength);
          const evalSeconds = (performance.now() - t0) / 1000;
          const minute = Math.round((trainSeconds / 60) * 100) / 100;
          points.push({ minute, iteration: iterations, characters: iterations * o.batchSize * o.seqLength, valLoss, evalSeconds });
          out(`minute ${minute.toFixed(2)}: iteration ${iterations}, validation ${valLoss.toFixed(4)} nats/char (${(valLoss / Math.LN2).toFixed(4)} bits), measured in ${evalSeconds.toFixed(1)} s`);
          nextMinute = Math.floor(trainSeconds / 60) + 1;
        }
        last = performance.now();
      }),
      takeWhile(() => trainSeconds < limit),
    ),
  );
  // The final weights, by the exact measure of `min-char-rnn eval`: one stream over the whole held-out text.
  const t0 = performance.now();
  let exact = NaN;
  if (evalNet && o.exact) {
    const one = evalNet.sibling(o.seqLength, 1);
    one.params.data.set(evalNet.params.data);
    exact = heldOutLoss(one, held.ids, o.seqLength);
  }
  const exactLine = o.exact ? `; validation by the exact one-stream measure: ${exact.toFixed(4)} nats/char (${((performance.now() - t0) / 1000).toFixed(0)} s to measure)` : '';
  out(`end: ${iterations} iterations in ${trainSeconds.toFixed(0)} s of training${exactLine}`);
  threads?.close();
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(
    o.out,
    JSON.stringify({ date: new Date().toISOString(), node: process.version, options: o, points, final: { iterations, trainSeconds, exactValLoss: exact } }, null, 2) + '\n',
  );
  const svg = o.out.replace(/\.json$/, '') + '.svg';
  writeFileSync(
    svg,
    lineChartSvg([{ name: `${o.model} ${o.layers}×${o.hiddenSize}, validation`, points: points.map((p) => [p.minute, p.valLoss] as const) }], {
      title: `Validation loss against minutes of training (${o.threads} thread(s))`,
      xLabel: 'minutes of training',
      yLabel: 'nats per character',
    }),
  );
  out(`wrote ${o.out} and ${svg}`);
}

await main();
