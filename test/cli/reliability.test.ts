// The adversarial cases of round two: special files, concurrent writers, outputs that cannot be
// replaced, oversized histories, and the small ones. Each case runs the real command.
import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, openSync, closeSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, DEFAULT_CORPUS, exited, expectUsageError, jsonLines, linesOfType, readJson, removeDir, runCli, tempDir, TINY_TEXT, writeText, type CliResult } from './helpers.js';

const SMALL = ['--hidden-size', '8', '--seq-length', '8', '--sample-every', '0'];

/** Runs the CLI with standard input taken from an open file descriptor. */
function runWithStdin(args: readonly string[], cwd: string, stdinPath: string): CliResult {
  const fd = openSync(stdinPath, 'r');
  try {
    const r = spawnSync(process.execPath, [CLI, ...args], { cwd, encoding: 'utf8', timeout: 60_000, stdio: [fd, 'pipe', 'pipe'] });
    return { status: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
  } finally {
    closeSync(fd);
  }
}

describe('reliability: special files, locks, limits', function () {
  this.timeout(120_000);
  let dir: string;
  let corpus: string;
  beforeEach(() => {
    dir = tempDir();
    corpus = writeText(dir, 'tiny.txt', TINY_TEXT);
  });
  afterEach(() => removeDir(dir));

  describe('special files as inputs and outputs (case 1)', () => {
    it('refuses a device as the corpus, a checkpoint to read, --init and --resume, by name, at once', () => {
      expectUsageError(runCli(['train', '--corpus', '/dev/zero', '--iterations', '1'], dir), /cannot read corpus \/dev\/zero: it is a character device, not a regular file or a pipe/);
      expectUsageError(runCli(['sample', '--checkpoint', '/dev/zero'], dir), /cannot read checkpoint \/dev\/zero: it is a character device/);
      expectUsageError(runCli(['train', '--resume', '/dev/zero'], dir), /cannot read checkpoint \/dev\/zero: it is a character device/);
      expectUsageError(runCli(['train', '--corpus', corpus, '--init', '/dev/zero'], dir), /cannot read checkpoint \/dev\/zero: it is a character device/);
      expectUsageError(runCli(['export', '--checkpoint', '/dev/zero', '--out', 'x.safetensors'], dir), /cannot read checkpoint \/dev\/zero/);
      expectUsageError(runCli(['train', '--corpus', dir, '--iterations', '1'], dir), /cannot read corpus .*: it is a directory/);
    });

    it('refuses a device as an output before training: --checkpoint, --plot, --keep-best, export --out', () => {
      // expectUsageError also asserts an empty stdout: a run that got to training would have printed its header.
      expectUsageError(runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '100000', '--checkpoint', '/dev/full'], dir), /cannot write checkpoint \/dev\/full: it exists and is a character device, not a regular file/);
      expectUsageError(runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '100000', '--plot', '/dev/zero'], dir), /cannot write plot \/dev\/zero: it exists and is a character device/);
      expectUsageError(runCli(['train', '--corpus', DEFAULT_CORPUS, ...SMALL, '--iterations', '100000', '--keep-best', '/dev/null'], dir), /cannot write keep-best checkpoint \/dev\/null: it exists and is a character device/);
      const ok = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '2', '--checkpoint', 'c.json'], dir);
      expect(ok.status, ok.stderr).to.equal(0);
      expectUsageError(runCli(['export', '--checkpoint', 'c.json', '--out', '/dev/full'], dir), /cannot write export \/dev\/full: it exists and is a character device/);
    });

    it('reads the corpus from standard input with --corpus -, exactly as from the file', () => {
      const args = [...SMALL, '--iterations', '30', '--log-every', '10', '--json'];
      const fromFile = runCli(['train', '--corpus', corpus, ...args], dir);
      const fromPipe = runCli(['train', '--corpus', '-', ...args], dir, TINY_TEXT);
      expect(fromPipe.status, fromPipe.stderr).to.equal(0);
      const losses = linesOfType(fromPipe.stdout, 'loss');
      expect(losses).to.have.length(3);
      expect(losses).to.deep.equal(linesOfType(fromFile.stdout, 'loss'));
      // A checkpoint of a piped corpus records no path: resuming needs --corpus again.
      const r = runCli(['train', '--corpus', '-', ...SMALL, '--iterations', '5', '--checkpoint', 'p.json'], dir, TINY_TEXT);
      expect(r.status, r.stderr).to.equal(0);
      const training = readJson(join(dir, 'p.json')).training as { corpus: Record<string, unknown> };
      expect(training.corpus.path).to.equal(undefined);
      expect(training.corpus.length).to.equal([...TINY_TEXT].length);
    });

    it('refuses a device as standard input, and an empty pipe', () => {
      expectUsageError(runWithStdin(['train', '--corpus', '-', '--iterations', '1'], dir, '/dev/zero'), /cannot read corpus from standard input: standard input is a character device/);
      expectUsageError(runCli(['train', '--corpus', '-', '--iterations', '1'], dir, ''), /corpus on standard input is empty/);
    });

    it('reads a named pipe (FIFO) as a corpus', function () {
      const fifo = join(dir, 'fifo');
      if (spawnSync('mkfifo', [fifo]).status !== 0) this.skip();
      const writer = spawn('sh', ['-c', `cat "${corpus}" > "${fifo}"`]);
      const r = runCli(['train', '--corpus', fifo, ...SMALL, '--iterations', '3', '--json'], dir);
      expect(r.status, r.stderr).to.equal(0);
      expect(jsonLines(r.stdout)[0]).to.include({ type: 'start', corpusLength: [...TINY_TEXT].length });
      writer.kill();
    });
  });

  describe('concurrent writers (case 4)', () => {
    /** Starts a long run writing `checkpoint`; resolves once it has announced itself. */
    async function startLongRun(args: readonly string[]): Promise<ReturnType<typeof spawn>> {
      const child = spawn(process.execPath, [CLI, 'train', ...args, '--json'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
      await new Promise<void>((resolve, reject) => {
        let out = '';
        child.stdout!.on('data', (d: Buffer) => {
          out += d.toString();
          if (out.includes('"type":"start"')) resolve();
        });
        child.on('exit', () => reject(new Error(`the first run ended early: ${out}`)));
      });
      return child;
    }

    it('a second run on the same --checkpoint exits 2 naming the process that holds it; the lock goes with the first', async () => {
      const first = await startLongRun(['--corpus', corpus, ...SMALL, '--checkpoint', 'c.json', '--checkpoint-every', '50']);
      try {
        expect(readFileSync(join(dir, 'c.json.lock'), 'utf8').trim()).to.equal(String(first.pid));
        const second = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '10', '--checkpoint', 'c.json'], dir);
        expectUsageError(second, new RegExp(`checkpoint c\\.json is in use by another run \\(process ${first.pid}, lock file c\\.json\\.lock\\)`));
      } finally {
        first.kill('SIGTERM');
      }
      const end = await exited(first);
      expect(end.code).to.equal(0);
      expect(existsSync(join(dir, 'c.json.lock'))).to.equal(false);
      // Two --resume of one file: the second is refused while the first runs.
      const resumer = await startLongRun(['--resume', 'c.json']);
      try {
        expectUsageError(runCli(['train', '--resume', 'c.json', '--iterations', '100000'], dir), new RegExp(`in use by another run \\(process ${resumer.pid}`));
      } finally {
        resumer.kill('SIGTERM');
      }
      expect((await exited(resumer)).code).to.equal(0);
      expect(existsSync(join(dir, 'c.json.lock'))).to.equal(false);
    });

    it('takes over a stale lock left by a process that died', () => {
      const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
      writeFileSync(join(dir, 'c.json.lock'), `${dead.stdout}\n`);
      // A run killed while it took over a stale lock left it renamed aside; one of a live process stays.
      const aside = `.c.json.lock.${dead.stdout}.1700000000000001.tmp`;
      const live = `.c.json.lock.${process.pid}.1700000000000001.tmp`;
      writeFileSync(join(dir, aside), '999999999\n');
      writeFileSync(join(dir, live), `${process.pid}\n`);
      const r = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '3', '--checkpoint', 'c.json'], dir);
      expect(r.status, r.stderr).to.equal(0);
      expect(existsSync(join(dir, 'c.json'))).to.equal(true);
      expect(existsSync(join(dir, 'c.json.lock'))).to.equal(false);
      expect(existsSync(join(dir, aside)), 'the dead takeover\'s file').to.equal(false);
      expect(existsSync(join(dir, live)), 'the live one').to.equal(true);
    });
  });

  describe('outputs that cannot be replaced (case 5)', () => {
    it('refuses an immutable checkpoint before training, leaving it as it was', function () {
      const ok = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '2', '--checkpoint', 'c.json'], dir);
      expect(ok.status, ok.stderr).to.equal(0);
      const path = join(dir, 'c.json');
      const before = readFileSync(path, 'utf8');
      if (spawnSync('chattr', ['+i', path]).status !== 0) this.skip(); // needs root and a file system with attributes
      try {
        // Refused before training (not after 100000 iterations): nothing on stdout, not even the header.
        const r = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '100000', '--checkpoint', 'c.json'], dir);
        expectUsageError(r, /cannot write checkpoint c\.json: it exists and cannot be replaced \(it is immutable or append-only\)/);
        expectUsageError(runCli(['train', '--resume', 'c.json', '--iterations', '100000'], dir), /cannot be replaced/);
        expectUsageError(runCli(['export', '--checkpoint', corpus, '--out', 'c.json'], dir), /./); // not a checkpoint: refused either way
      } finally {
        spawnSync('chattr', ['-i', path]);
      }
      expect(readFileSync(path, 'utf8')).to.equal(before);
    });
  });

  describe('output failures exit 1 (case 7)', () => {
    it('export to a full disk exits 1 with one line, like the final save of training', function () {
      const ok = runCli(['train', '--corpus', corpus, '--hidden-size', '64', '--seq-length', '8', '--sample-every', '0', '--iterations', '1', '--checkpoint', 'c.json'], dir);
      expect(ok.status, ok.stderr).to.equal(0);
      const tiny = join(dir, 'tiny');
      mkdirSync(tiny);
      if (spawnSync('mount', ['-t', 'tmpfs', '-o', 'size=16k', 'tmpfs', tiny]).status !== 0) this.skip(); // needs root
      try {
        const r = runCli(['export', '--checkpoint', 'c.json', '--out', 'tiny/m.safetensors'], dir);
        expect(r.status, r.stderr).to.equal(1);
        expect(r.stderr.trim().split('\n')).to.have.length(1);
        expect(r.stderr).to.match(/^min-char-rnn: cannot write tiny\/m\.safetensors: no space left on the device/);
        const t = runCli(['train', '--corpus', corpus, '--hidden-size', '64', '--seq-length', '8', '--sample-every', '0', '--iterations', '1', '--checkpoint', 'tiny/c.json'], dir);
        expect(t.status, t.stderr).to.equal(1);
        expect(t.stderr).to.match(/no space left on the device/);
      } finally {
        spawnSync('umount', [tiny]);
      }
    });
  });

  describe('the small ones (cases 3, 6, 7)', () => {
    it('min-char-rnn with no command prints the usage on stderr and exits 2', () => {
      const r = runCli([], dir);
      expect(r.status).to.equal(2);
      expect(r.stdout).to.equal('');
      expect(r.stderr).to.match(/^min-char-rnn: no command given\nusage: min-char-rnn <command>/);
    });

    it('resumes a checkpoint whose loss history has 300,000 entries, keeping at most 2000', () => {
      const r = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--log-every', '1', '--checkpoint', 'c.json'], dir);
      expect(r.status, r.stderr).to.equal(0);
      const ckpt = readJson(join(dir, 'c.json'));
      const training = ckpt.training as { lossHistory: unknown[] };
      training.lossHistory = Array.from({ length: 300_000 }, (_, i) => [i, 50]);
      writeFileSync(join(dir, 'c.json'), JSON.stringify(ckpt));
      const resumed = runCli(['train', '--resume', 'c.json', '--iterations', '8', '--log-every', '1'], dir);
      expect(resumed.status, resumed.stderr).to.equal(0);
      const history = (readJson(join(dir, 'c.json')).training as { lossHistory: unknown[] }).lossHistory;
      expect(history.length).to.be.within(1000, 2000);
    });

    it('refuses a lone surrogate in a checkpoint vocabulary, as a corpus with one is refused', () => {
      const r = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '1', '--checkpoint', 'c.json'], dir);
      expect(r.status, r.stderr).to.equal(0);
      const ckpt = readJson(join(dir, 'c.json'));
      (ckpt.vocab as string[])[0] = '\ud800';
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(ckpt));
      expectUsageError(runCli(['sample', '--checkpoint', 'bad.json'], dir), /checkpoint bad\.json: vocabulary entry 0 is a lone surrogate "\\ud800" \(U\+D800\)/);
    });

    it('names the file when the optimizer state does not belong to the optimizer spec', () => {
      const r = runCli(['train', '--corpus', corpus, ...SMALL, '--iterations', '2', '--checkpoint', 'c.json'], dir);
      expect(r.status, r.stderr).to.equal(0);
      const ckpt = readJson(join(dir, 'c.json'));
      (ckpt.training as Record<string, Record<string, unknown>>).optimizer.spec = { name: 'sgd', learningRate: 0.1 };
      writeFileSync(join(dir, 'bad.json'), JSON.stringify(ckpt));
      expectUsageError(runCli(['train', '--resume', 'bad.json', '--iterations', '4'], dir), /checkpoint bad\.json: training\.optimizer\.state is the state of "adagrad" but the spec names "sgd"/);
    });

    it('--keep-best naming a folder says keep-best, not checkpoint', () => {
      mkdirSync(join(dir, 'best'));
      expectUsageError(runCli(['train', '--corpus', DEFAULT_CORPUS, '--iterations', '1', '--keep-best', 'best'], dir), /cannot write keep-best checkpoint best: it is a folder/);
      expect(statSync(join(dir, 'best')).isDirectory()).to.equal(true);
    });
  });
});
