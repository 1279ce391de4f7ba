import { exp } from './elementary.js';

/** The logistic function σ(x) = 1 / (1 + e^−x), through the shared `exp` (so every kernel agrees). */
export function sigmoid(x: number): number {
  return 1 / (1 + exp(-x));
}
