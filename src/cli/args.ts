// A small, strict command-line parser: every flag is declared with its kind, so a bad value fails with
// one line that names the flag and the value.

/** A usage or input problem: the CLI prints its message on one line and exits with code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export type FlagKind = 'positive-integer' | 'count' | 'positive-number' | 'number' | 'string' | 'boolean';

export interface FlagSpec {
  /** Long name without dashes, e.g. `hidden-size`. */
  readonly name: string;
  readonly kind: FlagKind;
  /** Placeholder in help, e.g. `N`, `FILE`. */
  readonly value?: string;
  readonly help: string;
  /** Default as shown in help. */
  readonly default?: string;
}

export type FlagValue = string | number | boolean;

const KIND_WORDS: Record<FlagKind, string> = {
  'positive-integer': 'a positive integer',
  count: 'a whole number (0 or more)',
  'positive-number': 'a positive number',
  number: 'a number',
  string: 'a value',
  boolean: 'nothing',
};

const INTEGER = /^\+?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i;

function convert(spec: FlagSpec, raw: string): FlagValue {
  const bad = (): never => {
    throw new UsageError(`--${spec.name} must be ${KIND_WORDS[spec.kind]}, got ${JSON.stringify(raw)}`);
  };
  switch (spec.kind) {
    case 'positive-integer':
    case 'count': {
      if (!INTEGER.test(raw)) return bad();
      const n = Number(raw);
      if (!Number.isSafeInteger(n) || (spec.kind === 'positive-integer' && n < 1)) return bad();
      return n;
    }
    case 'positive-number':
    case 'number': {
      if (!DECIMAL.test(raw)) return bad();
      const x = Number(raw);
      if (!Number.isFinite(x) || (spec.kind === 'positive-number' && x <= 0)) return bad();
      return x;
    }
    case 'string':
      return raw;
    case 'boolean':
      return true;
  }
}

/**
 * Parses `--name value`, `--name=value` and boolean `--name` (and `-h` for `--help`). Positional arguments are refused (the
 * commands take none). Returns the values by flag name; absent flags are absent.
 */
export function parseFlags(argv: readonly string[], specs: readonly FlagSpec[], command: string): Map<string, FlagValue> {
  const byName = new Map(specs.map((s) => [s.name, s]));
  const out = new Map<string, FlagValue>();
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    // `-h` is the one short flag: what anyone tries first for help.
    if (arg === '-h' && byName.get('help')?.kind === 'boolean') {
      if (out.has('help')) throw new UsageError('--help is given twice');
      out.set('help', true);
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      throw new UsageError(`unexpected argument ${JSON.stringify(arg)} (see min-char-rnn ${command} --help)`);
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const spec = byName.get(name);
    if (!spec) throw new UsageError(`unknown option --${name} (see min-char-rnn ${command} --help)`);
    if (out.has(name)) throw new UsageError(`--${name} is given twice`);
    if (spec.kind === 'boolean') {
      if (eq >= 0) throw new UsageError(`--${name} takes no value`);
      out.set(name, true);
      continue;
    }
    let raw: string;
    if (eq >= 0) raw = arg.slice(eq + 1);
    else {
      const next = argv[i + 1];
      if (next === undefined || (next.startsWith('--') && next.length > 2)) {
        throw new UsageError(`--${name} needs a value (${spec.value ?? 'VALUE'})`);
      }
      raw = next;
      i++;
    }
    out.set(name, convert(spec, raw));
  }
  return out;
}

/** The help text for a command: usage line, description, and one line per flag. */
export function formatHelp(usage: string, description: string, specs: readonly FlagSpec[]): string {
  const left = specs.map((s) => `  --${s.name}${s.value ? ` ${s.value}` : ''}`);
  const width = Math.max(...left.map((l) => l.length)) + 2;
  const lines = specs.map((s, i) => {
    const def = s.default !== undefined ? ` (default: ${s.default})` : '';
    return `${left[i].padEnd(width)}${s.help}${def}`;
  });
  return `usage: ${usage}\n\n${description}\n\noptions:\n${lines.join('\n')}\n`;
}
