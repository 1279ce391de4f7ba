// A loss history for charts that covers a whole run at bounded size.

/** Longest loss history kept; beyond it every other point is dropped (a chart needs no more). */
export const MAX_LOSS_HISTORY = 2000;

/**
 * Appends `[iteration, smoothLoss]` to a loss history, dropping every other old point when it grows past
 * {@link MAX_LOSS_HISTORY}, so the history covers the whole run at bounded size.
 */
export function recordLoss(history: Array<readonly [number, number]>, iteration: number, smoothLoss: number): void {
  history.push([iteration, smoothLoss]);
  if (history.length > MAX_LOSS_HISTORY) {
    const kept = history.filter((_, i) => i % 2 === 0 || i === history.length - 1);
    history.length = 0;
    history.push(...kept);
  }
}
