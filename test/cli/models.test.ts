// The command line with other model families: defaults, the start record, checkpoints, resume, eval,
// sample, export with PyTorch names, and bad input.
import { expect } from 'chai';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { decodeCheckpoint, kernelByName, networkKernelName, tensorOf } from '../../src/index.js';
import { DEFAULT_CORPUS, exited, jsonLines, linesOfType, ok, readJson, removeDir, runCli, startCli, tempDir, type CliResult } from './helpers.js';

const SMALL = ['--hidden-size', '8', '--layers', '2', '--batch-size', '3', '--seq-length', '10', '--sample-every', '5', '--sample-length', '20', '--eval-every', '5'];

function usageError(r: CliResult, pattern: RegExp): void {
  expect(r.status, r.stderr).to.equal(2);
  const lines = r.stderr.trim().split('\n');
  expect(lines, r.stderr).to.have.length(1);
  expect(lines[0]).to.match(pattern);
}

describe('CLI with lstm and gru', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('--model lstm alone uses 2 layers of 256, 32 streams of 64, Adam 2e-3 and clip-norm 5; the start record says so', async () => {
    const start = await startRecordOf(['train', '--model', 'lstm', '--json'], dir);
    expect(start).to.include({ hiddenSize: 256, seqLength: 64, layers: 2, batchSize: 32, dropout: 0, clip: 0, clipNorm: 5, learningRate: 0.002 });
    expect(start.model).to.deep.equal({ type: 'lstm', hiddenSize: 256, layers: 2, dropout: 0 });
    expect((start.optimizer as { name: string }).name).to.equal('adam');
    // What computes it: the family's reference unless the chosen kernel implements networks.
    expect(start.kernel).to.equal(networkKernelName({ type: 'lstm', hiddenSize: 256, layers: 2 }, 32, kernelByName('auto')));
    const V = (start.vocab as string[]).length;
    const H = 256;
    expect(start.parameters).to.equal(4 * H * V + 4 * H * H + 8 * H + 4 * H * H + 4 * H * H + 8 * H + V * H + V);
  });

  it('every flag overrides the gated defaults; the classic default start record gains model, layers, batchSize, dropout', async () => {
    const start = await startRecordOf(['train', '--model', 'gru', '--hidden-size', '16', '--layers', '1', '--batch-size', '2', '--seq-length', '12', '--optimizer', 'rmsprop', '--clip', '3', '--json'], dir);
    expect(start).to.include({ hiddenSize: 16, seqLength: 12, layers: 1, batchSize: 2, clip: 3, clipNorm: 5 });
    expect((start.optimizer as { name: string }).name).to.equal('rmsprop');
    const classic = await startRecordOf(['train', '--json'], dir);
    expect(classic).to.include({ hiddenSize: 100, seqLength: 25, layers: 1, batchSize: 1, dropout: 0, clip: 5, clipNorm: null });
    expect(classic.model).to.deep.equal({ type: 'rnn', hiddenSize: 100, layers: 1, dropout: 0 });
  });

  it('text mode names the model, its streams and its parameter count in the header', () => {
    const r = ok(runCli(['train', '--model', 'gru', ...SMALL, '--dropout', '0.1', '--iterations', '2'], dir));
    expect(r.stdout).to.match(/^model: GRU, 2 layers of 8, dropout 0\.1, 3 streams, seq length 10, 2,784 parameters; adam, learning rate 0\.002; no clip, global norm 5; kernel \w+(, \d+ threads)?$/m);
  });

  for (const type of ['lstm', 'gru']) {
    it(`${type}: a run resumed from its format 2 checkpoint prints exactly what the straight run prints`, () => {
      const args = ['train', '--model', type, ...SMALL, '--dropout', '0.2', '--json'];
      const straight = ok(runCli([...args, '--iterations', '12'], dir));
      ok(runCli([...args, '--iterations', '6', '--checkpoint', 'a.json'], dir));
      const saved = readJson(join(dir, 'a.json'));
      expect(saved.version).to.equal(2);
      expect(saved.model).to.deep.equal({ type, hiddenSize: 8, layers: 2, dropout: 0.2 });
      const resumed = ok(runCli(['train', '--resume', 'a.json', '--iterations', '12', '--json'], dir));
      const types = ['loss', 'sample', 'val'];
      const want = linesOfType(straight.stdout, ...types).filter((l) => (JSON.parse(l) as { iter: number }).iter >= 6);
      expect(linesOfType(resumed.stdout, ...types)).to.deep.equal(want);
    });
  }

  it('eval reports characters, loss and bits per character; the same text as validation gives the validation loss', () => {
    ok(runCli(['train', '--model', 'lstm', ...SMALL, '--iterations', '6', '--val-fraction', '0.1', '--checkpoint', 'm.json', '--json'], dir));
    const text = readFileSync(DEFAULT_CORPUS, 'utf8');
    const chars = [...text];
    const held = chars.slice(chars.length - Math.floor(chars.length * 0.1)).join('');
    writeFileSync(join(dir, 'held.txt'), held);
    const r = ok(runCli(['eval', '--checkpoint', 'm.json', '--corpus', 'held.txt', '--json'], dir));
    const [e] = jsonLines(r.stdout);
    const ckpt = readJson(join(dir, 'm.json')) as { training: { validation: { history: Array<{ loss: number }> } } };
    const last = ckpt.training.validation.history.at(-1)!;
    expect(e).to.include({ type: 'eval', characters: [...held].length - 1 });
    expect(e!.loss as number).to.be.closeTo(last.loss, 1e-12); // the same measure, chunked differently
    expect(e!.bitsPerChar as number).to.equal((e!.loss as number) / Math.LN2);
    const t = ok(runCli(['eval', '--checkpoint', 'm.json', '--corpus', 'held.txt'], dir));
    expect(t.stdout).to.match(/^[\d,]+ characters: loss \d\.\d{6} nats\/char \(\d\.\d{4} bits\/char\)\n$/);
  });

  it('eval refuses a character outside the vocabulary, naming it (exit 2)', () => {
    ok(runCli(['train', '--hidden-size', '8', '--iterations', '1', '--checkpoint', 'c.json', '--sample-every', '0'], dir));
    writeFileSync(join(dir, 'odd.txt'), 'the cat\u00e9');
    usageError(runCli(['eval', '--checkpoint', 'c.json', '--corpus', 'odd.txt'], dir), /character "é" \(U\+00E9\) at position 7 is not in the vocabulary/);
  });

  it('sample generates from an lstm checkpoint and its safetensors export alike; --names torch exports the classic model for PyTorch', () => {
    ok(runCli(['train', '--model', 'lstm', ...SMALL, '--iterations', '3', '--checkpoint', 'm.json'], dir));
    const a = ok(runCli(['sample', '--checkpoint', 'm.json', '--length', '40', '--seed', '4'], dir)).stdout;
    ok(runCli(['export', '--checkpoint', 'm.json', '--out', 'm.safetensors'], dir));
    ok(runCli(['export', '--checkpoint', 'm.json', '--out', 'm32.safetensors', '--dtype', 'f32'], dir));
    const b = ok(runCli(['sample', '--checkpoint', 'm.safetensors', '--length', '40', '--seed', '4'], dir)).stdout;
    expect(b).to.equal(a);
    expect([...a].length).to.equal(41); // the prime (a newline) and 40 characters
    const st = decodeCheckpoint(readFileSync(join(dir, 'm.safetensors')));
    expect(st.params.tensors.map((t) => t.name)).to.include.members(['rnn.weight_ih_l0', 'rnn.bias_hh_l1', 'fc.weight', 'fc.bias']);
    expect(st.metadata!.model).to.equal('{"type":"lstm","hiddenSize":8,"layers":2,"dropout":0}');
    const f32 = decodeCheckpoint(readFileSync(join(dir, 'm32.safetensors')));
    expect([...f32.params.data]).to.deep.equal([...st.params.data].map(Math.fround));

    ok(runCli(['train', '--hidden-size', '8', '--iterations', '2', '--checkpoint', 'c.json', '--sample-every', '0'], dir));
    const r = ok(runCli(['export', '--checkpoint', 'c.json', '--out', 'c.safetensors', '--names', 'torch', '--json'], dir));
    expect(jsonLines(r.stdout)[0]).to.include({ tensors: 6 });
    const torch = decodeCheckpoint(readFileSync(join(dir, 'c.safetensors')));
    const classic = decodeCheckpoint(readFileSync(join(dir, 'c.json')));
    expect([...torch.params.data]).to.deep.equal([...classic.params.data]); // read back as the classic model (b_hh = 0)
    expect(torch.params.tensors.map((t) => t.name)).to.deep.equal(['Wxh', 'Whh', 'Why', 'bh', 'by']);
    const e1 = ok(runCli(['eval', '--checkpoint', 'c.json', '--corpus', DEFAULT_CORPUS, '--json'], dir)).stdout;
    const e2 = ok(runCli(['eval', '--checkpoint', 'c.safetensors', '--corpus', DEFAULT_CORPUS, '--json'], dir)).stdout;
    expect(e2).to.equal(e1);
    void tensorOf;
  });

  it('train --init takes a PyTorch-written LSTM file (spec from its metadata)', () => {
    const fixture = join(__dirnameOf(), '../../../test/fixtures/torch/torch-lstm.safetensors');
    writeFileSync(join(dir, 'abc.txt'), 'a bc\n'.repeat(200));
    const r = ok(runCli(['train', '--init', fixture, '--corpus', 'abc.txt', '--batch-size', '2', '--seq-length', '8', '--iterations', '2', '--json'], dir));
    const start = jsonLines(r.stdout).find((l) => l.type === 'start')!;
    expect(start.model).to.deep.equal({ type: 'lstm', hiddenSize: 4, layers: 2, dropout: 0 });
  });

  const bad: Array<[string, string[], RegExp]> = [
    ['an unknown model', ['--model', 'transformer'], /--model must be one of rnn, lstm, gru, got "transformer"/],
    ['zero layers', ['--layers', '0'], /--layers must be a positive integer, got "0"/],
    ['a fractional batch size', ['--batch-size', '2.5'], /--batch-size must be a positive integer, got "2.5"/],
    ['dropout 1', ['--dropout', '1'], /--dropout must be a number in \[0, 1\), got 1/],
    ['negative dropout', ['--dropout', '-0.1'], /--dropout must be a number in \[0, 1\), got -0.1/],
    ['streams shorter than seq-length + 1', ['--batch-size', '5000', '--seq-length', '10'], /--batch-size 5000 cuts the \d+ training characters .* into streams of \d+, shorter than --seq-length 10 \+ 1/],
  ];
  for (const [what, flags, pattern] of bad) {
    it(`refuses ${what} with one line and exit 2`, () => {
      usageError(runCli(['train', ...flags, '--iterations', '1'], dir), pattern);
    });
  }

  it('refuses a checkpoint whose tensors do not match its spec, and a resume that changes the model', () => {
    ok(runCli(['train', '--model', 'gru', ...SMALL, '--iterations', '2', '--checkpoint', 'g.json'], dir));
    const text = readFileSync(join(dir, 'g.json'), 'utf8');
    writeFileSync(join(dir, 'bad.json'), text.replace('"layers": 2', '"layers": 3'));
    usageError(runCli(['sample', '--checkpoint', 'bad.json'], dir), /params\.rnn\.weight_ih_l2 is missing|tensor/);
    writeFileSync(join(dir, 'bad2.json'), text.replace('"type": "gru"', '"type": "lstm"'));
    usageError(runCli(['eval', '--checkpoint', 'bad2.json', '--corpus', DEFAULT_CORPUS], dir), /params\.rnn\.weight_ih_l0 has 24 rows \(expected 32×/);
    usageError(runCli(['train', '--resume', 'g.json', '--model', 'lstm', '--iterations', '4'], dir), /--model lstm conflicts with checkpoint g\.json \(model gru\)/);
    usageError(runCli(['train', '--resume', 'g.json', '--batch-size', '4', '--iterations', '4'], dir), /--batch-size 4 conflicts with checkpoint g\.json \(batchSize 3\)/);
  });
});

/** The start record of a training run, which is then stopped (its first window may be slow). */
async function startRecordOf(args: readonly string[], cwd: string): Promise<Record<string, unknown>> {
  const child = startCli(args, cwd);
  let out = '';
  const line = await new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const nl = out.indexOf('\n');
      if (nl >= 0) resolve(out.slice(0, nl));
    });
    child.on('exit', () => reject(new Error(`exited before a start record: ${out}`)));
  });
  child.kill('SIGKILL');
  await exited(child);
  return JSON.parse(line) as Record<string, unknown>;
}

function __dirnameOf(): string {
  return new URL('.', import.meta.url).pathname;
}
