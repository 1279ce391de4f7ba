// `train --precision f32`: the start record, the header, the checkpoint's model.precision, a resume
// that keeps it bit for bit, a contradicting resume refused with the checkpoint untouched, and the
// models and kernels that compute in float64 only refused (exit 2).
import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expectUsageError, jsonLines, linesOfType, ok, readJson, removeDir, runCli, tempDir } from './helpers.js';

const SMALL = ['--hidden-size', '8', '--layers', '2', '--batch-size', '3', '--seq-length', '10', '--sample-every', '5', '--sample-length', '20', '--eval-every', '5'];

describe('CLI --precision', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  for (const type of ['lstm', 'gru']) {
    it(`${type} f32: the start record and checkpoint say f32; a resume keeps it and prints what the straight run prints`, () => {
      const args = ['train', '--model', type, ...SMALL, '--dropout', '0.2', '--precision', 'f32', '--json'];
      const straight = ok(runCli([...args, '--iterations', '12'], dir));
      const [start] = jsonLines(straight.stdout);
      expect(start).to.include({ type: 'start', precision: 'f32' });
      expect(start!.model).to.deep.equal({ type, hiddenSize: 8, layers: 2, dropout: 0.2, precision: 'f32' });
      ok(runCli([...args, '--iterations', '6', '--checkpoint', 'a.json'], dir));
      expect(readJson(join(dir, 'a.json')).model).to.deep.equal({ type, hiddenSize: 8, layers: 2, dropout: 0.2, precision: 'f32' });
      const resumed = ok(runCli(['train', '--resume', 'a.json', '--iterations', '12', '--json'], dir));
      expect(jsonLines(resumed.stdout)[0]).to.include({ precision: 'f32' });
      const types = ['loss', 'sample', 'val'];
      const want = linesOfType(straight.stdout, ...types).filter((l) => (JSON.parse(l) as { iter: number }).iter >= 6);
      expect(linesOfType(resumed.stdout, ...types)).to.deep.equal(want);
      // float32 is not float64: the same run in f64 gives other losses.
      const f64 = ok(runCli(['train', '--model', type, ...SMALL, '--dropout', '0.2', '--json', '--iterations', '12'], dir));
      expect(jsonLines(f64.stdout)[0]).to.include({ precision: 'f64' });
      expect(linesOfType(f64.stdout, 'loss')).to.not.deep.equal(linesOfType(straight.stdout, 'loss'));
    });
  }

  it('the header says float32; f32 on the js and wasm kernels prints the same lines', () => {
    const args = ['train', '--model', 'lstm', ...SMALL, '--precision', 'f32', '--iterations', '6'];
    const wasm = ok(runCli([...args, '--kernel', 'auto'], dir));
    expect(wasm.stdout).to.match(/^model: LSTM, .*; kernel \w+, float32(, \d+ threads)?$/m);
    const js = ok(runCli([...args, '--kernel', 'js'], dir));
    const numbers = (s: string): string[] => s.split('\n').filter((l) => /^iter /.test(l));
    expect(numbers(js.stdout)).to.deep.equal(numbers(wasm.stdout));
  });

  it('f32: --threads 1 and --threads 2 print the same losses, samples and validation losses', () => {
    // Sizes at which the products are split between threads (each ≥ 2^17 multiply-adds).
    const args = ['train', '--model', 'gru', '--hidden-size', '72', '--layers', '2', '--batch-size', '8', '--seq-length', '24', '--precision', 'f32'];
    const run = (threads: string): string[] =>
      linesOfType(ok(runCli([...args, '--iterations', '6', '--sample-every', '3', '--eval-every', '3', '--threads', threads, '--json'], dir)).stdout, 'loss', 'sample', 'val');
    const one = run('1');
    expect(one.length).to.be.above(4);
    expect(run('2')).to.deep.equal(one);
  });

  it('a resume with a contradicting --precision is a usage error and leaves the checkpoint as it was', () => {
    ok(runCli(['train', '--model', 'gru', ...SMALL, '--iterations', '3', '--checkpoint', 'g.json'], dir));
    const before = readFileSync(join(dir, 'g.json'));
    expect(readJson(join(dir, 'g.json')).model).to.not.have.property('precision'); // absent: float64
    expectUsageError(runCli(['train', '--resume', 'g.json', '--precision', 'f32', '--iterations', '6'], dir), /--precision f32 conflicts with checkpoint g\.json \(precision f64\)/);
    expect(readFileSync(join(dir, 'g.json')).equals(before)).to.equal(true);
    ok(runCli(['train', '--resume', 'g.json', '--precision', 'f64', '--iterations', '4'], dir));
  });

  it('refuses f32 for the rnn model and the reference kernel, and an unknown precision (exit 2, one line)', () => {
    expectUsageError(runCli(['train', '--precision', 'f32', '--iterations', '1'], dir), /--precision f32 is for --model lstm and gru/);
    expectUsageError(runCli(['train', '--model', 'lstm', ...SMALL, '--precision', 'f32', '--kernel', 'reference', '--iterations', '1'], dir), /--kernel reference computes in float64 only/);
    expectUsageError(runCli(['train', '--model', 'lstm', '--precision', 'f16'], dir), /--precision must be one of f64, f32, got "f16"/);
  });
});
