import seedrandom from 'seedrandom';

/** The state of a {@link SeededRandom}: JSON-serialisable, so a checkpoint can resume the exact sequence. */
export type RandomState = seedrandom.State.Arc4;

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

/** A generator continuing from a saved state. */
export function restoreRandom(state: RandomState): SeededRandom {
  return seedrandom('', { state });
}
