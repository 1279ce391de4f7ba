// Every output quoted in the documentation comes from a real run of this checkout, made by this script:
//   npm run docs:outputs            rewrites the quoted outputs in place from fresh runs
//   npm run docs:outputs -- --check  compares instead, prints what differs, exits 1 if anything does
// Add --all to include the slow ones (the optimizer race: about half a minute); the test suite checks the
// rest on every run (test/docs/outputs.test.ts). Runs are deterministic (fixed seeds); only times and
// speeds vary, and they are masked when comparing. Needs `npm run build` first.
//
// A quoted output is marked in Markdown by
//   <!-- output: ID -->
//   ```
//   ...
//   ```
// and in an example by its closing comment block, from the line `// Output` to the end of the file.
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const CLI = 'dist/src/cli/main.js';

/** Lines from `from` to the first line equal to `end` (inclusive), or to the end. */
function block(lines, from, end) {
  const start = lines.findIndex((l) => l.startsWith(from));
  if (start < 0) throw new Error(`no line starting with ${JSON.stringify(from)}`);
  const stop = lines.findIndex((l, i) => i > start && l === end);
  return lines.slice(start, stop < 0 ? undefined : stop + 1);
}

const lineStarting = (lines, prefix) => {
  const found = lines.find((l) => l.startsWith(prefix));
  if (found === undefined) throw new Error(`no line starting with ${JSON.stringify(prefix)}`);
  return found;
};

/**
 * What is quoted where. `argv` runs with `node` from the project root (or a temporary folder when
 * `inTemp`); `pick` chooses the quoted lines from its stdout lines.
 */
export const OUTPUTS = [
  {
    id: 'npm-start',
    file: 'README.md',
    argv: [CLI, 'train', '--iterations', '5000'],
    pick: (l) => [...l.slice(0, 3), ...block(l, '----', '----'), lineStarting(l, 'iter 0, loss'), lineStarting(l, 'iter 0, val loss'), '...', ...l.slice(-4)],
  },
  {
    id: 'json-lines',
    file: 'README.md',
    argv: [CLI, 'train', '--iterations', '1000', '--json'],
    pick: (l) => {
      const records = l.map((x) => JSON.parse(x));
      const short = (r) => {
        if (r.type === 'start') return JSON.stringify({ ...r, vocab: '@VOCAB@' }).replace('"@VOCAB@"', `[${r.vocab.slice(0, 3).map((c) => JSON.stringify(c)).join(',')},...]`);
        if (r.type === 'sample') return JSON.stringify({ ...r, text: `${[...r.text].slice(0, 30).join('')}...` });
        return JSON.stringify(r);
      };
      const first = (type) => records.find((r) => r.type === type);
      return [first('start'), first('sample'), first('loss'), first('val'), ...records.slice(-3)].map(short);
    },
  },
  {
    id: 'val-line',
    file: 'docs/checkpoints.md',
    argv: [CLI, 'train', '--iterations', '2001', '--sample-every', '0', '--eval-every', '2000', '--json'],
    pick: (l) => {
      const v = JSON.parse(l.find((x) => x.includes('"type":"val","iter":2000'))); // the JSON line, shown in text form too
      return [`iter 2000, val loss: ${v.loss.toFixed(6)} (${v.bitsPerChar.toFixed(4)} bits/char)`, `${JSON.stringify(v)}      (with --json)`];
    },
  },
  {
    id: 'checkpoint-file',
    file: 'docs/checkpoints.md',
    argv: [CLI, 'train', '--corpus', 'ab.txt', '--hidden-size', '2', '--seq-length', '4', '--iterations', '30', '--sample-every', '10',
      '--sample-length', '8', '--log-every', '10', '--checkpoint-every', '10', '--checkpoint', 'ck.json'],
    inTemp: true,
    files: { 'ab.txt': 'acca bcbc caca bbca acbc cbbc aaca cbca caac abab bccb cbbc cbab aaab abcb cbbc.' },
    output: 'ck.json',
    pick: (l) =>
      l.map((x) =>
        x
          .replace(/"path": ".*"/, '"path": "/home/me/ab.txt"')
          .replace(/("S": \[(?:\d+,){6})[\d,]*\]/, '$1 … 256 bytes in all]')
          .replace(/("memory": \[(?:[^,]+,){3})[^\]]*\]/, '$1 … one number per parameter]'),
      ),
  },
  {
    id: 'train-and-subscribe',
    file: 'examples/train-and-subscribe.ts',
    argv: ['dist/examples/train-and-subscribe.js'],
    pick: (l) => [...block(l, '---- sample at 0', '----'), ...l.filter((x) => /^iter [012]00, /.test(x)), '...', ...l.slice(-2)],
  },
  {
    id: 'early-stop-csv',
    file: 'examples/early-stop-csv.ts',
    argv: ['dist/examples/early-stop-csv.js', '75', 'loss.csv'],
    inTemp: true,
    pick: (l) => l,
  },
  { id: 'plug-in-sgd', file: 'examples/plug-in-sgd.ts', argv: ['dist/examples/plug-in-sgd.js'], pick: (l) => l },
  { id: 'custom-optimizer', file: 'examples/custom-optimizer.ts', argv: ['dist/examples/custom-optimizer.js'], pick: (l) => l },
  {
    id: 'optimizer-race-readme',
    file: 'README.md',
    argv: ['dist/examples/optimizer-race.js', '5000', 'race.svg'],
    inTemp: true,
    slow: true,
    pick: (l) => l.slice(2, -1),
  },
  {
    id: 'optimizer-race',
    file: 'docs/optimizers.md',
    argv: ['dist/examples/optimizer-race.js', '5000', 'race.svg'],
    inTemp: true,
    slow: true,
    pick: (l) => l.slice(1, -1).map((x) => x.replace(/ on \S*default-corpus\.txt /, ' on data/default-corpus.txt ')),
  },
];

