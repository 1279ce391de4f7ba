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
  /** Columns the status line may use (the terminal's width less one, so it never wraps). */
  readonly width: number;
}

/** The parts of a stream the output needs (a fake one in tests). */
export interface OutputStream {
  readonly isTTY?: boolean;
  readonly columns?: number;
  write(text: string): unknown;
  on?(event: 'error', listener: (e: NodeJS.ErrnoException) => void): unknown;
}

/** Where a command writes: its stdout and stderr (the process's, or fakes in tests). */
export interface CommandIO {
  readonly stdout: OutputStream;
  readonly stderr: OutputStream;
}

/** The process's own streams. */
export function processIO(): CommandIO {
  return { stdout: process.stdout, stderr: process.stderr };
}

/**
 * The command's output on `stream`, notices on `errors`. `live: false` (JSON mode) never draws the
 * status line, even on a terminal: a JSON reader must get JSON lines only.
 */
export function stdoutOutput(
  stream: OutputStream = process.stdout,
  errors: OutputStream = process.stderr,
  options?: { readonly live?: boolean },
): Output {
  const tty = stream.isTTY === true && options?.live !== false;
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
    get width() {
      // A terminal of unknown size (a pty nobody sized) reports 0 columns: then $COLUMNS, or 80.
      const columns = stream.columns !== undefined && stream.columns > 0 ? stream.columns : Number(process.env.COLUMNS) || 80;
      return columns - 1;
    },
    status(text) {
      if (!tty || closed) return;
      const width = this.width;
      status = text.length > width ? text.slice(0, width) : text;
      stream.write(`\r\x1b[2K${status}`);
    },
    clearStatus() {
      if (status && !closed) stream.write('\r\x1b[2K');
      status = '';
    },
  };
}

/** Seconds of steady training before a speed (and so an ETA) is worth showing. */
export const MIN_MEASURED_SECONDS = 1;

/**
 * Throughput over the run so far. The speed is measured from the end of the first window on: the first
 * one pays for start-up (compiling the kernel, warming the JIT), which says nothing about the rest.
 */
export class Meter {
  private readonly started = now();
  private firstAt: number | undefined;
  private chars = 0; // counted after the first window
  private total = 0;
  private windows = 0;
  add(n: number): void {
    this.total += n;
    if (this.windows++ === 0) this.firstAt = now();
    else this.chars += n;
  }
  /** Characters a second over the whole run, start-up included (for the summary). */
  get overallCharsPerSecond(): number {
    const s = this.seconds;
    return s > 0 ? this.total / s : 0;
  }
  /** Seconds since the meter was made (the run's wall time). */
  get seconds(): number {
    return (now() - this.started) / 1000;
  }
  /** Seconds over which the speed is measured. */
  get measuredSeconds(): number {
    return this.firstAt === undefined ? 0 : (now() - this.firstAt) / 1000;
  }
  /** Characters a second after the first window; over the whole run when that is all there was. */
  get charsPerSecond(): number {
    const s = this.measuredSeconds;
    if (this.chars > 0 && s > 0) return this.chars / s;
    return 0;
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
  /** Seconds the speed was measured over: speed and ETA are shown from {@link MIN_MEASURED_SECONDS} on. Default: elapsedSeconds. */
  readonly measuredSeconds?: number;
  /** Iterations run by this process so far (for the ETA). */
  readonly iterationsDone: number;
}

/**
 * The live status line: `iter 1,200/5,000 | loss 52.1234 | 3.007 bits/char | val 1.9876 (2.868 bits) |
 * 31,250 chars/s | 12s | ETA 38s`. Bits per character come from the smoothed loss: smoothLoss / T / ln 2.
 * Speed and ETA appear once a second of training has been measured. When the line is wider than `width`,
 * fields are dropped from the right, but the ETA is kept to the last (it is what a waiting user looks for).
 */
export function formatStatus(s: StatusInfo, width = Infinity): string {
  const measured = (s.measuredSeconds ?? s.elapsedSeconds) >= MIN_MEASURED_SECONDS && s.charsPerSecond > 0;
  const parts = [
    `iter ${formatInteger(s.iteration)}${s.target !== undefined ? `/${formatInteger(s.target)}` : ''}`,
    `loss ${s.smoothLoss.toFixed(4)}`,
    `${(s.smoothLoss / s.seqLength / Math.LN2).toFixed(3)} bits/char`,
  ];
  if (s.valLoss !== undefined) parts.push(`val ${s.valLoss.toFixed(4)} (${(s.valLoss / Math.LN2).toFixed(3)} bits)`);
  if (measured) parts.push(`${formatInteger(s.charsPerSecond)} chars/s`);
  parts.push(formatDuration(s.elapsedSeconds));
  let eta: string | undefined;
  if (measured && s.target !== undefined && s.iterationsDone > 0) {
    const remaining = Math.max(0, s.target - s.iteration - 1);
    // From the measured stretch (the first window's start-up excluded) when there is one.
    const perIteration =
      s.measuredSeconds !== undefined && s.iterationsDone > 1 ? s.measuredSeconds / (s.iterationsDone - 1) : s.elapsedSeconds / s.iterationsDone;
    eta = `ETA ${formatDuration(remaining * perIteration)}`;
  }
  const join = (fields: readonly string[]): string => [...fields, ...(eta !== undefined ? [eta] : [])].join(' | ');
  while (parts.length > 1 && join(parts).length > width) parts.pop();
  const line = join(parts);
  return line.length > width ? line.slice(0, width) : line;
}

/** `42s`, `3m 05s`, `2h 07m`. */
export function formatDuration(seconds: number): string {
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h ${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}
