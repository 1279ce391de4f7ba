/**
 * Clips every element of `x` to [−limit, limit] in place (the classic `np.clip(d, -5, 5, out=d)`, applied
 * to all five gradients at once since they share one buffer). NaN stays NaN so that divergence is seen.
 */
export function clipInPlace(x: Float64Array, limit: number): void {
  const lo = -limit;
  for (let i = 0; i < x.length; i++) {
    const v = x[i];
    if (v > limit) x[i] = limit;
    else if (v < lo) x[i] = lo;
  }
}
