import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const example = (name: string): string => fileURLToPath(new URL(`../../examples/${name}.js`, import.meta.url));

describe('examples', function () {
  this.timeout(120000);

  it('optimizer-race: prints a table for every optimizer and writes an SVG chart with one curve each', () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcr-race-'));
    const svg = join(dir, 'race.svg');
    const r = spawnSync(process.execPath, [example('optimizer-race'), '120', svg, fileURLToPath(new URL('../../../data/korean-corpus.txt', import.meta.url)), '16'], {
      encoding: 'utf8',
      timeout: 120000,
    });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
    const lines = r.stdout.split('\n');
    expect(lines[2]).to.match(/^optimizer\s+lr\s+100\s+120$/);
    for (const name of ['sgd', 'momentum', 'nesterov', 'rmsprop', 'adam', 'adamw', 'adagrad']) {
      expect(lines.some((l) => new RegExp(`^${name}\\s+[0-9.]+\\s+\\d+\\.\\d\\d\\s+\\d+\\.\\d\\d$`).test(l)), name).to.equal(true);
    }
    const chart = readFileSync(svg, 'utf8');
    expect(chart.startsWith('<svg')).to.equal(true);
    expect(chart.match(/<path /g)?.length).to.equal(7);
    expect(chart).to.include('adagrad (lr 0.1)');
  });

  it('nan-guard: a diverging run is rolled back with a lower learning rate and completes, with diagnostics', () => {
    const r = spawnSync(process.execPath, [example('nan-guard'), '100', '150'], { encoding: 'utf8', timeout: 120000 });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
    const rollbacks = [...r.stdout.matchAll(/^iter (\d+): loss (Infinity|NaN), back to iteration 0, learning rate × ([\d.e-]+)$/gm)];
    expect(rollbacks.length).to.be.at.least(1);
    expect(rollbacks[0]![3]).to.equal('0.5');
    expect(r.stdout).to.match(/^iter 100: grad norm \d+\.\d\d, update\/weight Wxh \d\.\de-\d+ Whh/m);
    expect(r.stdout.trim().endsWith('completed')).to.equal(true);
  });

  it('custom-optimizer: trains with a Lion operator written in the example and with Adagrad', () => {
    const r = spawnSync(process.execPath, [example('custom-optimizer'), '40'], { encoding: 'utf8', timeout: 120000 });
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
    const lion = [...r.stdout.matchAll(/^lion +iter (\d+): smooth loss (\d+\.\d+)$/gm)];
    const adagrad = [...r.stdout.matchAll(/^adagrad +iter (\d+): smooth loss (\d+\.\d+)$/gm)];
    expect(lion.map((m) => m[1])).to.deep.equal(['10', '20', '30', '40']);
    expect(adagrad.length).to.equal(4);
    expect(Number(lion[3]![2])).to.be.lessThan(Number(lion[0]![2])); // it learns
  });
});