/** Times and speeds differ from run to run: compared as placeholders. */
export function mask(text) {
  return text
    .replace(/\b\d+(\.\d+)?s\b/g, '<time>')
    .replace(/\b\d+m \d\ds\b/g, '<time>')
    .replace(/[\d,]+ chars\/s/g, '<speed> chars/s')
    .replace(/\(\d+(\.\d+)? s\)/g, '(<time>)')
    .replace(/"(seconds|charsPerSecond)":[\d.e+-]+/g, '"$1":<n>');
}

// Entries that quote one run share it.
const runs = new Map();
function run(entry) {
  const key = JSON.stringify(entry.argv);
  if (!runs.has(key)) runs.set(key, runOnce(entry));
  return runs.get(key).then((lines) => entry.pick(lines));
}

function runOnce(entry) {
  const cwd = entry.inTemp ? mkdtempSync(join(tmpdir(), 'docs-outputs-')) : ROOT;
  for (const [name, text] of Object.entries(entry.files ?? {})) writeFileSync(join(cwd, name), text);
  const argv = entry.argv.map((a, i) => (i === 0 && entry.inTemp ? join(ROOT, a) : a));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, argv, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.setEncoding('utf8').on('data', (d) => (out += d));
    child.stderr.setEncoding('utf8').on('data', (d) => (err += d));
    child.on('close', (code) => {
      // The quoted output is stdout, or a file the run wrote.
      const text = code === 0 && entry.output ? readFileSync(join(cwd, entry.output), 'utf8') : out;
      if (entry.inTemp) rmSync(cwd, { recursive: true, force: true });
      if (code !== 0) reject(new Error(`${entry.id}: exit ${code}: ${err.trim()}`));
      else resolve(text.replace(/\n$/, '').split('\n'));
    });
  });
}

/** The quoted region of `entry` in `text`: [start, end) character offsets of the lines to replace. */
function region(text, entry) {
  if (entry.file.endsWith('.md')) {
    const marker = `<!-- output: ${entry.id} -->\n`;
    const at = text.indexOf(marker);
    if (at < 0) throw new Error(`${entry.file}: no ${marker.trim()}`);
    const open = text.indexOf('\n', text.indexOf('```', at)) + 1;
    const close = text.indexOf('```', open);
    return { start: open, end: close, render: (lines) => `${lines.join('\n')}\n` };
  }
  const header = text.search(/^\/\/ Output.*\n/m);
  if (header < 0) throw new Error(`${entry.file}: no "// Output" comment`);
  const start = text.indexOf('\n', header) + 1;
  return { start, end: text.length, render: (lines) => `${lines.map((l) => (l === '' ? '//' : `// ${l}`)).join('\n')}\n` };
}

/**
 * Runs every entry and returns, per entry, the file's current and the fresh quote. In parallel when only
 * comparing (times are masked); one at a time when the quotes will be written, so the times and speeds
 * they show are those of an unshared run.
 */
export async function collect({ all = false, parallel = true } = {}) {
  const entries = OUTPUTS.filter((e) => all || !e.slow);
  const fresh = [];
  if (parallel) fresh.push(...(await Promise.all(entries.map(run))));
  else for (const e of entries) fresh.push(await run(e));
  return entries.map((entry, i) => {
    const path = join(ROOT, entry.file);
    const text = readFileSync(path, 'utf8');
    const r = region(text, entry);
    return { entry, path, text, region: r, current: text.slice(r.start, r.end), fresh: r.render(fresh[i]) };
  });
}

async function main() {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const results = await collect({ all: args.includes('--all'), parallel: check });
  let differing = 0;
  // Several quotes may share a file: apply from the end so earlier offsets stay valid.
  const byFile = new Map();
  for (const r of results) {
    // Checking ignores times and speeds; writing refreshes them too.
    if (check ? mask(r.current) === mask(r.fresh) : r.current === r.fresh) continue;
    differing++;
    if (check) {
      process.stdout.write(`${r.entry.file} (${r.entry.id}) differs from a fresh run:\n--- documented\n${r.current}+++ fresh\n${r.fresh}`);
    } else {
      if (!byFile.has(r.path)) byFile.set(r.path, []);
      byFile.get(r.path).push(r);
    }
  }
  for (const [path, rs] of byFile) {
    let text = readFileSync(path, 'utf8');
    for (const r of rs.sort((a, b) => b.region.start - a.region.start)) {
      const now = region(text, r.entry);
      text = text.slice(0, now.start) + r.fresh + text.slice(now.end);
    }
    writeFileSync(path, text);
    process.stdout.write(`updated ${rs.map((r) => r.entry.id).join(', ')} in ${path.slice(ROOT.length)}\n`);
  }
  if (check && differing > 0) process.exitCode = 1;
  else if (check) process.stdout.write(`${results.length} documented outputs match fresh runs\n`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) await main();
