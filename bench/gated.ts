// `npm run bench:gated`: training speed of the batched LSTM and GRU kernels on the configs,
// side by side with PyTorch (bench/torch_gated.py) in the same run when `python3 -c "import torch"`
// works: ours and PyTorch's alternate, round by round, and the table gives medians and their ratio.
// Not a test: it asserts nothing, it prints a table and writes bench-results/gated.json.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import seedrandom from 'seedrandom';
import { createCorpus, type Corpus } from '../src/index.js';
import type { GatedType } from '../src/model/batched/layout.js';
import { createBatchedModel } from '../src/model/batched/model.js';
import { createMatrixThreads } from '../src/model/batched/nodeThreads.js';
import type { MatrixThreads } from '../src/model/batched/threads.js';
import { eachFlag, median, positiveInt, projectRoot } from './common.js';

const HELP = `usage: npm run bench:gated -- [options]
  --configs LIST     of a (1×128), b (2×256), c (2×512); default a,b,c
  --models LIST      lstm,gru (default both)
  --threads LIST     thread counts, each ours and PyTorch's alike (default 1,2)
  --rounds N         alternating rounds, ours then PyTorch's (default 3; medians are reported)
  --iterations N     timed iterations a run, after one warm-up (default: a 8, b 3, c 2)
  --precision P      f64 (default) or f32: ours with --precision P, PyTorch in the same dtype
  --no-torch         ours only
  --python PATH      the Python with torch (default /usr/bin/python3 when present, else python3)
  --corpus FILE      text to train on (default ../shared/data/tinyshakespeare.txt, else data/default-corpus.txt)
  --out FILE         JSON output (default bench-results/gated.json)
`;

/** The configurations: B 32 streams × T 64 steps, one-hot input, Adam, clip-norm 5. */
const CONFIGS: Record<string, { layers: number; hidden: number; iterations: number }> = {
  a: { layers: 1, hidden: 128, iterations: 8 },
  b: { layers: 2, hidden: 256, iterations: 3 },
  c: { layers: 2, hidden: 512, iterations: 2 },
};
const B = 32;
const T = 64;

interface Options {
  configs: string[];
  threads: number[];
  models: GatedType[];
  rounds: number;
  precision: 'f64' | 'f32';
  iterations: number | undefined;
  torch: boolean;
  python: string;
  corpus: string;
  out: string;
}

function parseOptions(argv: string[], root: string): Options {
  const shared = resolve(root, '../shared/data/tinyshakespeare.txt');
  const o: Options = {
    configs: ['a', 'b', 'c'],
    threads: [1, 2],
    models: ['lstm', 'gru'],
    rounds: 3,
    precision: 'f64',
    iterations: undefined,
    torch: true,
    python: existsSync('/usr/bin/python3') ? '/usr/bin/python3' : 'python3',
    corpus: existsSync(shared) ? shared : join(root, 'data/default-corpus.txt'),
    out: join(root, 'bench-results/gated.json'),
  };
  eachFlag(argv, HELP, (flag, value) => {
    switch (flag) {
      case '--configs':
        o.configs = value().split(',');
        for (const c of o.configs) if (!(c in CONFIGS)) throw new Error(`--configs: unknown config ${c} (a, b, c)`);
        return true;
      case '--models':
        o.models = value().split(',') as GatedType[];
        for (const m of o.models) if (m !== 'lstm' && m !== 'gru') throw new Error(`--models: unknown model ${m} (lstm, gru)`);
        return true;
      case '--threads':
        o.threads = value().split(',').map((t) => positiveInt(flag, t));
        return true;
      case '--rounds':
        o.rounds = positiveInt(flag, value());
        return true;
      case '--iterations':
        o.iterations = positiveInt(flag, value());
        return true;
      case '--precision': {
        const p = value();
        if (p !== 'f64' && p !== 'f32') throw new Error(`--precision: f64 or f32, got ${p}`);
        o.precision = p;
        return true;
      }
      case '--no-torch':
        o.torch = false;
        return true;
      case '--python':
        o.python = value();
        return true;
      case '--corpus':
        o.corpus = resolve(value());
        return true;
      case '--out':
        o.out = resolve(value());
        return true;
      default:
        return false;
    }
  });
  return o;
}

/** One configuration to time. */
interface Job {
  readonly config: string;
  readonly type: GatedType;
  readonly layers: number;
  readonly hidden: number;
  readonly iterations: number;
  readonly threads: number;
}

/**
 * Our training loop, bare (no RxJS): B contiguous streams of the corpus, state carried and reset at the
 * wrap, the batched wasm kernel's lossFun, clip-norm 5, Adam (lr 2e-3) over the flat buffer; PyTorch's
 * initialisation, uniform(±1/√H). Returns the seconds of each timed iteration (after one warm-up).
 */
