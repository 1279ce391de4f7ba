// The page's side of the worker: its messages as Observables, and commands sent to it.
import { filter, fromEvent, map, merge, Observable, share } from 'rxjs';
import type { StudioCommand, StudioEvent } from '../protocol.js';

/** The training worker as the page sees it. */
export interface StudioWorker {
  /** Every event of the session, multicast (one listener on the worker however many subscribe). */
  readonly event$: Observable<StudioEvent>;
  /** The events of one type. */
  on<K extends StudioEvent['type']>(type: K): Observable<Extract<StudioEvent, { type: K }>>;
  send(command: StudioCommand): void;
}

/**
 * Starts the worker script at `url` and bridges it: its messages become `event$`, and a worker that
 * fails to load or throws becomes an `error` event (so the page shows it like any other problem).
 */
export function connectStudioWorker(url: string): StudioWorker {
  const worker = new Worker(url);
  const event$ = merge(
    fromEvent<MessageEvent<StudioEvent>>(worker, 'message').pipe(map((e) => e.data)),
    fromEvent<ErrorEvent>(worker, 'error').pipe(
      map((e): StudioEvent => ({ type: 'error', message: `the training worker failed: ${e.message || 'it could not be loaded'}` })),
    ),
    fromEvent<MessageEvent>(worker, 'messageerror').pipe(
      map((): StudioEvent => ({ type: 'error', message: 'a message from the training worker could not be read' })),
    ),
  ).pipe(share());
  return {
    event$,
    on: <K extends StudioEvent['type']>(type: K) =>
      event$.pipe(filter((e): e is Extract<StudioEvent, { type: K }> => e.type === type)),
    send(command) {
      worker.postMessage(command, command.type === 'load-checkpoint' ? [command.bytes] : []);
    },
  };
}
