// The optimizer race: one stream of training windows, shared by several pipelines that differ only in
// their optimizer and start from identical weights. Prints the smooth loss of each at fixed iterations
// and writes the loss curves as an SVG line chart.
//
//   npm run build && node dist/examples/optimizer-race.js [iterations] [chart.svg] [corpus.txt] [hiddenSize]
//
// Defaults: 5000 iterations, optimizer-race.svg, data/default-corpus.txt, hidden size 100.
import { readFileSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { catchError, connectable, EMPTY, lastValueFrom, merge, Subject, tap } from 'rxjs';
import {
  clipByValue,
  createCorpus,
  createOptimizer,
  initParams,
  lineChartSvg,
  lossFun,
  NonFiniteLossError,
  OPTIMIZER_NAMES,
  resolveOptimizerSpec,
  smoothLoss,
  windows,
  type Window,
} from 'min-char-rnn';

const [iterationsArg, chartArg, corpusArg, hiddenArg] = process.argv.slice(2);
const iterations = Number(iterationsArg ?? 5000);
const chartPath = chartArg ?? 'optimizer-race.svg';
const corpusPath = corpusArg ?? fileURLToPath(new URL('../../data/default-corpus.txt', import.meta.url));
const hiddenSize = Number(hiddenArg ?? 100);
if (!Number.isSafeInteger(iterations) || iterations < 1 || !Number.isSafeInteger(hiddenSize) || hiddenSize < 1) {
  process.stderr.write('usage: optimizer-race.js [iterations] [chart.svg] [corpus.txt] [hiddenSize]\n');
  process.exit(2);
}

const corpus = createCorpus(readFileSync(corpusPath, 'utf8'));
const params = initParams(hiddenSize, corpus.vocab.size, 1); // every racer copies these at subscription
const marks = [100, 500, 1000, 2000, 5000, 10000, 20000, 50000, 100000].filter((m) => m < iterations).concat(iterations);
const plotEvery = Math.max(1, Math.floor(iterations / 500));

// One stream of windows for everyone: connectable, so that all racers are subscribed before it starts.
const window$ = connectable(windows(corpus, { seqLength: 25, iterations }), { connector: () => new Subject<Window>() });

interface Racer {
  readonly name: string;
  readonly learningRate: number;
  readonly points: [number, number][];
  readonly atMark: Map<number, number>;
  divergedAt?: number;
}

const racers: Racer[] = OPTIMIZER_NAMES.map((name) => ({
  name,
  learningRate: resolveOptimizerSpec({ name }).learningRate!,
  points: [],
  atMark: new Map(),
}));

const race$ = merge(
  ...racers.map((racer) =>
    window$.pipe(
      lossFun(params, { clip: null }),
      clipByValue(5),
      createOptimizer({ name: racer.name }), // each optimizer with its default settings
      smoothLoss(),
      tap(({ iteration, smoothLoss: loss }) => {
        const done = iteration + 1; // iterations completed, this one included
        if (done % plotEvery === 0 || done === 1) racer.points.push([done, loss]);
        if (marks.includes(done)) racer.atMark.set(done, loss);
      }),
      catchError((e: unknown) => {
        if (!(e instanceof NonFiniteLossError)) throw e;
        racer.divergedAt = e.iteration; // a diverging racer drops out; the others go on
        return EMPTY;
      }),
    ),
  ),
);

const started = Date.now();
const done = lastValueFrom(race$, { defaultValue: undefined });
window$.connect();
await done;

const header = ['optimizer', 'lr', ...marks.map((m) => String(m))];
const rows = racers.map((r) => [
  r.name,
  String(r.learningRate),
  ...marks.map((m) => (r.atMark.has(m) ? r.atMark.get(m)!.toFixed(2) : r.divergedAt !== undefined ? 'diverged' : '')),
]);
const widths = header.map((h, i) => Math.max(h.length, ...rows.map((row) => row[i]!.length)));
const line = (cells: string[]): string => cells.map((c, i) => (i < 2 ? c.padEnd(widths[i]!) : c.padStart(widths[i]!))).join('  ');
process.stdout.write(
  `Optimizer race on ${corpusPath} (${corpus.ids.length} characters, vocabulary ${corpus.vocab.size}), ` +
    `hidden size ${hiddenSize}, seq length 25, clip ±5, identical initial weights\n` +
    `smooth loss after N iterations:\n${line(header)}\n${rows.map(line).join('\n')}\n`,
);
for (const r of racers) {
  if (r.divergedAt !== undefined) process.stdout.write(`${r.name} diverged at iteration ${r.divergedAt}\n`);
}

const svg = lineChartSvg(
  racers.map((r) => ({ name: `${r.name} (lr ${r.learningRate})`, points: r.points })),
  {
    title: `Smooth loss by optimizer, hidden size ${hiddenSize}, identical start`,
    xLabel: 'iteration',
    yLabel: 'smooth loss (nats per 25 characters)',
  },
);
writeFileSync(chartPath, svg);
process.stdout.write(`wrote ${chartPath} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
