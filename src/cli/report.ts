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
}

export function stdoutOutput(stream: NodeJS.WriteStream = process.stdout): Output & { readonly closed: boolean } {
  const tty = stream.isTTY === true;
  let status = '';
  let closed = false;
  // A reader that goes away (`| head`) is not an error worth a stack trace: stop writing.
  stream.on('error', (e: NodeJS.ErrnoException) => {
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
