import { expect } from 'chai';
import { join } from 'node:path';
import { DEFAULT_CORPUS, jsonLines, linesOfType, readJson, removeDir, runCli, tempDir } from './helpers.js';

// Plain SGD at a learning rate far too large and no clipping: the loss overflows within a few windows.
const DIVERGING = ['--corpus', DEFAULT_CORPUS, '--optimizer', 'sgd', '--learning-rate', '100', '--clip', '0', '--hidden-size', '16', '--seq-length', '8', '--sample-every', '0', '--val-fraction', '0'];

describe('train --on-nan and --diag-every', function () {
  this.timeout(120_000);
  let dir: string;
  beforeEach(() => (dir = tempDir()));
  afterEach(() => removeDir(dir));

  it('aborts a diverging run by default: exit 1, one line naming the iteration', () => {
    const r = runCli(['train', ...DIVERGING, '--iterations', '300'], dir);
    expect(r.status, r.stderr).to.equal(1);
    expect(r.stderr).to.match(/^min-char-rnn: loss is (Infinity|NaN) at iteration \d+ \(training diverged; try a smaller learning rate\)\n$/);
  });

  it('--on-nan rollback: nan records, a lower learning rate, and the run goes on to the end', () => {
    const r = runCli(['train', ...DIVERGING, '--iterations', '300', '--on-nan', 'rollback', '--json', '--checkpoint', 'c.json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const nans = jsonLines(r.stdout).filter((x) => x.type === 'nan');
    expect(nans.length).to.be.within(1, 5);
    expect(nans[0]).to.include({ type: 'nan', what: 'loss', restoredFrom: 0, learningRate: 50, retry: 1, maxRetries: 5 });
    expect(nans[0]!.iter).to.be.a('number');
    expect(['Infinity', 'NaN', '-Infinity']).to.include(nans[0]!.loss);
    const end = jsonLines(r.stdout).at(-1)!;
    expect(end).to.include({ type: 'end', reason: 'completed', iterations: 300 });
    expect(Number.isFinite(end.smoothLoss)).to.equal(true);
    // The checkpoint records the lowered rate and the policy, so a resume goes on with both.
    const h = (readJson(join(dir, 'c.json')).training as { hyperparameters: Record<string, unknown> }).hyperparameters;
    expect(h.learningRate).to.equal(100 * 0.5 ** nans.length);
    expect(h.onNan).to.equal('rollback');
  });

  it('a resumed run after rollbacks is bit-identical to one that never stopped', () => {
    const whole = runCli(['train', ...DIVERGING, '--iterations', '80', '--on-nan', 'rollback', '--json', '--log-every', '1'], dir);
    expect(whole.status, whole.stderr).to.equal(0);
    const first = runCli(['train', ...DIVERGING, '--iterations', '40', '--on-nan', 'rollback', '--json', '--log-every', '1', '--checkpoint', 'c.json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    expect(linesOfType(first.stdout, 'nan').length).to.be.above(0);
    const rest = runCli(['train', '--resume', 'c.json', '--iterations', '80', '--json'], dir);
    expect(rest.status, rest.stderr).to.equal(0);
    expect([...linesOfType(first.stdout, 'loss', 'nan'), ...linesOfType(rest.stdout, 'loss', 'nan')]).to.deep.equal(linesOfType(whole.stdout, 'loss', 'nan'));
  });

  it('refuses an unknown --on-nan', () => {
    const r = runCli(['train', '--on-nan', 'ignore'], dir);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.equal('min-char-rnn: --on-nan must be abort or rollback, got "ignore"\n');
  });

  it('--diag-every N adds diag records: gradient norm, fraction clipped, per tensor the update-to-weight ratio', () => {
    const r = runCli(['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '16', '--iterations', '101', '--diag-every', '50', '--json', '--sample-every', '0'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const diags = jsonLines(r.stdout).filter((x) => x.type === 'diag');
    expect(diags.map((d) => d.iter)).to.deep.equal([0, 50, 100]);
    for (const d of diags) {
      expect(d.gradNorm).to.be.a('number').above(0);
      expect(d.clippedFraction).to.be.within(0, 1);
      const tensors = d.tensors as Record<string, { gradNorm: number; weightNorm: number; updateRatio: number | null }>;
      expect(Object.keys(tensors)).to.deep.equal(['Wxh', 'Whh', 'Why', 'bh', 'by']);
    }
    const later = diags[1]!.tensors as Record<string, { updateRatio: number }>;
    expect(later.Wxh.updateRatio).to.be.within(1e-6, 1);
    expect((diags[0]!.tensors as Record<string, { updateRatio: null }>).Wxh.updateRatio).to.equal(null);
    const text = runCli(['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '16', '--iterations', '51', '--diag-every', '50', '--sample-every', '0'], dir);
    expect(text.stdout).to.match(/^iter 50, grad norm: \d+\.\d{4}, clipped: \d+\.\d{2}%, update\/weight: Wxh \d\.\d\de-\d, Whh/m);
  });
});
