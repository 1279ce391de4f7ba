import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { jsonLines, linesOfType, readJson, removeDir, cli, tempDir, DEFAULT_CORPUS, writeText } from './helpers.js';

const TEXT = 'the cat sat on the mat. the dog sat on the log. a bird sang in the tree.\n'.repeat(8); // 584 characters

describe('train: validation', function () {
  this.timeout(120_000);
  let dir: string;
  let corpus: string;
  beforeEach(() => {
    dir = tempDir();
    corpus = writeText(dir, 'text.txt', TEXT);
  });
  afterEach(() => removeDir(dir));
  const common = ['--hidden-size', '10', '--seq-length', '8', '--iterations', '90', '--json', '--log-every', '5', '--sample-every', '30', '--sample-length', '12'];

  it('does not disturb training: the same losses and samples with and without evaluation', async () => {
    const withVal = await cli(['train', '--corpus', corpus, ...common, '--val-fraction', '0.2', '--eval-every', '15'], dir);
    const without = await cli(['train', '--corpus', corpus, ...common, '--val-fraction', '0.2', '--eval-every', '0'], dir);
    expect(withVal.status, withVal.stderr).to.equal(0);
    expect(linesOfType(withVal.stdout, 'loss', 'sample')).to.deep.equal(linesOfType(without.stdout, 'loss', 'sample'));
    const vals = jsonLines(withVal.stdout).filter((l) => l.type === 'val');
    expect(vals.map((v) => v.iter)).to.deep.equal([0, 15, 30, 45, 60, 75, 89]); // the final weights too
    expect(vals[6]!.final).to.equal(true);
    for (const v of vals) {
      expect(Object.keys(v)).to.deep.equal(['type', 'iter', 'loss', 'bitsPerChar', ...(v.final ? ['final'] : [])]);
      expect(v.bitsPerChar).to.equal((v.loss as number) / Math.LN2);
    }
    expect(linesOfType(without.stdout, 'val')).to.deep.equal([]);
  });

  it('trains on the head only: the same numbers as training on the head file alone', async () => {
    const cut = TEXT.length - Math.floor(TEXT.length * 0.2);
    const head = writeText(dir, 'head.txt', TEXT.slice(0, cut));
    const split = await cli(['train', '--corpus', corpus, ...common, '--val-fraction', '0.2'], dir);
    const alone = await cli(['train', '--corpus', head, ...common, '--val-fraction', '0'], dir);
    expect(split.status, split.stderr).to.equal(0);
    expect(linesOfType(split.stdout, 'loss', 'sample')).to.deep.equal(linesOfType(alone.stdout, 'loss', 'sample'));
    expect(jsonLines(split.stdout)[0]).to.include({ corpusLength: TEXT.length, trainLength: cut, valLength: TEXT.length - cut, valFraction: 0.2 });
  });

  it('defaults to 5% on a corpus large enough, 0 on a small one', async () => {
    const big = await cli(['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '4', '--iterations', '1', '--json', '--sample-every', '0'], dir);
    const start = jsonLines(big.stdout)[0]!;
    const N = start.corpusLength as number;
    expect(start).to.include({ valFraction: 0.05, valLength: Math.floor(N * 0.05), evalEvery: 1000 });
    expect(jsonLines(big.stdout).filter((l) => l.type === 'val')).to.have.length(1); // iteration 0
    const small = await cli(['train', '--corpus', corpus, '--hidden-size', '4', '--iterations', '1', '--json', '--seq-length', '8'], dir);
    expect(jsonLines(small.stdout)[0]).to.include({ valFraction: 0, valLength: 0, evalEvery: 0 });
  });

  it('--keep-best keeps the checkpoint of the lowest validation loss', async () => {
    const r = await cli(['train', '--corpus', corpus, ...common, '--val-fraction', '0.2', '--eval-every', '10', '--keep-best', 'best.json', '--checkpoint', 'ck.json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const vals = jsonLines(r.stdout).filter((l) => l.type === 'val') as Array<{ iter: number; loss: number }>;
    const bests = jsonLines(r.stdout).filter((l) => l.type === 'best') as Array<{ iter: number; loss: number }>;
    const min = vals.reduce((a, b) => (b.loss < a.loss ? b : a));
    expect(bests[bests.length - 1]).to.include({ iter: min.iter, loss: min.loss, path: 'best.json' });
    const best = readJson(join(dir, 'best.json')) as { training: { iteration: number; validation: { best: { loss: number } } } };
    expect(best.training.iteration).to.equal(min.iter + 1);
    expect(best.training.validation.best.loss).to.equal(min.loss);
    const ck = readJson(join(dir, 'ck.json')) as { training: { validation: { history: unknown[]; best: { loss: number } } } };
    expect(ck.training.validation.history).to.have.length(vals.length);
    // The best model samples like any checkpoint.
    expect((await cli(['sample', '--checkpoint', 'best.json', '--length', '20'], dir)).status).to.equal(0);
  });

  it('prints a readable val line in text mode', async () => {
    const r = await cli(['train', '--corpus', corpus, ...common.filter((a) => a !== '--json'), '--val-fraction', '0.2', '--eval-every', '45'], dir);
    expect(r.stdout).to.match(/^iter 45, val loss: \d+\.\d{6} \(\d+\.\d{4} bits\/char\)$/m);
    void readFileSync;
  });
});
