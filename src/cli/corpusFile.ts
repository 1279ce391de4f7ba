import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { fsReason } from '../checkpoint/file.js';
import type { CorpusFingerprint } from '../checkpoint/training.js';
import { UsageError } from './args.js';

/** The corpus `npm start` trains on: original text written for this project. */
export const DEFAULT_CORPUS = fileURLToPath(new URL('../../../data/default-corpus.txt', import.meta.url));

/**
 * Reads a UTF-8 text file for training. A byte order mark is kept as a character, like Python's
 * `open(encoding='utf-8')`, so vocabularies match the classic script's.
 */
export function readCorpusFile(path: string): string {
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch (e) {
    throw new UsageError(`cannot read corpus ${path}: ${fsReason(e)}`);
  }
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    throw new UsageError(`corpus ${path} is not valid UTF-8 text`);
  }
  if (text.length === 0) throw new UsageError(`corpus ${path} is empty`);
  return text;
}

/**
 * What identifies a corpus in a checkpoint: its absolute path, its length in characters (code points)
 * and the SHA-256 of its UTF-8 bytes (which are exactly the file's bytes: the text was decoded strictly).
 */
export function fingerprintCorpus(text: string, path: string): CorpusFingerprint {
  let length = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c < 0xdc00 || c > 0xdfff) length++; // a low surrogate completes a code point already counted
  }
  return { path: resolve(path), length, sha256: createHash('sha256').update(text, 'utf8').digest('hex') };
}
