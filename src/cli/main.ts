#!/usr/bin/env node
// Entry point of the `min-char-rnn` command: dispatches to a subcommand and turns every failure into
// one line on stderr and an exit code (2 for usage and input errors, 1 for anything else).
import { readFileSync } from 'node:fs';
import { CheckpointError, ConfigError, CorpusError } from '../errors.js';
import { UsageError } from './args.js';
import { evalCommand } from './eval.js';
import { exportCommand } from './export.js';
import { sampleCommand } from './sample.js';
import { trainCommand } from './train.js';

const COMMANDS: Record<string, { run: (argv: readonly string[]) => Promise<number>; summary: string }> = {
  train: { run: trainCommand, summary: 'train a model on a text file (checkpoints, resume, validation)' },
  sample: { run: sampleCommand, summary: 'generate text from a checkpoint or .safetensors model' },
  export: { run: exportCommand, summary: 'write a checkpoint as .safetensors (for PyTorch, numpy, ...)' },
  eval: { run: evalCommand, summary: 'measure a model\'s loss on a text (nats and bits per character)' },
};

function mainHelp(): string {
  const rows = Object.entries(COMMANDS).map(([name, c]) => `  ${name.padEnd(10)}${c.summary}`);
  return [
    'usage: min-char-rnn <command> [options]',
    '',
    'Character-level language models (the classic min-char-rnn, LSTM, GRU) trained as a streaming RxJS pipeline.',
    '',
    'commands:',
    ...rows,
    '',
    'Run `min-char-rnn <command> --help` for the options of a command.',
    '',
  ].join('\n');
}

function version(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version: string };
  return pkg.version;
}

/** Exit code for an error: 2 when the input or the command line is at fault. */
export function exitCodeFor(e: unknown): number {
  return e instanceof UsageError || e instanceof ConfigError || e instanceof CorpusError || e instanceof CheckpointError
    ? 2
    : 1;
}

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined || command === '--help' || command === '-h' || command === 'help') {
    process.stdout.write(mainHelp());
    return command === undefined ? 2 : 0;
  }
  if (command === '--version') {
    process.stdout.write(`${version()}\n`);
    return 0;
  }
  const cmd = COMMANDS[command];
  if (!cmd) throw new UsageError(`unknown command ${JSON.stringify(command)} (commands: ${Object.keys(COMMANDS).join(', ')})`);
  return cmd.run(rest);
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (e: unknown) => {
    // One line, always: a message quoting user data may carry newlines.
    const message = (e instanceof Error ? e.message : String(e)).replace(/\s*\n\s*/g, ' ');
    process.stderr.write(`min-char-rnn: ${message}\n`);
    if (process.env.MIN_CHAR_RNN_DEBUG && e instanceof Error) process.stderr.write(`${e.stack}\n`);
    process.exitCode = exitCodeFor(e);
  },
);
