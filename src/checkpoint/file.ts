// Node-only file I/O for checkpoints and corpora (the rest of the library runs in browsers too).
import {
  closeSync,
  fsyncSync,
  linkSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
  type Stats,
} from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { CheckpointError } from '../errors.js';
import { decodeCheckpoint, type LoadedCheckpoint } from './decode.js';
import { serializeCheckpoint, serializeTrainingCheckpoint, type ModelSnapshot } from './format.js';
import { fsReason } from './fsReason.js';
import { InputFileError, readInputFile } from './inputFile.js';
import type { TrainingCheckpoint } from './training.js';

export { fsReason };

/**
 * Writes `data` to `path` so that a crash at any moment leaves either the old file or the new one, never
 * a mix: write a temporary file in the same folder, flush it to disk, rename it over `path`, then flush
 * the folder so the rename itself survives a power cut. On failure the temporary file is removed and the
 * old file is untouched.
 */
export function writeFileAtomic(path: string, data: string | Uint8Array): void {
  const dir = dirname(path);
  const tmp = tempPathFor(path);
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

let tempCounter = 0;

/** The temporary file a write of `path` goes through: `.<name>.<pid>.<stamp>.tmp` beside it. */
export function tempPathFor(path: string): string {
  tempCounter = (tempCounter + 1) % 1000;
  const stamp = `${Date.now()}${String(tempCounter).padStart(3, '0')}`;
  return join(dirname(path), `.${basename(path)}.${process.pid}.${stamp}.tmp`);
}

/** True when a process with this id is running (ours counts). */
export function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
}

/**
 * Removes temporary files that writes of `path` left behind when their process was killed mid-write
 * (`.<name>.<pid>.<stamp>.tmp` whose pid is no longer running). Files of live processes are kept.
 *
 * @returns The paths removed.
 */
export function removeStaleTempFiles(path: string): string[] {
  const dir = dirname(path);
  const prefix = `.${basename(path)}.`;
  const removed: string[] = [];
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return removed;
  }
  for (const name of names) {
    if (!name.startsWith(prefix) || !name.endsWith('.tmp')) continue;
    const m = /^(\d+)\.(\d+)\.tmp$/.exec(name.slice(prefix.length));
    if (!m || isAlive(Number(m[1]))) continue;
    try {
      rmSync(join(dir, name), { force: true });
      removed.push(join(dir, name));
    } catch {
      // Not ours to fight over: leave it.
    }
  }
  return removed;
}

/**
 * Checks, before any work is done, that `path` can be written the way {@link writeFileAtomic} will: its
 * folder exists and accepts a new file (one is created and removed); an existing `path` is a regular
 * file (never a device, a pipe or a folder, which a rename would replace or a write would feed forever)
 * and can be replaced (a hard link to it is made and removed: that fails, as the rename would, for an
 * immutable or append-only file). Throws a CheckpointError naming `what` (e.g. "checkpoint") and the reason.
 */
export function checkWritable(path: string, what: string): void {
  const dir = dirname(path);
  const fail = (reason: string): never => {
    throw new CheckpointError(`cannot write ${what} ${path}: ${reason}`);
  };
  let dirStat: Stats | undefined;
  try {
    dirStat = statSync(dir);
    if (!dirStat.isDirectory()) fail(`${dir} is not a folder`);
  } catch (e) {
    if (e instanceof CheckpointError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    fail(code === 'ENOENT' ? `folder ${dir} does not exist` : `folder ${dir}: ${fsReason(e)}`);
  }
  let existing: Stats | undefined;
  try {
    existing = statSync(path);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'ENOENT') fail(fsReason(e));
  }
  if (existing !== undefined) {
    if (existing.isDirectory()) fail('it is a folder');
    if (!existing.isFile()) fail(`it exists and is ${describeSpecial(existing)}, not a regular file`);
  }
  const probe = tempPathFor(path);
  try {
    closeSync(openSync(probe, 'wx', 0o644));
  } catch (e) {
    fail(`folder ${dir}: ${fsReason(e)}`);
  }
  rmSync(probe, { force: true });
  if (existing !== undefined) checkReplaceable(path, existing, dirStat!, fail);
}

function describeSpecial(st: Stats): string {
  if (st.isCharacterDevice()) return 'a character device';
  if (st.isBlockDevice()) return 'a block device';
  if (st.isFIFO()) return 'a pipe';
  if (st.isSocket()) return 'a socket';
  return 'not a regular file';
}

/** Fails when renaming a new file over the existing `path` would be refused at the end of the run. */
function checkReplaceable(path: string, st: Stats, dirStat: Stats, fail: (reason: string) => never): void {
  const euid = process.geteuid?.();
  // In a sticky folder (like /tmp) only the file's or the folder's owner may replace a file.
  if (euid !== undefined && euid !== 0 && (dirStat.mode & 0o1000) !== 0 && st.uid !== euid && dirStat.uid !== euid) {
    fail(`it belongs to another user in a sticky folder, so it cannot be replaced`);
  }
  // The kernel refuses a hard link to an immutable or append-only file for the same reason it refuses
  // to replace it; the link is removed at once and the file itself is not opened.
  const link = tempPathFor(path);
  try {
    linkSync(path, link);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EPERM') fail('it exists and cannot be replaced (it is immutable or append-only)');
    return; // no hard links here (EXDEV, ENOTSUP, EMLINK...): nothing learnt, the write will tell
  }
  rmSync(link, { force: true });
}

/**
 * Reads a model file of either encoding (JSON checkpoint or safetensors, told apart by content); every
 * failure is one CheckpointError line naming the file.
 */
export function loadCheckpointFile(path: string): LoadedCheckpoint {
  let bytes: Uint8Array;
  try {
    bytes = readInputFile(path);
  } catch (e) {
    throw new CheckpointError(`cannot read checkpoint ${path}: ${e instanceof InputFileError ? e.message : fsReason(e)}`);
  }
  try {
    return decodeCheckpoint(bytes);
  } catch (e) {
    if (e instanceof CheckpointError) throw new CheckpointError(`checkpoint ${path}: ${e.message}`);
    throw e;
  }
}

/**
 * Saves a checkpoint with its training state atomically: serialised completely first (a value that
 * cannot be saved fails before the file is touched), then written by {@link writeFileAtomic}.
 */
export function writeTrainingCheckpointFile(path: string, checkpoint: TrainingCheckpoint): void {
  writeCheckpointText(path, serializeTrainingCheckpoint(checkpoint));
}

/** Saves a checkpoint atomically (see {@link writeFileAtomic}). */
export function writeCheckpointFile(
  path: string,
  snapshot: ModelSnapshot,
  extra?: Readonly<Record<string, unknown>>,
): void {
  writeCheckpointText(path, serializeCheckpoint(snapshot, extra));
}

// Callers serialise before calling, so a value that cannot be saved never touches the file.
function writeCheckpointText(path: string, text: string): void {
  try {
    writeFileAtomic(path, text);
  } catch (e) {
    throw new CheckpointError(`cannot write checkpoint ${path}: ${fsReason(e)}`);
  }
}
