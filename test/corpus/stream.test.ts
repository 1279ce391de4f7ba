import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { createCorpus } from '../../src/corpus/corpus.js';
import { corpusFromChunks, idArrayFor } from '../../src/corpus/stream.js';
import { buildVocabulary } from '../../src/corpus/vocabulary.js';
import { InputFileError, readInputFile } from '../../src/checkpoint/inputFile.js';

const data = (name: string): Uint8Array => readFileSync(fileURLToPath(new URL(`../../../data/${name}`, import.meta.url)));

/** `bytes` cut into pieces of `size` bytes (splitting multi-byte characters wherever they fall). */
function pieces(bytes: Uint8Array, size: number): () => Uint8Array[] {
  return () => {
    const out: Uint8Array[] = [];
    for (let i = 0; i < bytes.length; i += size) out.push(bytes.subarray(i, i + size));
    return out;
  };
}

describe('corpusFromChunks', () => {
  const astral = new TextEncoder().encode('\ufeffemoji 😀 and 𝄞 music, ！ full width, \u{10FFFF} last plane; 😀😀 again\n'.repeat(20));
  const corpora: Array<[string, Uint8Array]> = [
    ['the default English corpus', data('default-corpus.txt')],
    ['the Korean corpus', data('korean-corpus.txt')],
    ['astral characters and a byte order mark', astral],
  ];
  for (const [name, bytes] of corpora) {
    it(`gives the same vocabulary and ids as createCorpus on the decoded text: ${name}`, () => {
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      const today = createCorpus(text);
      for (const size of [1, 3, 7, 4096, bytes.length]) {
        const c = corpusFromChunks(pieces(bytes, size));
        expect(c.vocab.chars).to.deep.equal(today.vocab.chars);
        expect(c.ids.length).to.equal(today.ids.length);
        expect(Array.from(c.ids)).to.deep.equal(Array.from(today.ids));
      }
    });
  }

  it('holds the ids in the smallest array: 8 bits for ≤ 256 characters, 16 for ≤ 65,536, else 32', () => {
    expect(corpusFromChunks(pieces(data('default-corpus.txt'), 1000)).ids).to.be.instanceOf(Uint8Array);
    const korean = corpusFromChunks(pieces(data('korean-corpus.txt'), 1000));
    expect(korean.vocab.size).to.be.above(256);
    expect(korean.ids).to.be.instanceOf(Uint16Array);
    expect(idArrayFor(65_537, 3)).to.be.instanceOf(Int32Array);
    expect(idArrayFor(65_536, 3)).to.be.instanceOf(Uint16Array);
    expect(idArrayFor(256, 3)).to.be.instanceOf(Uint8Array);
  });

  it('encodes with a given vocabulary, naming the first character outside it and its position', () => {
    const vocab = buildVocabulary('abc ');
    const bytes = new TextEncoder().encode('abc cab ba😀 c');
    expect(() => corpusFromChunks(pieces(bytes, 2), { vocab })).to.throw(/character "😀" \(U\+1F600\) at position 10 is not in the vocabulary/);
    const ok = corpusFromChunks(pieces(new TextEncoder().encode('cab a'), 2), { vocab });
    expect(Array.from(ok.ids)).to.deep.equal([3, 1, 2, 0, 1]);
  });

  it('refuses bytes that are not UTF-8 (also a sequence cut off at the end) and an empty text', () => {
    expect(() => corpusFromChunks(() => [new Uint8Array([0x61, 0xff, 0x62])])).to.throw(/not valid UTF-8/);
    expect(() => corpusFromChunks(() => [new Uint8Array([0x61, 0xe2, 0x82])])).to.throw(/not valid UTF-8/);
    expect(() => corpusFromChunks(() => [])).to.throw(/empty/);
  });

  it('shows every byte of the first pass to onBytes, in order, and the length to afterCount', () => {
    const bytes = data('korean-corpus.txt');
    const seen: number[] = [];
    let counted = -1;
    corpusFromChunks(pieces(bytes, 999), { onBytes: (b) => seen.push(...b), afterCount: (n) => (counted = n) });
    expect(seen).to.deep.equal(Array.from(bytes));
    expect(counted).to.equal([...new TextDecoder().decode(bytes)].length);
  });
});

describe('readInputFile on a pipe', () => {
  it('stops with a clear error once a pipe delivers more than the limit', async function () {
    const fifo = join(tmpdir(), `min-char-rnn-fifo-${process.pid}`);
    if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
    try {
      // `exec`: the writer is head itself, not a shell that would leave it running when killed. It
      // must be gone before the next reader opens the pipe, or its zeros (written whenever a slow
      // machine schedules it) arrive there too.
      const writer = spawn('sh', ['-c', `exec head -c 100000 /dev/zero > "${fifo}"`], { stdio: 'ignore' });
      const writerGone = new Promise((resolve) => writer.on('exit', resolve));
      expect(() => readInputFile(fifo, 5000)).to.throw(InputFileError, /more than 5000 bytes arrived through the pipe/);
      writer.kill();
      await writerGone;
      const small = spawn('sh', ['-c', `printf 'hello' > "${fifo}"`], { stdio: 'ignore' });
      expect(new TextDecoder().decode(readInputFile(fifo, 5000))).to.equal('hello');
      await new Promise((resolve) => small.on('exit', resolve));
    } finally {
      rmSync(fifo, { force: true });
    }
  });
});

describe('loadCorpusFile', () => {
  it('fingerprints a file as before: absolute path, code points, sha256 of the bytes; same ids as the string path', async () => {
    const { createHash } = await import('node:crypto');
    const { loadCorpusFile } = await import('../../src/cli/corpusFile.js');
    for (const name of ['default-corpus.txt', 'korean-corpus.txt']) {
      const path = fileURLToPath(new URL(`../../../data/${name}`, import.meta.url));
      const bytes = readFileSync(path);
      const text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
      const { corpus, fingerprint } = loadCorpusFile(path);
      expect(fingerprint).to.deep.equal({ path, length: [...text].length, sha256: createHash('sha256').update(text, 'utf8').digest('hex') });
      expect(Array.from(corpus.ids)).to.deep.equal(Array.from(createCorpus(text).ids));
    }
  });
});
