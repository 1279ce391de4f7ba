import { expect } from 'chai';
import { readFileSync } from 'node:fs';
import { GOLDEN_FILE, runGolden, type GoldenRun } from '../fixtures/golden.js';

describe('golden default pipeline (reference kernel)', () => {
  it('reproduces every loss, smooth loss and sample recorded before the optimizer refactor, bit for bit', async () => {
    const golden = JSON.parse(readFileSync(GOLDEN_FILE, 'utf8')) as GoldenRun;
    const run = await runGolden();
    expect(run.losses.length).to.equal(300);
    expect(golden.losses.length).to.equal(300);
    for (let i = 0; i < golden.losses.length; i++) {
      if (run.losses[i] !== golden.losses[i]) {
        expect.fail(`loss at iteration ${i}: ${run.losses[i]} !== ${golden.losses[i]}`);
      }
      if (run.smoothLosses[i] !== golden.smoothLosses[i]) {
        expect.fail(`smooth loss at iteration ${i}: ${run.smoothLosses[i]} !== ${golden.smoothLosses[i]}`);
      }
    }
    expect(run.samples).to.deep.equal(golden.samples);
  });
});
