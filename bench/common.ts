// What the benchmark programs share: finding the project root, medians.
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The project root: the nearest folder above this file whose package.json is min-char-rnn's. */
export function projectRoot(): string {
  let dir = dirname(fileURLToPath(import.meta.url));
  for (;;) {
    const pkg = join(dir, 'package.json');
    if (existsSync(pkg) && (JSON.parse(readFileSync(pkg, 'utf8')) as { name?: string }).name === 'min-char-rnn') return dir;
    const up = dirname(dir);
    if (up === dir) throw new Error('cannot find the min-char-rnn project root above ' + fileURLToPath(import.meta.url));
    dir = up;
  }
}

/** The median of `xs` (the mean of the middle two for an even count). */
export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/** `v` as a positive integer, or an Error naming `flag`. */
export function positiveInt(flag: string, v: string | undefined): number {
  const n = Number(v);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error(`${flag} needs a positive integer, got ${v}`);
  return n;
}

/**
 * Walks `argv`: `--help`/`-h` prints `help` and exits 0; every other flag goes to `take(flag, value)`
 * (`value()` reads the flag's argument), which returns false for a flag it does not know (an Error
 * listing the usage).
 */
export function eachFlag(argv: readonly string[], help: string, take: (flag: string, value: () => string) => boolean): void {
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    if (flag === '--help' || flag === '-h') {
      process.stdout.write(help);
      process.exit(0);
    }
    const value = (): string => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${flag} needs a value`);
      return v;
    };
    if (!take(flag, value)) throw new Error(`unknown option ${flag}\n${help}`);
  }
}
