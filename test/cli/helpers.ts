// Shared helpers for tests that run the real `min-char-rnn` command in a temporary folder.
import { expect } from 'chai';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runCli as runCliMain } from '../../src/cli/run.js';

/** The built CLI entry point. */
export const CLI = fileURLToPath(new URL('../../src/cli/main.js', import.meta.url));

/** The bundled 38 KB corpus (users' clones have it). */
export const DEFAULT_CORPUS = fileURLToPath(new URL('../../../data/default-corpus.txt', import.meta.url));

export interface CliResult {
  readonly status: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Runs the CLI to completion in `cwd` (60 s timeout). */
export function runCli(args: readonly string[], cwd: string, input?: string): CliResult {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    encoding: 'utf8',
    timeout: 60_000,
    ...(input !== undefined ? { input } : {}),
  });
  return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 0 (stderr shown when not), and the result to go on with. */
export function ok(r: CliResult): CliResult {
  expect(r.status, r.stderr).to.equal(0);
  return r;
}

/** Exit 2 with exactly one line on stderr (no stack trace) matching `pattern`, nothing on stdout. */
export function expectUsageError(r: CliResult, pattern: RegExp): void {
  expect(r.status, r.stderr).to.equal(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(/^min-char-rnn: /);
  expect(lines[0]).to.match(pattern);
  expect(r.stdout).to.equal('');
}

/** A stand-in for stdout or stderr that keeps what is written (a terminal when `isTTY`). */
export interface FakeStream {
  readonly isTTY: boolean;
  readonly columns: number;
  text: string;
  write(s: string): boolean;
}

export function fakeStream(isTTY = false, columns = 200): FakeStream {
  return {
    isTTY,
    columns,
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

/**
 * Runs the CLI in this process (no node start-up, no module loading: many times faster than a spawn)
 * in `cwd`, with stdout and stderr captured; `tty` makes stdout a terminal of `columns` columns.
 * For what needs a real process (signals, exit codes of a dying process, closed pipes) use runCli.
 */
export async function cli(
  args: readonly string[],
  cwd?: string,
  options?: { readonly tty?: boolean; readonly columns?: number },
): Promise<CliResult> {
  const stdout = fakeStream(options?.tty ?? false, options?.columns ?? 200);
  const stderr = fakeStream(false);
  const before = process.cwd();
  if (cwd !== undefined) process.chdir(cwd);
  try {
    const status = await runCliMain(args, { stdout, stderr });
    return { status, signal: null, stdout: stdout.text, stderr: stderr.text };
  } finally {
    process.chdir(before);
  }
}

/** Starts the CLI without waiting. */
export function startCli(args: readonly string[], cwd: string): ChildProcess {
  return spawn(process.execPath, [CLI, ...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
}

/** A fresh temporary folder; remove it with `rmSync(dir, { recursive: true, force: true })`. */
export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'min-char-rnn-test-'));
}

export function removeDir(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

/** Writes `text` to `dir/name` and returns the path. */
export function writeText(dir: string, name: string, text: string): string {
  const path = join(dir, name);
  writeFileSync(path, text);
  return path;
}

/** The JSON lines of an output, parsed. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/**
 * Lines of the given types (e.g. loss, sample, val), re-serialised for exact comparison. Lines marked
 * `final` (a run's last iteration, logged and evaluated though it is not a regular one) are left out, so
 * a run split by a resume compares equal to an uninterrupted one.
 */
export function linesOfType(stdout: string, ...types: string[]): string[] {
  return jsonLines(stdout)
    .filter((r) => types.includes(r.type as string) && r.final !== true)
    .map((r) => JSON.stringify(r));
}

export function readJson(path: string): Record<string, unknown> {
  return JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
}

/** Resolves when `child` exits, with its code and signal. */
export function exited(child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.on('exit', (code, signal) => resolve({ code, signal }));
  });
}

/** Resolves when `predicate` holds for the text the stream has produced so far. */
export function waitForOutput(
  stream: NodeJS.ReadableStream,
  predicate: (text: string) => boolean,
): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (d: Buffer): void => {
      text += d.toString('utf8');
      if (predicate(text)) {
        stream.off('data', onData);
        resolve(text);
      }
    };
    stream.on('data', onData);
    stream.on('end', () => reject(new Error(`stream ended before the expected output; got: ${text.slice(-500)}`)));
  });
}

/** A small corpus that wraps around often at seqLength 8 (69 characters). */
export const TINY_TEXT = 'hello world, hello rnn. the quick brown fox jumps over the lazy dog.\n';
