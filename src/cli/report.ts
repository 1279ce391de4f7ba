// How the train command shows progress: the classic text lines, JSON lines, and a live status line.
import type { Vocabulary } from '../corpus/vocabulary.js';
import { now } from '../util/macrotask.js';

/** Writes to stdout; a progress line, when shown, is cleared before and redrawn after each line. */
export interface Output {
  line(text: string): void;
  /** Redraws the live status line (only on a TTY; throttled by the caller). */
  status(text: string): void;
  /** Removes the status line, leaving the cursor at the start of an empty line. */
  clearStatus(): void;
  /** A message for the user on stderr, `min-char-rnn: ` first; the status line is kept intact around it. */
  notice(text: string): void;
  /** True once the reader of stdout has gone away (EPIPE): nothing more is written there. */
  readonly closed: boolean;
}

/** The parts of a stream the output needs (a fake one in tests). */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
  on?(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown;
}

export function stdoutOutput(
  stream: OutputStream = process.stdout,
  errors: OutputStream = process.stderr,
): Output {
  const tty = stream.isTTY === true;
  let status = '';
  let closed = false;
  // A reader that goes away (`| head`) is not an error worth a stack trace: stop writing, and let the
  // command stop as it would on Ctrl-C.
  stream.on?.('error', (e) => {
    if (e.code !== 'EPIPE') throw e;
    closed = true;
  });
  return {
    get closed() {
      return closed;
    },
    line(text) {
      if (closed) return;
      if (status) stream.write('\r\x1b[2K');
      stream.write(`${text}\n`);
      if (status) stream.write(status);
    },
    notice(text) {
      if (status && !closed) stream.write('\r\x1b[2K');
      errors.write(`min-char-rnn: ${text}\n`);
      if (status && !closed) stream.write(status);
    },
    status(text) {
      if (!tty || closed) return;
      const width = (stream.columns ?? 80) - 1;
      status = text.length > width ? text.slice(0, width) : text;
      stream.write(`\r\x1b[2K${status}`);
    },
    clearStatus() {
      if (status && !closed) stream.write('\r\x1b[2K');
      status = '';
    },
  };
}

/** Throughput over the run so far. */
export class Meter {
  private readonly started = now();
  private chars = 0;
  add(n: number): void {
    this.chars += n;
  }
  get seconds(): number {
    return (now() - this.started) / 1000;
  }
  get charsPerSecond(): number {
    const s = this.seconds;
    return s > 0 ? this.chars / s : 0;
  }
}

export function startRecord(
  vocab: Vocabulary,
  fields: { hiddenSize: number; seqLength: number; corpusLength: number; parameters: number } & Record<string, unknown>,
): string {
  return JSON.stringify({ type: 'start', vocab: vocab.chars, ...fields });
}

export function formatInteger(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** What the live status line shows. */
export interface StatusInfo {
  readonly iteration: number;
  /** The iteration count the run stops at, when there is one (for the ETA). */
  readonly target?: number | undefined;
  readonly smoothLoss: number;
  readonly seqLength: number;
  /** The last validation loss, nats per character. */
  readonly valLoss?: number | undefined;
  readonly charsPerSecond: number;
  readonly elapsedSeconds: number;
  /** Iterations run by this process so far (for the ETA). */
  readonly iterationsDone: number;
}

/**
 * The live status line: `iter 1,200/5,000 | loss 52.1234 | 3.007 bits/char | val 1.9876 (2.868 bits) |
 * 31,250 chars/s | 12s | ETA 38s`. Bits per character come from the smoothed loss: smoothLoss / T / ln 2.
 */
export function formatStatus(s: StatusInfo): string {
  const parts = [
    `iter ${formatInteger(s.iteration)}${s.target !== undefined ? `/${formatInteger(s.target)}` : ''}`,
    `loss ${s.smoothLoss.toFixed(4)}`,
    `${(s.smoothLoss / s.seqLength / Math.LN2).toFixed(3)} bits/char`,
  ];
  if (s.valLoss !== undefined) parts.push(`val ${s.valLoss.toFixed(4)} (${(s.valLoss / Math.LN2).toFixed(3)} bits)`);
  parts.push(`${formatInteger(s.charsPerSecond)} chars/s`, formatDuration(s.elapsedSeconds));
  if (s.target !== undefined && s.iterationsDone > 0) {
    const remaining = Math.max(0, s.target - s.iteration - 1);
    parts.push(`ETA ${formatDuration((remaining * s.elapsedSeconds) / s.iterationsDone)}`);
  }
  return parts.join(' | ');
}

/** `42s`, `3m 05s`, `2h 07m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
