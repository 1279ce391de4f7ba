// Shared test utilities: project paths, running the CLI, small deterministic inputs.
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root (tests run from dist/test/...). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = join(ROOT, 'dist/src/cli/main.js');
export const DEFAULT_CORPUS = join(ROOT, 'data/default-corpus.txt');
export const KOREAN_CORPUS = join(ROOT, 'data/korean-corpus.txt');

export function defaultCorpusText(): string {
  return readFileSync(DEFAULT_CORPUS, 'utf8');
}

export function tempDir(): string {
  return mkdtempSync(join(tmpdir(), 'min-char-rnn-test-'));
}

/** Runs the CLI to completion and returns its output and exit status. */
export function runCli(args: readonly string[], options?: { cwd?: string; timeout?: number }): SpawnSyncReturns<string> {
  return spawnSync(process.execPath, [CLI, ...args], {
    encoding: 'utf8',
    cwd: options?.cwd ?? ROOT,
    timeout: options?.timeout ?? 60_000,
  });
}

/** Parses JSON-lines output. */
export function jsonLines(stdout: string): Array<Record<string, unknown>> {
  return stdout
    .split('\n')
    .filter((l) => l.length > 0)
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** A small deterministic generator for test data (not the library's RNG, so tests stay independent). */
export function lcg(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}
