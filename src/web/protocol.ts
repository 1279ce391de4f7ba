// The messages between the studio page and its training worker. Everything here is structured-clone
// data (plain objects, strings, numbers, ArrayBuffers), so it crosses postMessage unchanged.
import type { Evaluation } from '../operators/evaluateEvery.js';
import type { StudioSettings } from './settings.js';

/** What the page asks of the worker. */
export type StudioCommand =
  /** Train on `text`: a new run, or the loaded checkpoint's run continued (`fromCheckpoint`). */
  | {
      readonly type: 'start';
      readonly text: string;
      readonly settings: StudioSettings;
      readonly fromCheckpoint: boolean;
      /** Threads for the LSTM/GRU products (the page's worker; default 1): used where the page is cross-origin isolated. */
      readonly threads?: number;
    }
  | { readonly type: 'pause' }
  | { readonly type: 'resume' }
  | { readonly type: 'stop' }
  /** Live hyperparameters: applied from the next step (learning rate) or sample (temperature). */
  | { readonly type: 'set'; readonly learningRate?: number; readonly temperature?: number }
  /** Read a checkpoint file (JSON or safetensors); `name` is for messages. */
  | { readonly type: 'load-checkpoint'; readonly name: string; readonly bytes: ArrayBuffer }
  | { readonly type: 'save-checkpoint' }
  | { readonly type: 'save-safetensors' }
  /** Generate from the current model (the run's latest weights, or the loaded checkpoint). */
  | {
      readonly type: 'generate';
      readonly prime: string;
      readonly length: number;
      readonly temperature: number;
      readonly seed: string;
    }
  | { readonly type: 'stop-generating' };

/** Where the session is. `stopped` keeps the run's last state for saving and generating. */
export type Phase = 'idle' | 'running' | 'paused' | 'stopped';

/** What the worker reports. */
export type StudioEvent =
  | { readonly type: 'phase'; readonly phase: Phase; readonly reason?: string }
  /** The run's numbers, at most every ~100 ms while running and at every change of phase. */
  | {
      readonly type: 'progress';
      /** Iterations completed: the next iteration number (a checkpoint's `training.iteration`). */
      readonly iteration: number;
      readonly loss: number;
      readonly smoothLoss: number;
      /** Training characters per second over the last second or so. */
      readonly charsPerSecond: number;
      /** Milliseconds spent training (pauses excluded). */
      readonly elapsedMs: number;
      /** New chart points since the last report: `[iteration, smoothLoss]`. */
      readonly points: ReadonlyArray<readonly [number, number]>;
    }
  | { readonly type: 'sample'; readonly iteration: number; readonly text: string; readonly temperature: number }
  | { readonly type: 'validation'; readonly evaluation: Evaluation }
  /** A run began: what the chart and the fields should show from now on. */
  | {
      readonly type: 'run';
      readonly seqLength: number;
      readonly startIteration: number;
      readonly lossHistory: ReadonlyArray<readonly [number, number]>;
      readonly validation: readonly Evaluation[];
      readonly heldOut: number;
      /** A line for the status bar, e.g. "continuing checkpoint x.json at iteration 200". */
      readonly note: string;
    }
  | { readonly type: 'checkpoint-loaded'; readonly name: string; readonly summary: CheckpointSummary }
  | { readonly type: 'file'; readonly name: string; readonly mime: string; readonly bytes: ArrayBuffer }
  | { readonly type: 'generated'; readonly text: string; readonly done: boolean }
  /** The threads a starting run computes on (1 for the classic RNN, and where the page is not isolated), and why. */
  | { readonly type: 'threads'; readonly threads: number; readonly note: string }
  /** Something went wrong. The session is still usable; `phase` events say what state it is in. */
  | { readonly type: 'error'; readonly message: string };

/** What a loaded checkpoint holds, for the page to fill in its fields. */
export interface CheckpointSummary {
  readonly format: 'json' | 'safetensors';
  readonly hiddenSize: number;
  readonly vocabSize: number;
  /** The model's settings (family, hidden size, layers): fixed for any run from these weights. */
  readonly model: Partial<StudioSettings>;
  /** Absent for weights only (a safetensors export, or a checkpoint without training state). */
  readonly training?: {
    readonly iteration: number;
    readonly seqLength: number;
    readonly smoothLoss: number;
    readonly settings: Partial<StudioSettings>;
    readonly lossHistory: ReadonlyArray<readonly [number, number]>;
    readonly validation: readonly Evaluation[];
  };
}
