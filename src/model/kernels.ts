import type { Kernel } from './kernel.js';
import { referenceKernel } from './reference.js';

/** The kernel used when none is given. */
export function defaultKernel(): Kernel {
  return referenceKernel;
}
