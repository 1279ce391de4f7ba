// The elementary functions every kernel, sampler, softmax and optimizer uses. One seam, so that the
// numbers depend on this module's arithmetic rather than on an engine's Math.exp/Math.log/Math.tanh,
// which ECMAScript leaves implementation-approximated. (Issue 12 replaces these bodies with our own
// IEEE-only implementations; until then they are the engine's.)

/** e^x. */
export const exp: (x: number) => number = Math.exp;

/** Natural logarithm. */
export const log: (x: number) => number = Math.log;

/** Hyperbolic tangent. */
export const tanh: (x: number) => number = Math.tanh;
