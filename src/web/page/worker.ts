// The training worker: the studio session with the page's messages as its commands. All the training
// work happens here, off the page's main thread.
import { fromEvent, map } from 'rxjs';
import type { StudioCommand, StudioEvent } from '../protocol.js';
import { studioSession } from '../session.js';

/** The part of a dedicated worker's global scope used here (the page's tsconfig has DOM types only). */
interface WorkerScope extends EventTarget {
  postMessage(message: StudioEvent, transfer: Transferable[]): void;
}

const scope = self as unknown as WorkerScope;

fromEvent<MessageEvent<StudioCommand>>(scope, 'message')
  .pipe(
    map((e) => e.data),
    studioSession(),
  )
  .subscribe((event) => scope.postMessage(event, event.type === 'file' ? [event.bytes] : []));
