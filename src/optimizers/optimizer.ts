import type { TrainingStep } from '../operators/step.js';

/**
 * An optimizer's state as it travels with each step, for checkpoints and inspection. The slot buffers
 * are live (laid out like `params.data`) and change with the next step: copy them to keep them.
 */
export interface OptimizerState {
  /** Which optimizer owns the state, e.g. `'adagrad'`. */
  readonly name: string;
  /** Updates applied so far. */
  readonly updates: number;
  /** Per-parameter buffers, each the length of `params.data` (Adagrad: `memory`). */
  readonly slots: Readonly<Record<string, Float64Array>>;
}

/** What an optimizer stage adds to a step. */
export interface OptimizedStep {
  readonly optimizer: OptimizerState;
}

/** An independent copy of an optimizer state. */
export function copyOptimizerState(state: OptimizerState): OptimizerState {
  const slots: Record<string, Float64Array> = {};
  for (const [k, v] of Object.entries(state.slots)) slots[k] = v.slice();
  return { name: state.name, updates: state.updates, slots };
}

/** The optimizer's slot `name` for this run: a copy of the saved one, or zeros beside the parameters. */
export function initialSlot(step: TrainingStep, name: string, saved: OptimizerState | undefined): Float64Array {
  const n = step.params.data.length;
  const slot = step.model.allocate(n);
  const from = saved?.slots[name];
  if (from) {
    if (from.length !== n) throw new RangeError(`optimizer slot ${name} has ${from.length} numbers, expected ${n}`);
    slot.set(from);
  }
  return slot;
}
