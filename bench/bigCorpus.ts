// Big corpora: how long `train` takes to start on a 300 MB text and how much memory it holds, against
// the way it read corpora before (the whole file as one string, then an Int32Array of ids), and that a
// 2 GB text (beyond V8's string limit) trains at all. The files are generated in the temporary folder at
// run time from a smaller text, and removed at the end; nothing is asserted, everything is printed.
//
//   npm run build && node dist/bench/bigCorpus.js [--sizes 300,2000] [--rounds 3] [--source FILE] [--keep]
//
// Each measurement is a separate process timed by /usr/bin/time -v (wall time and maximum resident set
// size), the two ways alternating round by round, medians quoted.
import { spawnSync } from 'node:child_process';
import { closeSync, existsSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CLI = join(ROOT, 'dist/src/cli/main.js');
const TIME = '/usr/bin/time';

function option(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] !== undefined ? process.argv[i + 1]! : fallback;
}

const sizes = option('sizes', '300,2000').split(',').map(Number);
const rounds = Number(option('rounds', '3'));
const shakespeare = join(ROOT, '../shared/data/tinyshakespeare.txt');
const source = option('source', existsSync(shakespeare) ? shakespeare : join(ROOT, 'data/default-corpus.txt'));
const keep = process.argv.includes('--keep');

/** Writes `megabytes` MB of `source` repeated to a file in the temporary folder. */
function generate(megabytes: number): string {
  const path = join(tmpdir(), `min-char-rnn-bench-${megabytes}MB.txt`);
  const bytes = megabytes * 1_000_000;
  if (existsSync(path) && readFileSync(path).length === bytes) return path;
  const block = readFileSync(source);
  const fd = openSync(path, 'w');
  let written = 0;
  while (written < bytes) {
    const n = Math.min(block.length, bytes - written);
    // Whole copies of the source, the last one cut to size (at a UTF-8 boundary when the source is ASCII).
    written += writeSync(fd, block, 0, n);
  }
  closeSync(fd);
  return path;
}

interface Measured {
  readonly seconds: number;
  readonly maxRssMB: number;
  readonly ok: boolean;
  readonly note: string;
}

/** Runs `node args` under /usr/bin/time -v. */
function timed(args: readonly string[]): Measured {
  const r = spawnSync(TIME, ['-v', process.execPath, ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
  const wall = /Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (?:(\d+):)?(\d+):([\d.]+)/.exec(r.stderr);
  const rss = /Maximum resident set size \(kbytes\): (\d+)/.exec(r.stderr);
  const seconds = wall ? Number(wall[1] ?? 0) * 3600 + Number(wall[2]) * 60 + Number(wall[3]) : NaN;
  const lastLine = r.stderr.split('\n').find((l) => l.startsWith('min-char-rnn:') || l.includes('Error')) ?? '';
  return { seconds, maxRssMB: rss ? Number(rss[1]) / 1024 : NaN, ok: r.status === 0, note: r.status === 0 ? '' : lastLine.slice(0, 120) };
}

/** The new path: `train` up to and including its first step (no validation, one iteration). */
function trainStart(path: string): Measured {
  return timed([CLI, 'train', '--corpus', path, '--iterations', '1', '--val-fraction', '0', '--sample-every', '0', '--json']);
}

/** What `train` did before: the file as one string, createCorpus (Int32Array ids), sha256 of the string. */
function stringPath(path: string): Measured {
  const script = [
    `import { readFileSync } from 'node:fs';`,
    `import { createHash } from 'node:crypto';`,
    `import { createCorpus } from ${JSON.stringify(join(ROOT, 'dist/src/index.js'))};`,
    `const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(readFileSync(${JSON.stringify(path)}));`,
    `const corpus = createCorpus(text);`,
    `createHash('sha256').update(text, 'utf8').digest('hex');`,
    `console.log(corpus.ids.length);`,
  ].join('\n');
  return timed(['--input-type=module', '-e', script]);
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2;
};

const rows: string[] = [];
for (const mb of sizes) {
  const path = generate(mb);
  const ours: Measured[] = [];
  const before: Measured[] = [];
  for (let r = 0; r < rounds; r++) {
    ours.push(trainStart(path));
    // A text this large cannot become one string; run the old way only where it can.
    if (mb <= 500) before.push(stringPath(path));
  }
  const describe = (ms: Measured[]): string => {
    if (ms.length === 0) return 'n/a | n/a';
    if (!ms.every((m) => m.ok)) return `failed: ${ms.find((m) => !m.ok)!.note} | `;
    return `${median(ms.map((m) => m.seconds)).toFixed(1)} s | ${Math.round(median(ms.map((m) => m.maxRssMB)))} MiB`;
  };
  rows.push(`| ${mb} MB | ${describe(ours)} | ${mb <= 500 ? describe(before) : 'cannot be read (beyond the string limit) | n/a'} |`);
  process.stderr.write(`${mb} MB done: ${rows.at(-1)}\n`);
  if (!keep) rmSync(path, { force: true });
}

console.log(`Corpus ${source} repeated; ${rounds} alternating rounds, medians; /usr/bin/time -v (wall, max RSS).`);
console.log('train: reading, encoding and hashing the corpus, planning, and the first training step (--iterations 1 --val-fraction 0).');
console.log('string path: the whole file decoded to one string, createCorpus (Int32Array ids), sha256 of the string: what train did before.\n');
console.log('| corpus | train: time | train: max RSS | string path: time | string path: max RSS |');
console.log('|---|---:|---:|---:|---:|');
for (const row of rows) console.log(row);
