#!/usr/bin/env node
// Entry point of the `min-char-rnn` command (the dispatcher is run.ts, callable in-process).
import { runCli } from './run.js';

runCli(process.argv.slice(2)).then((code) => {
  process.exitCode = code;
});
