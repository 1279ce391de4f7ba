import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cli, expectUsageError, removeDir, tempDir, TINY_TEXT, writeText } from './helpers.js';

const SMALL = ['--hidden-size', '8', '--seq-length', '8', '--sample-every', '0'];

describe('bad input never loses data', function () {
  this.timeout(60_000);
  let dir: string;
  let corpus: string;
  let good: string;
  beforeEach(async () => {
    dir = tempDir();
    corpus = writeText(dir, 'tiny.txt', TINY_TEXT);
    const r = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--checkpoint', 'good.json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    good = readFileSync(join(dir, 'good.json'), 'utf8');
  });
  afterEach(() => removeDir(dir));

  const broken: Array<[string, () => string, RegExp]> = [
    ['a truncated checkpoint', () => good.slice(0, Math.floor(good.length * 0.6)), /bad\.json: not valid JSON .*may be truncated/],
    ['an empty file', () => '', /bad\.json: the file is empty/],
    ['an unknown format', () => good.replace('"format": "min-char-rnn"', '"format": "pickle"'), /not a min-char-rnn checkpoint \(format is "pickle"\)/],
    ['an unknown version', () => good.replace('"version": 1', '"version": 7'), /unsupported checkpoint version 7/],
    ['wrong shapes', () => good.replace('"hiddenSize": 8,', '"hiddenSize": 9,'), /params\.Wxh has 8 rows \(expected 9×30\)/],
    ['a non-finite parameter', () => good.replace(/"bh": \[[^\]]*\]/, (m) => m.replace(/\[[^,\]]*/, '[1e999')), /params\.bh vector\[0\] is null, not a finite number/],
  ];
  for (const [what, make, pattern] of broken) {
    it(`refuses ${what} with one line and exit 2 in train --init, train --resume, sample and export`, async () => {
      writeFileSync(join(dir, 'bad.json'), make());
      expectUsageError(await cli(['train', '--corpus', corpus, '--init', 'bad.json', '--iterations', '1'], dir), pattern);
      expectUsageError(await cli(['train', '--resume', 'bad.json', '--iterations', '10'], dir), pattern);
      expectUsageError(await cli(['sample', '--checkpoint', 'bad.json'], dir), pattern);
      expectUsageError(await cli(['export', '--checkpoint', 'bad.json', '--out', 'x.safetensors'], dir), pattern);
    });
  }

  it('refuses NaN in a safetensors file', async () => {
    expect((await cli(['export', '--checkpoint', 'good.json', '--out', 'm.safetensors'], dir)).status).to.equal(0);
    const bytes = readFileSync(join(dir, 'm.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    bytes.writeDoubleLE(NaN, 8 + n + 16); // Wxh[2]
    writeFileSync(join(dir, 'nan.safetensors'), bytes);
    expectUsageError(await cli(['sample', '--checkpoint', 'nan.safetensors'], dir), /tensor Wxh\[2\] is NaN, not a finite number/);
    expectUsageError(await cli(['train', '--corpus', corpus, '--init', 'nan.safetensors'], dir), /tensor Wxh\[2\] is NaN/);
  });

  it('refuses a corpus with characters outside the checkpoint vocabulary, naming the first', async () => {
    const other = writeText(dir, 'other.txt', 'hello WORLD');
    expectUsageError(
      await cli(['train', '--corpus', other, '--init', 'good.json', '--iterations', '1'], dir),
      /corpus .*other\.txt: character "W" \(U\+0057\) at position 6 is not in the vocabulary of checkpoint good\.json/,
    );
  });

  it('fails at startup, before training, when the checkpoint folder cannot be written', async () => {
    expectUsageError(
      await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--json', '--checkpoint', 'missing/ck.json'], dir),
      /cannot write checkpoint missing\/ck\.json: folder missing does not exist/,
    );
    expectUsageError(
      await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--json', '--checkpoint', 'tiny.txt/ck.json'], dir),
      /cannot write checkpoint tiny\.txt\/ck\.json: .*not a (folder|directory)/,
    );
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--json', '--plot', 'nope/p.svg'], dir), /cannot write plot nope\/p\.svg/);
  });

  it('never overwrites a file that is not a checkpoint, or the corpus', async () => {
    const notes = writeText(dir, 'notes.txt', 'my precious notes\n');
    expectUsageError(
      await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--checkpoint', 'notes.txt'], dir),
      /refusing to replace notes\.txt: it exists and is not a min-char-rnn training checkpoint/,
    );
    expect(readFileSync(notes, 'utf8')).to.equal('my precious notes\n');
    expectUsageError(
      await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--plot', 'notes.txt'], dir),
      /refusing to replace notes\.txt with a chart/,
    );
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--checkpoint', 'tiny.txt'], dir), /is the same file as the corpus/);
    expectUsageError(
      await cli(['train', '--corpus', corpus, ...SMALL, '--val-fraction', '0.3', '--checkpoint', 'a.json', '--keep-best', 'a.json'], dir),
      /--keep-best a\.json is the same file as the --checkpoint file/,
    );
    expect(readFileSync(corpus, 'utf8')).to.equal(TINY_TEXT);
  });

  it('refuses bad validation settings', async () => {
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--val-fraction', '1.5'], dir), /--val-fraction must be a number in \[0, 1\), got 1\.5/);
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--val-fraction', '0.01'], dir), /leaves 0 for validation; it needs at least 2/);
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--val-fraction', '0.95'], dir), /leaves 4 for training; seqLength 8 needs at least 9/);
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--keep-best', 'b.json'], dir), /--keep-best needs held-out text/);
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--eval-every', '10'], dir), /--eval-every needs held-out text/);
    expectUsageError(await cli(['train', '--corpus', corpus, ...SMALL, '--checkpoint-every', '10'], dir), /--checkpoint-every needs --checkpoint or --plot/);
  });

  it('leaves the good checkpoint untouched through all of the above', async () => {
    writeFileSync(join(dir, 'bad.json'), good.slice(0, 100));
    await cli(['train', '--resume', 'bad.json'], dir);
    await cli(['train', '--corpus', corpus, ...SMALL, '--val-fraction', '1.5', '--checkpoint', 'good.json'], dir);
    await cli(['train', '--resume', 'good.json', '--seq-length', '5'], dir);
    expect(readFileSync(join(dir, 'good.json'), 'utf8')).to.equal(good);
  });
});
