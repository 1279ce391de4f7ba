import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { formatDuration, formatStatus, stdoutOutput } from '../../src/cli/report.js';
import { CLI, removeDir, cli, tempDir, TINY_TEXT, writeText } from './helpers.js';

function fakeStream(isTTY: boolean): { isTTY: boolean; columns: number; text: string; write(s: string): boolean } {
  return {
    isTTY,
    columns: 200,
    text: '',
    write(s: string) {
      this.text += s;
      return true;
    },
  };
}

describe('progress and plots', function () {
  this.timeout(60_000);

  it('the status line shows iteration, loss, bits/char, validation, speed, elapsed time and ETA', async () => {
    const line = formatStatus({
      iteration: 999,
      target: 4000,
      smoothLoss: 25 * Math.LN2 * 2,
      seqLength: 25,
      valLoss: Math.LN2 * 1.5,
      charsPerSecond: 12345.6,
      elapsedSeconds: 10,
      iterationsDone: 1000,
    });
    expect(line).to.equal('iter 999/4,000 | loss 34.6574 | 2.000 bits/char | val 1.0397 (1.500 bits) | 12,346 chars/s | 10s | ETA 30s');
    expect(formatStatus({ iteration: 5, smoothLoss: 1, seqLength: 1, charsPerSecond: 1, elapsedSeconds: 1, iterationsDone: 5 })).to.not.contain('ETA');
    expect([formatDuration(59.4), formatDuration(185), formatDuration(7260)]).to.deep.equal(['59s', '3m 05s', '2h 01m']);
  });

  it('redraws in place on a TTY, and writes nothing for status when not a TTY', async () => {
    const tty = fakeStream(true);
    const errors = fakeStream(false);
    const out = stdoutOutput(tty, errors);
    out.status('iter 1');
    out.line('a line');
    out.notice('note');
    out.clearStatus();
    expect(tty.text).to.equal('\r\x1b[2Kiter 1\r\x1b[2Ka line\niter 1\r\x1b[2Kiter 1\r\x1b[2K');
    expect(errors.text).to.equal('min-char-rnn: note\n');
    const pipe = fakeStream(false);
    const plain = stdoutOutput(pipe, fakeStream(false));
    plain.status('iter 1');
    plain.line('a line');
    plain.clearStatus();
    expect(pipe.text).to.equal('a line\n');
  });

  it('keeps piped output clean: no carriage returns or escape codes', async () => {
    const dir = tempDir();
    try {
      const corpus = writeText(dir, 'tiny.txt', TINY_TEXT);
      for (const extra of [[], ['--json']]) {
        const r = await cli(['train', '--corpus', corpus, '--hidden-size', '8', '--seq-length', '8', '--iterations', '3000', '--log-every', '500', '--checkpoint', 'ck.json', ...extra], dir);
        expect(r.status, r.stderr).to.equal(0);
        expect(r.stdout).to.not.match(/[\r\x1b]/);
        expect(r.stderr).to.not.match(/[\r\x1b]/);
      }
      const s = await cli(['sample', '--checkpoint', 'ck.json', '--length', '300'], dir);
      expect(s.stdout).to.not.match(/[\r\x1b]/);
    } finally {
      removeDir(dir);
    }
  });

  it('shows the live line on a real terminal (optional: needs util-linux script)', function () {
    const probe = spawnSync('script', ['--version'], { encoding: 'utf8' });
    if (probe.status !== 0 || !/util-linux/.test(probe.stdout + probe.stderr)) {
      console.log('      (skipped: util-linux `script` is not available)');
      this.skip();
    }
    const dir = tempDir();
    try {
      const corpus = writeText(dir, 'tiny.txt', TINY_TEXT.repeat(20));
      const cmd = `${JSON.stringify(process.execPath)} ${JSON.stringify(CLI)} train --corpus ${JSON.stringify(corpus)} --hidden-size 16 --iterations 2000 --log-every 100000 --sample-every 0 --val-fraction 0.1`;
      const r = spawnSync('script', ['-qec', cmd, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '200' } });
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stdout).to.contain('\r\x1b[2K');
      // Speed and ETA only once a second has been measured: this run may be shorter.
      expect(r.stdout).to.match(/iter [\d,]+\/2,000 \| loss \d+\.\d{4} \| \d\.\d{3} bits\/char \| val \d\.\d{4} \(\d\.\d{3} bits\) \| ([\d,]+ chars\/s \| )?\d+s( \| ETA \d+s)?/);
      // --json on a terminal: JSON lines only, no status line and no escape codes.
      const j = spawnSync('script', ['-qec', `${cmd} --json`, '/dev/null'], { cwd: dir, encoding: 'utf8', timeout: 60_000, env: { ...process.env, COLUMNS: '200' } });
      expect(j.status, j.stderr).to.equal(0);
      expect(j.stdout).to.not.match(/\x1b/);
      for (const line of j.stdout.split(/\r?\n/).filter((l) => l.trim() !== '')) expect(() => JSON.parse(line), line).to.not.throw();
    } finally {
      removeDir(dir);
    }
  });

  it('--plot writes an SVG chart of training and validation loss, replaced atomically', async () => {
    const dir = tempDir();
    try {
      const corpus = writeText(dir, 'text.txt', TINY_TEXT.repeat(10));
      const r = await cli(['train', '--corpus', corpus, '--hidden-size', '8', '--seq-length', '8', '--iterations', '400', '--log-every', '10', '--val-fraction', '0.2', '--eval-every', '50', '--plot', 'loss.svg', '--checkpoint-every', '100'], dir);
      expect(r.status, r.stderr).to.equal(0);
      const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
      expect(svg.startsWith('<svg')).to.equal(true);
      expect(svg.match(/<path /g)).to.have.length(2);
      expect(svg).to.contain('validation');
      expect(existsSync(join(dir, 'loss.svg'))).to.equal(true);
      const again = await cli(['train', '--corpus', corpus, '--hidden-size', '8', '--seq-length', '8', '--iterations', '10', '--plot', 'loss.svg'], dir);
      expect(again.status, again.stderr).to.equal(0); // an existing SVG may be replaced
    } finally {
      removeDir(dir);
    }
  });
});
