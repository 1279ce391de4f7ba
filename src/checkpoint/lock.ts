// Node-only: one writer per checkpoint. A run that writes a checkpoint first creates `<checkpoint>.lock`
// beside it, exclusively (`wx`: the creation fails if the file exists), holding its process id; a second
// run on the same file finds the lock, sees that its process is alive and stops before doing any work,
// naming that process. A lock whose process has died (killed with SIGKILL, or a second Ctrl-C) is stale
// and is taken over. The lock is removed when the run ends, on every path that lets JavaScript run.
// A takeover renames the stale lock aside to a temporary name first; a run killed in that instant
// leaves the temporary behind, so whoever holds the lock next removes the ones of dead processes.
import { closeSync, linkSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { CheckpointError } from '../errors.js';
import { isAlive, removeStaleTempFiles, tempPathFor } from './file.js';
import { fsReason } from './fsReason.js';

/** A held lock; {@link CheckpointLock.release} is idempotent. */
export interface CheckpointLock {
  /** The lock file, `<checkpoint>.lock`. */
  readonly path: string;
  /** Removes the lock file if it is still ours. */
  release(): void;
}

/** Another live process holds the lock. */
export class LockedError extends CheckpointError {
  constructor(
    message: string,
    readonly holder: number,
  ) {
    super(message);
  }
}

/** The lock file of a checkpoint. */
export function lockPathFor(checkpoint: string): string {
  return `${checkpoint}.lock`;
}

/** The process id a lock file holds, or undefined when it holds none (being written, or damaged). */
function readHolder(lock: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(lock, 'utf8');
  } catch {
    return undefined;
  }
  const m = /^(\d+)\s*$/.exec(text);
  return m ? Number(m[1]) : undefined;
}

/** Creates the lock file exclusively with our pid; false when it exists. */
function tryCreate(lock: string): boolean {
  let fd: number;
  try {
    fd = openSync(lock, 'wx', 0o644);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw new CheckpointError(`cannot create lock file ${lock}: ${fsReason(e)}`);
  }
  try {
    writeSync(fd, `${process.pid}\n`);
  } finally {
    closeSync(fd);
  }
  return true;
}

/**
 * Takes the lock of `checkpoint` for this process (`what` names it in messages, e.g. "checkpoint").
 * Throws a {@link LockedError} (a CheckpointError: the CLI exits with 2) naming the process that holds
 * it. Registers a release for the process's exit.
 */
export function lockCheckpoint(checkpoint: string, what = 'checkpoint'): CheckpointLock {
  const path = lockPathFor(checkpoint);
  for (let attempt = 0; ; attempt++) {
    if (tryCreate(path)) break;
    const holder = readHolder(path);
    if (holder === process.pid) break; // ours already (the same file named twice)
    if (holder !== undefined && isAlive(holder)) {
      throw new LockedError(
        `${what} ${checkpoint} is in use by another run (process ${holder}, lock file ${path}); ` +
          `wait for it to end, or remove the lock file if process ${holder} is not min-char-rnn`,
        holder,
      );
    }
    if (attempt >= 5) throw new CheckpointError(`cannot take over the lock file ${path} (other runs keep changing it)`);
    if (holder === undefined) {
      // Being written by its creator this very moment, or damaged: wait a little, then treat as stale.
      Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 50);
      if (readHolder(path) !== undefined) continue;
    }
    takeOverStale(path, holder);
  }
  // Held: the temporaries of takeovers that were killed halfway are garbage now (live ones are kept).
  removeStaleTempFiles(path);
  let released = false;
  const release = (): void => {
    if (released) return;
    released = true;
    process.off('exit', release);
    if (readHolder(path) === process.pid) rmSync(path, { force: true });
  };
  process.on('exit', release);
  return { path, release };
}

/**
 * Removes a stale lock without removing a fresh one another run created meanwhile: the file is first
 * renamed away (atomic), then checked; a live lock moved by mistake is put back.
 */
function takeOverStale(path: string, stale: number | undefined): void {
  const aside = tempPathFor(path);
  try {
    renameSync(path, aside);
  } catch {
    return; // gone already: another run took it over; try again
  }
  const moved = readHolder(aside);
  if (moved !== stale && moved !== undefined && isAlive(moved)) {
    try {
      linkSync(aside, path); // put it back unless yet another lock took its place
    } catch {
      // another lock is there now; it decides
    }
  }
  rmSync(aside, { force: true });
}
