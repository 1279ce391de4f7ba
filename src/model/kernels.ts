import { ConfigError } from '../errors.js';
import { jsKernel } from './rnn/classic/jsKernel.js';
import type { Kernel } from './kernel.js';
import { referenceKernel } from './rnn/classic/reference.js';
import { wasmKernel, wasmSimdAvailable } from './rnn/classic/wasmKernel.js';

/**
 * The names {@link kernelByName} accepts: `auto` (the fastest this runtime has), `wasm` (WebAssembly
 * SIMD), `js` (plain JavaScript, fast) and `reference` (plain JavaScript, readable: the oracle).
 */
export const KERNEL_NAMES = ['auto', 'wasm', 'js', 'reference'] as const;
/** One of {@link KERNEL_NAMES}. */
export type KernelName = (typeof KERNEL_NAMES)[number];

/**
 * The kernel used when none is given: the fastest this runtime supports, chosen by measurement (see
 * bench/README.md): the WebAssembly SIMD kernel where `WebAssembly.validate` accepts its module, else
 * the fast JavaScript kernel.
 */
export function defaultKernel(): Kernel {
  return wasmSimdAvailable() ? wasmKernel : jsKernel;
}

/**
 * The kernel called `name` (see {@link KERNEL_NAMES}); `auto` is {@link defaultKernel}. Throws a
 * ConfigError for an unknown name, or for `wasm` where WebAssembly SIMD is unavailable.
 */
export function kernelByName(name: string): Kernel {
  switch (name) {
    case 'auto':
      return defaultKernel();
    case 'wasm':
      if (!wasmSimdAvailable()) throw new ConfigError('kernel', name, 'a kernel this runtime supports (it has no WebAssembly SIMD)');
      return wasmKernel;
    case 'js':
      return jsKernel;
    case 'reference':
      return referenceKernel;
    default:
      throw new ConfigError('kernel', name, `one of ${KERNEL_NAMES.join(', ')}`);
  }
}
