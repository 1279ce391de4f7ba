// The `min-char-rnn` command as a function: dispatches to a subcommand and turns every failure into one
// line on stderr and an exit code (2 for usage and input errors, 1 for anything else). main.ts calls it
// with the process's streams; tests call it in-process with their own.
import { readFileSync } from 'node:fs';
import { CheckpointError, ConfigError, CorpusError } from '../errors.js';
import { UsageError } from './args.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { processIO, type CommandIO } from './report.js';
import { sampleCommand } from './sample.js';
import { trainCommand } from './train.js';

/** A subcommand: parses its arguments, does its work, resolves with the exit code. */
export type Command = (argv: readonly string[], io: CommandIO) => Promise<number>;

const COMMANDS: Record<string, { run: Command; summary: string }> = {
  train: { run: trainCommand, summary: 'train a model on a text file (checkpoints, resume, validation)' },
  sample: { run: sampleCommand, summary: 'generate text from a checkpoint or .safetensors model' },
  eval: { run: evalCommand, summary: "measure a model's loss on a text (nats and bits per character)" },
  export: { run: exportCommand, summary: 'write a checkpoint as .safetensors (for PyTorch, numpy, ...) or back as JSON' },
};

function mainHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(12)}${c.summary}`);
  return [
    'usage: min-char-rnn <command> [options]',
    '',
    'Character-level language models (the classic min-char-rnn, LSTM, GRU) trained as a streaming RxJS pipeline.',
    '',
    'commands:',
    ...rows,
    '',
    'options:',
    `  ${'--version'.padEnd(12)}print the version (also -V)`,
    `  ${'--help'.padEnd(12)}show this help (also -h, or \`min-char-rnn help\`)`,
    '',
    'Run `min-char-rnn <command> --help` (or `min-char-rnn help <command>`) for the options of a command.',
    '',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/**
 * Exit code for an error: 2 when the input or the command line is at fault (found before any output is
 * written), 1 for anything else, including an output that fails while being written (a full disk).
 */
export function exitCodeFor(e: unknown): number {
  return e instanceof UsageError || e instanceof ConfigError || e instanceof CorpusError || e instanceof CheckpointError
    ? 2
    : 1;
}

async function dispatch(argv: readonly string[], io: CommandIO): Promise<number> {
  const [command, ...rest] = argv;
  if (command === 'help' && rest.length > 0) {
    const [name, ...more] = rest;
    const cmd = COMMANDS[name!];
    if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(name)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
    if (more.length > 0) throw new UsageError(`help takes one command name, got ${rest.length}`);
    return cmd.run(['--help'], io);
  }
  if (command === undefined) {
    // A usage error like any other: the usage goes to stderr, stdout stays empty for the output.
    io.stderr.write(`min-char-rnn: no command given\n${mainHelp()}`);
    return 2;
  }
  if (command === '--help' || command === '-h' || command === 'help') {
    io.stdout.write(mainHelp());
    return 0;
  }
  if (command === '--version' || command === '-V') {
    io.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
  return cmd.run(rest, io);
}

/**
 * Runs the command line `argv` (without `node` and the script) with output on `io`; resolves with the
 * exit code and never rejects: a failure is one line `min-char-rnn: <message>` on stderr.
 */
export async function runCli(argv: readonly string[], io: CommandIO = processIO()): Promise<number> {
  try {
    return await dispatch(argv, io);
  } catch (e) {
    // One line, always: a message quoting user data may carry newlines.
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    io.stderr.write(`min-char-rnn: ${message}\n`);
    if (process.env.MIN_CHAR_RNN_DEBUG && e instanceof Error) io.stderr.write(`${e.stack}\n`);
    return exitCodeFor(e);
  }
}
