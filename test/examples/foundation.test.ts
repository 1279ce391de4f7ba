// Runs every example briefly so they cannot rot.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';

function runExample(name: string, args: string[], cwd = ROOT): { stdout: string; status: number | null; stderr: string } {
  const r = spawnSync(process.execPath, [join(ROOT, 'dist/examples', `${name}.js`), ...args], {
    encoding: 'utf8',
    cwd,
    timeout: 120_000,
  });
  return { stdout: r.stdout, status: r.status, stderr: r.stderr };
}

describe('examples: train-and-subscribe, early-stop-csv, plug-in-sgd', () => {
  it('train-and-subscribe: prints losses and samples of one run', () => {
    const r = runExample('train-and-subscribe', ['101']);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.match(/^iter 0, loss: \d+\.\d{3}$/m);
    expect(r.stdout).to.match(/^iter 100, loss: \d+\.\d{3}$/m);
    expect(r.stdout).to.match(/^---- sample at 0$/m);
    expect(r.stdout.trim().endsWith('done')).to.equal(true);
  });

  it('early-stop-csv: stops at the target smooth loss and writes the CSV log', () => {
    const dir = tempDir();
    const csv = join(dir, 'loss.csv');
    const r = runExample('early-stop-csv', ['103', csv, '500'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const rows = readFileSync(csv, 'utf8').trim().split('\n');
    expect(rows[0]).to.equal('iteration,loss,smooth_loss');
    const last = rows[rows.length - 1]!.split(',').map(Number);
    expect(last[2]).to.be.at.most(103); // stopped because the target was reached...
    const before = rows[rows.length - 2]!.split(',').map(Number);
    expect(before[2]).to.be.greaterThan(103); // ...and not earlier
    expect(r.stdout).to.include(`stopped at iteration ${last[0]} (smooth loss ${last[2]!.toFixed(3)}); loss log in ${csv}`);
  });

  it('plug-in-sgd: trains with a hand-written SGD stage in place of Adagrad', () => {
    const r = runExample('plug-in-sgd', ['201']);
    expect(r.status, r.stderr).to.equal(0);
    const sgd = /sgd lr=0\.01\s+smooth loss after 201 iterations: (\d+\.\d+)/.exec(r.stdout);
    const ada = /adagrad \(default\)\s+smooth loss after 201 iterations: (\d+\.\d+)/.exec(r.stdout);
    expect(sgd, r.stdout).to.not.equal(null);
    expect(ada, r.stdout).to.not.equal(null);
    // Both learn: below the uniform-guess loss 25·ln(V) ≈ 104 and different from each other.
    expect(Number(sgd![1])).to.be.lessThan(104);
    expect(Number(sgd![1])).to.not.equal(Number(ada![1]));
  });

  it('lstm-early-stop: an LSTM pipeline stops when the validation loss reaches the target', () => {
    const r = runExample('lstm-early-stop', ['3.2', '200']);
    expect(r.status, r.stderr).to.equal(0);
    const vals = [...r.stdout.matchAll(/^iter (\d+) val loss: (\d+\.\d+) nats\/char$/gm)].map((m) => [Number(m[1]), Number(m[2])]);
    expect(vals[0]).to.deep.equal([0, 4.144]);
    expect(vals.at(-1)![1]).to.be.at.most(3.2); // stopped because the target was reached...
    expect(vals.slice(0, -1).every(([, l]) => l! > 3.2)).to.equal(true); // ...and not before
    expect(r.stdout.trim().endsWith('stopped')).to.equal(true);
  });
});
