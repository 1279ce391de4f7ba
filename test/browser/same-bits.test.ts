// The golden runs of test/fixtures/sameBits.ts in Chromium, bit for bit against what Node recorded
// (test/fixtures/same-bits.json): the promise that a seed gives the same losses and samples in a
// browser as in Node. Skipped, with one line saying why, when there is no Chromium.
import { expect } from 'chai';
import { exp, log } from '../../src/math/elementary.js';
import { expectSameBits, recordedSameBits } from '../fixtures/sameBitsRecord.js';
import type { SameBitsRun } from '../fixtures/sameBits.js';
import { chromiumOrSkipNotice, launchChromium, runInChromium, type Chromium } from './harness.js';

describe('same bits: golden runs of 200 iterations, bit for bit (Chromium)', function () {
  this.timeout(300_000);
  let chromium: Chromium | undefined;
  let result: { userAgent: string; wasm: boolean; runs: SameBitsRun[]; mathProbe: number[] };

  before(async function () {
    const found = chromiumOrSkipNotice();
    if (!found) this.skip();
    chromium = await launchChromium(found);
    result = (await runInChromium(chromium.browser, 'test/browser/fixtures/same-bits.ts')) as typeof result;
  });
  after(async () => chromium?.close());

  const recorded = recordedSameBits();
  for (const want of recorded) {
    it(`${want.name}: the same losses, smooth losses, validation, samples and generated text as Node`, function () {
      if (want.name === 'wasm' && !result.wasm) this.skip();
      const got = result.runs.find((r) => r.name === want.name)!;
      expectSameBits(got, want, result.userAgent.match(/(HeadlessChrome|Chrome)\/[\d.]+/)?.[0] ?? 'Chromium');
    });
  }

  it("probe: how often this engine's Math.exp and Math.log differ from the own functions (informational)", () => {
    let differ = 0;
    for (let i = 0; i < 3000; i++) {
      const x = -20 + 40 * (i / 2999);
      if (!Object.is(result.mathProbe[2 * i], exp(x))) differ++;
      if (!Object.is(result.mathProbe[2 * i + 1], log(0.001 + 10 * (i / 2999)))) differ++;
    }
    // Not a requirement either way: engines may change. Printed so a run shows why the own functions exist.
    console.log(`      ${result.userAgent.match(/Chrome\/[\d.]+/)?.[0]}: Math.exp/Math.log differ from the own exp/log on ${differ} of 6000 probes`);
    expect(result.mathProbe).to.have.length(6000);
  });
});
