// Node-only: opening the files a run reads (corpora, checkpoints) so that no input can make it read
// forever. Only regular files and pipes are inputs: a regular file is read up to the size it had when
// opened, a pipe (a FIFO, or standard input given as "-") up to a byte limit; devices such as /dev/zero
// and sockets are refused by name before they are opened.
import { closeSync, fstatSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import { isatty } from 'node:tty';
import { fsReason } from './fsReason.js';

/** The most a pipe may deliver: 1 GiB. A larger text belongs in a file, which is read in chunks. */
export const PIPE_BYTE_LIMIT = 2 ** 30;

/** Bytes read at a time from a file or pipe. */
export const CHUNK_BYTES = 1 << 22;

/** Why an input cannot be read, in words; the caller names the file and what it was for. */
export class InputFileError extends Error {
  override readonly name = 'InputFileError';
}

/** An open input: a regular file of known size or a pipe. Close it with {@link closeInput}. */
export interface InputFile {
  readonly fd: number;
  readonly kind: 'file' | 'pipe';
  /** The size of a regular file when opened; reading stops there even if it grows. */
  readonly size: number | undefined;
  /** `path`, or "standard input". */
  readonly label: string;
}

/** What a non-regular, non-pipe file is, for the message that refuses it. */
function kindOf(st: Stats): string | undefined {
  if (st.isFile() || st.isFIFO()) return undefined;
  if (st.isDirectory()) return 'a directory';
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/**
 * Opens `path` for reading when it is a regular file or a pipe; `"-"` is standard input when
 * `allowStdin`. Throws an {@link InputFileError} saying why not (a device, a terminal, missing, ...).
 */
export function openInput(path: string, allowStdin = false): InputFile {
  if (path === '-' && allowStdin) {
    const st = fstatSync(0);
    if (st.isCharacterDevice() && isatty(0)) {
      throw new InputFileError('standard input is a terminal; pipe the text in (… | min-char-rnn train --corpus -) or name a file');
    }
    // A socket is a pipe here: what a parent process hands its child as standard input.
    const kind = st.isSocket() ? undefined : kindOf(st);
    if (kind) throw new InputFileError(`standard input is ${kind}, not a regular file or a pipe`);
    return { fd: 0, kind: st.isFile() ? 'file' : 'pipe', size: st.isFile() ? st.size : undefined, label: 'standard input' };
  }
  let st: Stats;
  try {
    st = statSync(path);
  } catch (e) {
    throw new InputFileError(fsReason(e));
  }
  const kind = kindOf(st);
  if (kind) throw new InputFileError(`it is ${kind}, not a regular file or a pipe`);
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch (e) {
    throw new InputFileError(fsReason(e));
  }
  // What was opened is what counts (the path may have been replaced since the stat).
  const opened = fstatSync(fd);
  const openedKind = kindOf(opened);
  if (openedKind) {
    closeSync(fd);
    throw new InputFileError(`it is ${openedKind}, not a regular file or a pipe`);
  }
  return { fd, kind: opened.isFile() ? 'file' : 'pipe', size: opened.isFile() ? opened.size : undefined, label: path };
}

/** Closes an input (standard input stays open). */
export function closeInput(input: InputFile): void {
  if (input.fd !== 0) closeSync(input.fd);
}

/** Sleeps a little without giving up the thread: a non-blocking pipe with nothing in it yet. */
function pause(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** One read, retried while a non-blocking pipe has nothing yet; 0 at the end. */
function readSome(fd: number, buffer: Uint8Array, offset: number, length: number, position: number | null): number {
  for (;;) {
    try {
      return readSync(fd, buffer, offset, length, position);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'EAGAIN' || code === 'EWOULDBLOCK') {
        pause(2);
        continue;
      }
      if (code === 'EOF') return 0;
      throw new InputFileError(fsReason(e));
    }
  }
}

/**
 * The chunks of a regular file from its start, each read when asked for (a view into one reused
 * buffer, valid until the next): what a corpus streams from. At most the file's size when opened.
 */
export function* fileChunks(input: InputFile, chunkBytes = CHUNK_BYTES): Generator<Uint8Array> {
  if (input.kind !== 'file' || input.size === undefined) throw new InputFileError('only a regular file can be read twice');
  const buffer = new Uint8Array(Math.max(1, Math.min(chunkBytes, input.size)));
  let position = 0;
  while (position < input.size) {
    const n = readSome(input.fd, buffer, 0, Math.min(buffer.length, input.size - position), position);
    if (n === 0) break; // shrank while open
    position += n;
    yield buffer.subarray(0, n);
  }
}

/**
 * Everything a pipe delivers, in the pieces it came in (no copy into one buffer: a corpus reads them as
 * its chunks), up to `limit` bytes; more is an {@link InputFileError} and the pipe is not drained further.
 */
export function pipeChunks(input: InputFile, limit = PIPE_BYTE_LIMIT): Uint8Array[] {
  const parts: Uint8Array[] = [];
  let total = 0;
  const buffer = new Uint8Array(CHUNK_BYTES);
  let filled = 0;
  for (;;) {
    const n = readSome(input.fd, buffer, filled, buffer.length - filled, null);
    if (n > 0) {
      total += n;
      if (total > limit) {
        throw new InputFileError(`more than ${limit} bytes arrived through the pipe (the limit for pipes); save the data to a file and name the file`);
      }
      filled += n;
    }
    // A pipe delivers ~64 kB a read: gather reads into chunks of CHUNK_BYTES, keeping only what came.
    if (n === 0 || filled === buffer.length) {
      if (filled > 0) parts.push(buffer.slice(0, filled));
      filled = 0;
      if (n === 0) return parts;
    }
  }
}

/**
 * Everything an input holds, as one buffer: a regular file up to its size when opened, a pipe up to
 * `limit` bytes (see {@link pipeChunks}).
 */
export function readAll(input: InputFile, limit = PIPE_BYTE_LIMIT): Uint8Array {
  if (input.kind === 'file') {
    const size = input.size ?? 0;
    const out = new Uint8Array(size);
    let off = 0;
    while (off < size) {
      const n = readSome(input.fd, out, off, size - off, off);
      if (n === 0) break;
      off += n;
    }
    return off === size ? out : out.subarray(0, off);
  }
  const parts = pipeChunks(input, limit);
  if (parts.length === 1) return parts[0]!;
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}

/** Opens, reads everything ({@link readAll}) and closes. */
export function readInputFile(path: string, limit = PIPE_BYTE_LIMIT, allowStdin = false): Uint8Array {
  const input = openInput(path, allowStdin);
  try {
    return readAll(input, limit);
  } finally {
    closeInput(input);
  }
}