function ourRun(job: Job, corpus: Corpus, pool: MatrixThreads | undefined, precision: 'f64' | 'f32'): number[] {
  const V = corpus.vocab.size;
  const H = job.hidden;
  const model = createBatchedModel(
    { type: job.type, vocabSize: V, hiddenSize: H, layers: job.layers, batchSize: B, maxSeqLength: T, dropout: false, precision },
    'wasm',
    pool,
  );
  const rng = seedrandom('bench');
  const bound = 1 / Math.sqrt(H);
  const { params, grads } = model;
  for (let i = 0; i < params.length; i++) params[i] = (rng() * 2 - 1) * bound;
  const m1 = new Float64Array(params.length);
  const m2 = new Float64Array(params.length);
  const S = Math.floor(corpus.ids.length / B); // stream length
  const inputs = new Int32Array(B * T);
  const targets = new Int32Array(B * T);
  const times: number[] = [];
  let p = 0;
  for (let n = 0; n <= job.iterations; n++) {
    const t0 = performance.now();
    if (p + T + 1 >= S || n === 0) {
      p = 0;
      model.hprev.fill(0);
    } else model.carry();
    for (let b = 0; b < B; b++) {
      inputs.set(corpus.ids.subarray(b * S + p, b * S + p + T), b * T);
      targets.set(corpus.ids.subarray(b * S + p + 1, b * S + p + T + 1), b * T);
    }
    const loss = model.lossFun(inputs, targets);
    if (!Number.isFinite(loss)) throw new Error(`loss ${loss} at iteration ${n}`);
    let sq = 0;
    for (let i = 0; i < grads.length; i++) sq += grads[i]! * grads[i]!;
    const norm = Math.sqrt(sq);
    const scale = norm > 5 ? 5 / norm : 1;
    const step = n + 1;
    const c1 = 1 - 0.9 ** step;
    const c2 = 1 - 0.999 ** step;
    for (let i = 0; i < params.length; i++) {
      const g = grads[i]! * scale;
      m1[i] = 0.9 * m1[i]! + 0.1 * g;
      m2[i] = 0.999 * m2[i]! + 0.001 * g * g;
      params[i] = params[i]! - (2e-3 * (m1[i]! / c1)) / (Math.sqrt(m2[i]! / c2) + 1e-8);
    }
    p += T;
    if (n > 0) times.push((performance.now() - t0) / 1000);
  }
  return times;
}

interface TorchResult {
  secondsPerIteration: number;
  charsPerSecond: number;
  torch: string;
}

/** PyTorch's run of the same job (bench/torch_gated.py), or why it could not run. */
function torchRun(job: Job, o: Options, root: string): TorchResult | string {
  const args = [
    join(root, 'bench/torch_gated.py'),
    ...['--model', job.type, '--layers', String(job.layers), '--hidden', String(job.hidden)],
    ...['--batch', String(B), '--seq', String(T), '--dtype', o.precision, '--threads', String(job.threads)],
    ...['--iterations', String(job.iterations), '--warmup', '1', '--corpus', o.corpus],
  ];
  const r = spawnSync(o.python, args, { encoding: 'utf8', env: { ...process.env, OMP_NUM_THREADS: String(job.threads) } });
  if (r.status !== 0) return (r.stderr || r.error?.message || `exit ${r.status}`).trim().split('\n').pop()!;
  return JSON.parse(r.stdout.trim().split('\n').pop()!) as TorchResult;
}

function torchAvailable(python: string): boolean {
  return spawnSync(python, ['-c', 'import torch'], { encoding: 'utf8' }).status === 0;
}

const fmt = (x: number): string => Math.round(x).toLocaleString('en-US');

function main(): void {
  const root = projectRoot();
  let o: Options;
  try {
    o = parseOptions(process.argv.slice(2), root);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  const corpus = createCorpus(readFileSync(o.corpus, 'utf8'));
  const withTorch = o.torch && torchAvailable(o.python);
  const out = (line: string): boolean => process.stdout.write(`${line}\n`);
  out(
    `corpus ${o.corpus} (${fmt(corpus.ids.length)} chars, vocab ${corpus.vocab.size}); B ${B}, T ${T}, Adam, clip-norm 5, ${o.precision === 'f32' ? 'float32' : 'float64'}; ` +
      `${o.rounds} rounds${withTorch ? ', ours and PyTorch alternating' : o.torch ? ' (no PyTorch: python3 -c "import torch" fails)' : ''}; medians; node ${process.version}\n`,
  );
  out(`| config | model | threads | ours ${o.precision} chars/s | PyTorch ${o.precision} chars/s | ours / PyTorch | per round |`);
  out('|---|---|---:|---:|---:|---:|---|');
  const results: object[] = [];
  const pools = new Map(o.threads.map((n) => [n, n > 1 ? createMatrixThreads(n) : undefined]));
  for (const config of o.configs) {
    for (const type of o.models) for (const threads of o.threads) {
      const c = CONFIGS[config]!;
      const job: Job = { config, type, layers: c.layers, hidden: c.hidden, iterations: o.iterations ?? c.iterations, threads };
      const ours: number[] = [];
      const theirs: number[] = [];
      const ratios: number[] = [];
      let torchError: string | undefined;
      for (let r = 0; r < o.rounds; r++) {
        const mine = (B * T) / median(ourRun(job, corpus, pools.get(threads), o.precision));
        ours.push(mine);
        if (!withTorch || torchError) continue;
        const t = torchRun(job, o, root);
        if (typeof t === 'string') torchError = t;
        else {
          theirs.push(t.charsPerSecond);
          ratios.push(mine / t.charsPerSecond);
        }
      }
      const torchCell = theirs.length ? fmt(median(theirs)) : torchError ? `failed: ${torchError}` : '—';
      const ratioCell = ratios.length ? `${median(ratios).toFixed(2)}×` : '—';
      const rounds = ratios.map((x) => x.toFixed(2)).join(', ') || '—';
      out(`| (${config}) ${c.layers}×${c.hidden} | ${type} | ${threads} | ${fmt(median(ours))} | ${torchCell} | ${ratioCell} | ${rounds} |`);
      results.push({ ...job, precision: o.precision, batchSize: B, seqLength: T, ours, torch: theirs, ratios, torchError });
    }
  }
  for (const p of pools.values()) p?.close();
  mkdirSync(dirname(o.out), { recursive: true });
  writeFileSync(o.out, JSON.stringify({ date: new Date().toISOString(), node: process.version, corpus: o.corpus, results }, null, 2) + '\n');
  out(`wrote ${o.out}`);
}

main();
