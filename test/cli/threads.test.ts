// train --threads: the lstm/gru products on several threads give the very output of one thread; the
// start record and the model line say how many; a bad count is a usage error.
import { expect } from 'chai';
import { jsonLines, linesOfType, ok, removeDir, runCli, tempDir, type CliResult } from './helpers.js';

// Sizes at which the recurrent and output products are large enough to be split between threads.
const ARGS = ['train', '--hidden-size', '64', '--layers', '2', '--batch-size', '8', '--seq-length', '16', '--sample-every', '3', '--sample-length', '30', '--eval-every', '3', '--dropout', '0.1'];

describe('CLI train --threads', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  for (const type of ['lstm', 'gru']) {
    it(`${type}: --threads 1 and --threads 2 print the same losses, samples and validation losses`, () => {
      const run = (threads: string): CliResult => ok(runCli([...ARGS, '--model', type, '--iterations', '7', '--json', '--threads', threads], dir));
      const [one, two] = [run('1'), run('2')];
      const types = ['loss', 'sample', 'val'];
      expect(linesOfType(one.stdout, ...types).length).to.be.above(4);
      expect(linesOfType(two.stdout, ...types)).to.deep.equal(linesOfType(one.stdout, ...types));
      expect(jsonLines(two.stdout)[0]).to.include({ type: 'start', kernel: 'wasm', threads: 2 });
      expect(jsonLines(one.stdout)[0]).to.include({ threads: 1 });
    });
  }

  it('the header names the threads; the classic model (one thread) has no threads field', () => {
    const r = ok(runCli([...ARGS, '--model', 'lstm', '--iterations', '1', '--threads', '2'], dir));
    expect(r.stdout).to.match(/; kernel wasm, 2 threads\n/);
    const classic = ok(runCli(['train', '--iterations', '1', '--json', '--threads', '2'], dir));
    expect(jsonLines(classic.stdout)[0]).to.not.have.property('threads');
  });

  it('a thread count that is not a positive integer is a usage error (exit 2, one line)', () => {
    const r = runCli([...ARGS, '--model', 'lstm', '--iterations', '1', '--threads', '0'], dir);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/--threads/);
  });
});
