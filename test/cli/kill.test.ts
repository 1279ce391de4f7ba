import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpointFile } from '../../src/checkpoint/file.js';
import { seededRandom } from '../../src/index.js';
import { exited, removeDir, runCli, startCli, tempDir, TINY_TEXT, writeText } from './helpers.js';

describe('train: kill -9 while checkpointing', function () {
  this.timeout(180_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('always leaves a checkpoint that loads, and never more than the one temporary file being written', async () => {
    const corpus = writeText(dir, 'tiny.txt', TINY_TEXT.repeat(20));
    const path = join(dir, 'ck.json');
    const random = seededRandom('kill'); // reproducible "random" moments
    let lastIteration = 0;
    const temps = (): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'));
    for (let round = 0; round < 8; round++) {
      const args =
        round === 0
          ? ['train', '--corpus', corpus, '--hidden-size', '24', '--seq-length', '16', '--checkpoint', 'ck.json', '--checkpoint-every', '1', '--sample-every', '0', '--log-every', '1000000']
          : ['train', '--resume', 'ck.json', '--iterations', '100000000'];
      const child = startCli(args, dir);
      child.stdout!.resume();
      child.stderr!.resume();
      // Let it get going (the first round must have written once), then kill at a random moment.
      while (!existsSync(path)) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, 150 + Math.floor(random() * 400)));
      child.kill('SIGKILL');
      const { signal } = await exited(child);
      expect(signal).to.equal('SIGKILL');
      const ck = loadCheckpointFile(path); // throws if the file is not a whole checkpoint
      expect(ck.training!.iteration).to.be.at.least(lastIteration);
      lastIteration = ck.training!.iteration;
      expect(temps().length, temps().join(', ')).to.be.at.most(1);
    }
    expect(lastIteration).to.be.greaterThan(8);
    // The next start cleans up after the killed writers.
    const r = runCli(['train', '--resume', 'ck.json', '--iterations', String(lastIteration + 1)], dir);
    expect(r.status, r.stderr).to.equal(0);
    expect(temps()).to.deep.equal([]);
  });
});
