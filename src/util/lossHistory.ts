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
    thinLossHistory(history);
  }
}

/**
 * Drops every other point (keeping the last) until at most {@link MAX_LOSS_HISTORY} remain, in place.
 * A loop, not `push(...kept)`: spreading a long array overflows the call stack.
 */
export function thinLossHistory(history: Array<readonly [number, number]>): void {
  while (history.length > MAX_LOSS_HISTORY) {
    let n = 0;
    const last = history.length - 1;
    for (let i = 0; i <= last; i++) if (i % 2 === 0 || i === last) history[n++] = history[i];
    history.length = n;
  }
}
