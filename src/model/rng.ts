import seedrandom from 'seedrandom';

/**
 * The state of a {@link SeededRandom} (seedrandom's ARC4 generator): JSON-serialisable, so a checkpoint
 * can resume the exact sequence. Declared here rather than taken from seedrandom's type package, so the
 * published types need nothing beyond this package (seedrandom ships no types of its own).
 */
export interface RandomState {
  /** ARC4's first index, 0–255. */
  readonly i: number;
  /** ARC4's second index, 0–255. */
  readonly j: number;
  /** ARC4's permutation of 0–255 (256 numbers). */
  readonly S: readonly number[];
}

/** A seeded uniform source on [0, 1) whose position in its sequence can be saved and restored. */
export interface SeededRandom {
  (): number;
  /** A snapshot of the generator; `restoreRandom(state)` continues from exactly here. */
  state(): RandomState;
}

/** A generator seeded with `seed` (numbers and their decimal strings give the same sequence). */
export function seededRandom(seed: string | number): SeededRandom {
  return seedrandom(String(seed), { state: true });
}

/** A generator continuing from a saved state (the state is copied, never written). */
export function restoreRandom(state: RandomState): SeededRandom {
  return seedrandom('', { state: { i: state.i, j: state.j, S: [...state.S] } });
}
