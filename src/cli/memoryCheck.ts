// The memory check before a run allocates anything: the figure from the sizes (model/memory.ts), the
// machine's limit, and the kernel's own limit (WebAssembly's 4 GiB), with `--kernel auto` falling back
// to the JavaScript kernel when a model does not fit WebAssembly memory.
import { totalmem } from 'node:os';
import { jsKernel } from '../model/rnn/classic/jsKernel.js';
import type { Kernel } from '../model/kernel.js';
import { formatBytes, MAX_ARRAY_LENGTH, rnnActivations, trainingMemoryBytes } from '../model/memory.js';
import { modelParameterCount } from '../model/families.js';
import { parameterCount } from '../model/rnn/classic/params.js';
import { isClassicSpec, type ResolvedModelSpec } from '../model/spec.js';
import { stackNetworkNumbers } from '../model/stack.js';
import { UsageError } from './args.js';

/** The memory this process may use: the machine's, or less when a control group limits it. */
export function memoryLimit(): number {
  const total = totalmem();
  // process.constrainedMemory (Node ≥ 19.6) reports a control group's limit, or a huge number without one.
  const probe = (process as { constrainedMemory?: () => number | undefined }).constrainedMemory;
  const constrained = typeof probe === 'function' ? (probe() ?? 0) : 0;
  return constrained && constrained > 0 && constrained < total ? constrained : total;
}

/** What is being sized. */
export interface MemoryRequest {
  readonly hiddenSize: number;
  readonly vocabSize: number;
  readonly seqLength: number;
  readonly optimizerSlots: number;
  readonly validation: boolean;
  readonly checkpoints: boolean;
  /** The kernel asked for, and whether it was `auto` (which may fall back). */
  readonly kernel: Kernel;
  readonly auto: boolean;
  /** `vocabSize` is only the least it can be (the corpus is not read yet). */
  readonly vocabUnknown?: boolean;
  /** The model, when not the classic one of `hiddenSize` (its hiddenSize is `hiddenSize`). */
  readonly model?: ResolvedModelSpec;
  /** B, streams. Default 1. */
  readonly batchSize?: number;
}

/**
 * Checks that a run fits: its parameters fit one array, its bytes fit the machine, and one model fits
 * the kernel's own limit. Returns the kernel to use (the JavaScript kernel when `auto` chose one that
 * the model does not fit) and a line saying so; throws a UsageError with the figure and the limit.
 */
export function checkMemory(r: MemoryRequest, limit = memoryLimit()): { kernel: Kernel; notice?: string } {
  const { hiddenSize: H, vocabSize: V, seqLength: T } = r;
  const what = r.vocabUnknown ? `a model of hidden size ${H}` : `a model of hidden size ${H} and ${V} characters`;
  const B = r.batchSize ?? 1;
  // The classic model at B = 1 runs on the classic kernels; every other model on a network.
  const classic = r.model === undefined || (isClassicSpec(r.model) && r.model.dropout === 0 && B === 1);
  const P = r.model ? modelParameterCount(r.model, V) : parameterCount(H, V);
  // A kernel's own network (the batched LSTM/GRU) says what it allocates; the reference network otherwise.
  const own = !classic && r.kernel.implementsNetwork?.(r.model!) ? r.kernel.networkBytes?.(r.model!, V, T, B) : undefined;
  const need = trainingMemoryBytes({
    parameters: P,
    activations: classic ? rnnActivations(H, V, T) : own !== undefined ? own / 8 - 2 * P : stackNetworkNumbers(r.model!, V, T, B),
    optimizerSlots: r.optimizerSlots,
    validation: r.validation,
    checkpoints: r.checkpoints,
  });
  if (need > limit) {
    throw new UsageError(
      `${what} needs about ${formatBytes(need)} to train (parameters, gradients, optimizer state, activations); ` +
        `the memory available is ${formatBytes(limit)} (see --hidden-size)`,
    );
  }
  if (P > MAX_ARRAY_LENGTH) {
    throw new UsageError(`${what} has ${P} parameters, more than the ${MAX_ARRAY_LENGTH} one array can hold (see --hidden-size)`);
  }
  const kernel = r.kernel;
  if (classic && kernel.maxModelBytes !== undefined && kernel.modelBytes !== undefined) {
    const bytes = kernel.modelBytes(H, V, T);
    if (bytes > kernel.maxModelBytes) {
      const figure = `${what} needs ${formatBytes(bytes)} of ${kernel.name} kernel memory, more than its limit of ${formatBytes(kernel.maxModelBytes)}`;
      if (!r.auto) throw new UsageError(`--kernel ${kernel.name}: ${figure}; use --kernel js (or auto)`);
      return { kernel: jsKernel, notice: `${figure}: using the js kernel` };
    }
  }
  return { kernel };
}
