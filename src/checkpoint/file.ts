// Node-only file I/O for checkpoints and corpora (the rest of the library runs in browsers too).
import { closeSync, fsyncSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { parseCheckpoint, serializeCheckpoint, type ModelSnapshot } from './format.js';

/** Why reading `path` failed, in words (ENOENT → "no such file"). */
export function fsReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException | undefined)?.code;
  switch (code) {
    case 'ENOENT':
      return 'no such file';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'it is a directory';
    case 'ENOTDIR':
      return 'a part of the path is not a directory';
    case 'ENOSPC':
      return 'no space left on the device';
    default:
      return (e as Error | undefined)?.message ?? String(e);
  }
}

/**
 * Writes `data` to `path` so that a crash at any moment leaves either the old file or the new one, never
 * a mix: write a temporary file in the same folder, flush it to disk, rename it over `path`, then flush
 * the folder so the rename itself survives a power cut. On failure the temporary file is removed and the
 * old file is untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = join(dir, `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  let fd: number | undefined;
  try {
    fd = openSync(tmp, 'wx', 0o644);
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    let off = 0;
    while (off < bytes.length) off += writeSync(fd, bytes, off, bytes.length - off);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(tmp, path);
  } catch (e) {
    if (fd !== undefined) closeSync(fd);
    rmSync(tmp, { force: true });
    throw e;
  }
  try {
    const dfd = openSync(dir, 'r');
    try {
      fsyncSync(dfd);
    } finally {
      closeSync(dfd);
    }
  } catch {
    // Some platforms cannot open or fsync a directory; the rename is still atomic there.
  }
}

/** Reads and validates a checkpoint file; every failure is one CheckpointError line naming the file. */
export function readCheckpointFile(path: string): ReturnType<typeof parseCheckpoint> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (e) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${fsReason(e)}`);
  }
  try {
    return parseCheckpoint(text);
  } catch (e) {
    if (e instanceof CheckpointError) throw new CheckpointError(`checkpoint ${path}: ${e.message}`);
    throw e;
  }
}

/** Saves a checkpoint atomically (see {@link writeFileAtomic}). */
export function writeCheckpointFile(
  path: string,
  snapshot: ModelSnapshot,
  extra?: Readonly<Record<string, unknown>>,
): void {
  const text = serializeCheckpoint(snapshot, extra); // serialise first: a refusal must not touch the file
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new CheckpointError(`cannot write checkpoint ${path}: ${fsReason(e)}`);
  }
}
