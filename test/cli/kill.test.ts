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

  // The guarantee, whatever moment the kill lands on (a checkpoint write, a lock takeover, start-up):
  // the checkpoint always loads and never goes back; what a killed run leaves (its lock, the temporary
  // file it was writing, a lock it was renaming aside) belongs to a dead process, and the next run that
  // gets going removes it all.
  it('always leaves a checkpoint that loads, and the next run cleans up whatever the killed ones left', async () => {
    const corpus = writeText(dir, 'tiny.txt', TINY_TEXT.repeat(20));
    const path = join(dir, 'ck.json');
    const random = seededRandom('kill'); // reproducible "random" moments
    let lastIteration = 0;
    const temps = (): string[] => readdirSync(dir).filter((n) => n.endsWith('.tmp'));
    const killed: number[] = [];
    const iterationOnDisk = (): number => {
      try {
        return loadCheckpointFile(path).training!.iteration;
      } catch {
        return 0; // not written yet
      }
    };
    for (let round = 0; round < 8; round++) {
      const args =
        round === 0
          ? ['train', '--corpus', corpus, '--hidden-size', '24', '--seq-length', '16', '--checkpoint', 'ck.json', '--checkpoint-every', '1', '--sample-every', '0', '--log-every', '1000000']
          : ['train', '--resume', 'ck.json', '--iterations', '100000000'];
      if (round > 0) {
        // One run killed early, wherever it is: starting up, taking over the stale lock, loading.
        const early = startCli(args, dir);
        early.stdout!.resume();
        early.stderr!.resume();
        await new Promise((r) => setTimeout(r, Math.floor(random() * 400)));
        early.kill('SIGKILL');
        expect((await exited(early)).signal).to.equal('SIGKILL');
        killed.push(early.pid!);
        expect(loadCheckpointFile(path).training!.iteration).to.be.at.least(lastIteration);
        lastIteration = iterationOnDisk();
      }
      const child = startCli(args, dir);
      child.stdout!.resume();
      child.stderr!.resume();
      // Let it get going: wait for this run's first save (however slow the machine), then kill at a
      // random moment of the saves that follow.
      while (iterationOnDisk() <= lastIteration && child.exitCode === null) await new Promise((r) => setTimeout(r, 10));
      await new Promise((r) => setTimeout(r, Math.floor(random() * 300)));
      child.kill('SIGKILL');
      const { signal } = await exited(child);
      expect(signal, 'the run ended before it was killed').to.equal('SIGKILL');
      killed.push(child.pid!);
      const ck = loadCheckpointFile(path); // throws if the file is not a whole checkpoint
      expect(ck.training!.iteration).to.be.greaterThan(lastIteration);
      lastIteration = ck.training!.iteration;
      // Leftovers name a process that was killed here, never anything else.
      for (const name of temps()) expect(killed, name).to.include(Number(/\.(\d+)\.\d+\.tmp$/.exec(name)![1]));
    }
    // The next start cleans up after the killed writers: no temporary, no lock.
    const r = runCli(['train', '--resume', 'ck.json', '--iterations', String(lastIteration + 1)], dir);
    expect(r.status, r.stderr).to.equal(0);
    expect(temps()).to.deep.equal([]);
    expect(existsSync(`${path}.lock`)).to.equal(false);
  });
});
