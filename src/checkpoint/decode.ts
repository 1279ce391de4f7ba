import { CheckpointError } from '../errors.js';
import { parseCheckpoint } from './format.js';
import { decodeModelSafetensors, isSafetensors } from './safetensors.js';
import type { TrainingCheckpoint } from './training.js';

/** A model file as read: weights, vocabulary, training state (JSON checkpoints only) and its kind. */
export interface LoadedCheckpoint extends TrainingCheckpoint {
  /** Which encoding the bytes were in. */
  readonly format: 'json' | 'safetensors';
  /** The safetensors `__metadata__` strings (safetensors files only). */
  readonly metadata?: Readonly<Record<string, string>>;
}

/**
 * Reads a model from a file's bytes, telling the two encodings apart by content, not by name: a
 * safetensors file starts with its header length and then '{'; anything else is read as a format 1
 * JSON checkpoint. Every problem is one CheckpointError line.
 *
 * ```ts
 * import { decodeCheckpoint } from 'min-char-rnn';
 * import { readFileSync } from 'node:fs';
 *
 * const model = decodeCheckpoint(readFileSync('model.safetensors'));
 * console.log(model.format, model.params.hiddenSize, model.vocab.size);
 * ```
 *
 * @param bytes The whole file.
 * @returns The model and, for JSON checkpoints written during training, its training state.
 */
export function decodeCheckpoint(bytes: Uint8Array): LoadedCheckpoint {
  if (isSafetensors(bytes)) {
    const { vocab, params, metadata } = decodeModelSafetensors(bytes);
    return { format: 'safetensors', vocab, params, metadata };
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes); // drops a leading BOM
  } catch {
    throw new CheckpointError('neither a JSON checkpoint (not UTF-8 text) nor a safetensors file');
  }
  if (text.trim() === '') throw new CheckpointError('the file is empty; it may be truncated');
  const { vocab, params, training } = parseCheckpoint(text);
  return { format: 'json', vocab, params, ...(training ? { training } : {}) };
}
