import { expect } from 'chai';
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { loadCheckpointFile } from '../../src/checkpoint/file.js';
import { DEFAULT_CORPUS, exited, jsonLines, removeDir, runCli, startCli, tempDir, waitForOutput } from './helpers.js';

const FAST = ['--corpus', DEFAULT_CORPUS, '--hidden-size', '16', '--sample-every', '0', '--log-every', '50', '--json', '--val-fraction', '0'];

describe('train: stopping with signals', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    it(`${signal} finishes the window, writes the checkpoint and exits 0; the run then resumes`, async () => {
      const child = startCli(['train', ...FAST, '--checkpoint', 'ck.json'], dir);
      let stdout = '';
      child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
      let stderr = '';
      child.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
      await waitForOutput(child.stdout!, (t) => t.includes('"iter":100'));
      child.kill(signal);
      const { code, signal: killedBy } = await exited(child);
      expect(killedBy).to.equal(null);
      expect(code, stderr).to.equal(0);
      expect(stderr).to.contain(`${signal}: stopping after the current window, saving the checkpoint`);
      const end = jsonLines(stdout).pop()!;
      expect(end).to.include({ type: 'end', reason: 'interrupted', checkpoint: 'ck.json' });
      const ck = loadCheckpointFile(join(dir, 'ck.json'));
      expect(ck.training!.iteration).to.equal(end.iterations);
      expect(ck.training!.iteration).to.be.greaterThan(100);
      expect(readdirSync(dir)).to.deep.equal(['ck.json']);
      const more = runCli(['train', '--resume', 'ck.json', '--iterations', String(ck.training!.iteration + 5)], dir);
      expect(more.status, more.stderr).to.equal(0);
    });
  }

  it('Ctrl-C measures the final weights too: a val line at the last iteration, in the checkpoint and the best file', async () => {
    const args = ['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '16', '--sample-every', '0', '--log-every', '50', '--json', '--eval-every', '100000'];
    const child = startCli([...args, '--checkpoint', 'ck.json', '--keep-best', 'best.json'], dir);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitForOutput(child.stdout!, (t) => t.includes('"iter":100'));
    child.kill('SIGINT');
    expect((await exited(child)).code).to.equal(0);
    const out = jsonLines(stdout);
    const end = out.pop()!;
    const vals = out.filter((l) => l.type === 'val');
    expect(vals.map((v) => v.iter)).to.deep.equal([0, (end.iterations as number) - 1]);
    expect(vals[1]!.final).to.equal(true);
    const ck = loadCheckpointFile(join(dir, 'ck.json'));
    expect(ck.training!.validation!.history.map((e) => e.iteration)).to.deep.equal([0, (end.iterations as number) - 1]);
    // Trained for 100+ iterations, the final model beats the first one: it is the one kept.
    expect(loadCheckpointFile(join(dir, 'best.json')).training!.iteration).to.equal(end.iterations);
  });

  it('without --checkpoint, Ctrl-C still stops cleanly with exit 0', async () => {
    const child = startCli(['train', ...FAST], dir);
    let stdout = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
    await waitForOutput(child.stdout!, (t) => t.includes('"iter":50'));
    child.kill('SIGINT');
    const { code } = await exited(child);
    expect(code).to.equal(0);
    expect(jsonLines(stdout).pop()).to.include({ type: 'end', reason: 'interrupted' });
    expect(readdirSync(dir)).to.deep.equal([]);
  });

  it('a second Ctrl-C quits at once, even inside a long window, without writing the checkpoint', async () => {
    // Windows of ~1 s or more (H = 1200, T = 150): the first signal waits for the window in progress,
    // then the run starts its last window, and the second signal lands inside that one.
    const child = startCli(
      ['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '1200', '--seq-length', '150', '--sample-every', '0', '--val-fraction', '0', '--checkpoint', 'ck.json', '--json'],
      dir,
    );
    await waitForOutput(child.stdout!, (t) => t.includes('"type":"start"')); // signal handlers are in place
    child.kill('SIGINT');
    await waitForOutput(child.stderr!, (t) => t.includes('stopping after the current window'));
    child.kill('SIGINT');
    const { code, signal } = await exited(child);
    expect({ code, signal }).to.deep.equal({ code: null, signal: 'SIGINT' });
    expect(existsSync(join(dir, 'ck.json'))).to.equal(false);
  });
});
