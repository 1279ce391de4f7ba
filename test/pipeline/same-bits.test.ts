// The golden runs of test/fixtures/sameBits.ts, bit for bit: every loss, smooth loss, validation loss,
// sample and generated text as test/fixtures/same-bits.json recorded them. The same file is checked in
// Chromium by test/browser/same-bits.test.ts; this is the Node half.
import { expect } from 'chai';
import { runSameBits, SAME_BITS_RUNS } from '../fixtures/sameBits.js';
import { expectSameBits, recordedSameBits } from '../fixtures/sameBitsRecord.js';
import { wasmSimdAvailable } from '../../src/index.js';

describe('same bits: golden runs of 200 iterations, bit for bit (Node)', function () {
  this.timeout(120_000);
  const recorded = recordedSameBits();

  it('the record covers every run, and the runs learn (the golden numbers are not degenerate)', () => {
    expect(recorded.map((r) => r.name)).to.deep.equal(SAME_BITS_RUNS.map((r) => r.name));
    for (const r of recorded) {
      expect(r.losses).to.have.length(200);
      expect(r.smoothLosses[199]).to.be.below(r.smoothLosses[0]!);
      expect(r.validation.map((v) => v.iteration)).to.deep.equal([0, 50, 100, 150, 199]); // and the final weights
      expect(r.samples.map((s) => s.iteration)).to.deep.equal([0, 100]);
      expect(r.generated).to.have.length(120);
    }
    // js computes the reference's operations in its order (the same bits); wasm reassociates its dot
    // products, so it agrees to rounding at the first step and then has bits of its own, pinned here too.
    const [ref, js, wasm] = recorded;
    expect(js!.losses).to.deep.equal(ref!.losses);
    expect(wasm!.losses[0]).to.be.closeTo(ref!.losses[0]!, 1e-12 * ref!.losses[0]!);
    expect(wasm!.losses.filter((l, i) => l !== ref!.losses[i]).length).to.be.greaterThan(150);
  });

  for (const run of SAME_BITS_RUNS) {
    it(`${run.name}: losses, smooth losses, validation, samples and generated text as recorded`, async function () {
      if (run.kernel === 'wasm' && !wasmSimdAvailable()) this.skip();
      const want = recorded.find((r) => r.name === run.name)!;
      expectSameBits(await runSameBits(run), want, `Node ${process.version}`);
    });
  }
});
