import { createHash } from 'node:crypto';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { closeInput, fileChunks, InputFileError, openInput, pipeChunks } from '../checkpoint/inputFile.js';
import type { CorpusFingerprint } from '../checkpoint/training.js';
import type { Corpus } from '../corpus/corpus.js';
import { corpusFromChunks } from '../corpus/stream.js';
import type { Vocabulary } from '../corpus/vocabulary.js';
import { CorpusError } from '../errors.js';
import { UsageError } from './args.js';

/** The corpus `npm start` trains on: original text written for this project. */
export const DEFAULT_CORPUS = fileURLToPath(new URL('../../../data/default-corpus.txt', import.meta.url));

/** A corpus read from a file or standard input, with what identifies it in a checkpoint. */
export interface LoadedCorpus {
  readonly corpus: Corpus;
  readonly fingerprint: CorpusFingerprint;
}

/**
 * Reads a UTF-8 text for training, `"-"` being standard input: a regular file is streamed from disk in
 * chunks (twice: see corpusFromChunks), a pipe is read into memory up to its byte limit first. A byte
 * order mark is kept as a character, like Python's `open(encoding='utf-8')`, so vocabularies match the
 * classic script's. With `vocab` (from a checkpoint) every character must be in it; `vocabOf` names
 * that checkpoint in the message; `check` sees the fingerprint before anything is encoded (it may throw).
 *
 * The fingerprint is the absolute path (none for standard input), the length in code points and the
 * SHA-256 of the bytes (exactly the file's: the text was decoded strictly).
 */
export function loadCorpusFile(
  path: string,
  vocab?: Vocabulary,
  vocabOf = '',
  check?: (fingerprint: CorpusFingerprint) => void,
): LoadedCorpus {
  const fail = (why: string): never => {
    throw new UsageError(`cannot read corpus ${path === '-' ? 'from standard input' : path}: ${why}`);
  };
  let input;
  try {
    input = openInput(path, true);
  } catch (e) {
    if (e instanceof InputFileError) fail(e.message);
    throw e;
  }
  const name = path === '-' ? 'on standard input' : path;
  try {
    let chunks: () => Iterable<Uint8Array>;
    if (input.kind === 'file') {
      const file = input;
      chunks = () => fileChunks(file);
    } else {
      const parts = pipeChunks(input); // held in memory: a pipe cannot be read twice
      chunks = () => parts;
    }
    const hash = createHash('sha256');
    let fingerprint: CorpusFingerprint | undefined;
    const afterCount = (length: number): void => {
      fingerprint = { ...(path === '-' ? {} : { path: resolve(path) }), length, sha256: hash.digest('hex') };
      check?.(fingerprint);
    };
    let corpus: Corpus;
    try {
      corpus = corpusFromChunks(chunks, { ...(vocab ? { vocab } : {}), onBytes: (b) => hash.update(b), afterCount });
    } catch (e) {
      if (!(e instanceof CorpusError)) throw e;
      if (e.message.includes('UTF-8')) throw new UsageError(`corpus ${name} is not valid UTF-8 text`);
      if (e.message.includes('empty')) throw new UsageError(`corpus ${name} is empty`);
      throw new UsageError(`corpus ${name}: ${e.message}${vocab ? ` of checkpoint ${vocabOf}` : ''}`);
    }
    return { corpus, fingerprint: fingerprint! };
  } catch (e) {
    if (e instanceof InputFileError) fail(e.message);
    throw e;
  } finally {
    closeInput(input);
  }
}
