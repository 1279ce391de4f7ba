/**
 * Runs `fn` on a later turn of the event loop, after pending timers and I/O (signals included), and
 * returns a function that cancels it. Node has `setImmediate`; browsers get a MessageChannel, which
 * unlike `setTimeout(0)` is not clamped to 4 ms.
 */
export function scheduleMacrotask(fn: () => void): () => void {
  const g = globalThis as unknown as {
    setImmediate?: (cb: () => void) => unknown;
    clearImmediate?: (handle: unknown) => void;
    MessageChannel?: new () => {
      port1: { onmessage: (() => void) | null; close(): void };
      port2: { postMessage(v: unknown): void; close(): void };
    };
  };
  if (g.setImmediate && g.clearImmediate) {
    const handle = g.setImmediate(fn);
    const clear = g.clearImmediate;
    return () => clear(handle);
  }
  if (g.MessageChannel) {
    const channel = new g.MessageChannel();
    let live = true;
    channel.port1.onmessage = () => {
      channel.port1.close();
      if (live) fn();
    };
    channel.port2.postMessage(0);
    return () => {
      live = false;
      channel.port1.close();
    };
  }
  const handle = setTimeout(fn, 0);
  return () => clearTimeout(handle);
}

/** Milliseconds from a monotonic clock. */
export const now: () => number =
  typeof performance !== 'undefined' ? () => performance.now() : () => Date.now();
