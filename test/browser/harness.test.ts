// The harness itself: Chromium is found or the reason is given, a bundled module runs in a page and its
// result comes back as JSON.
import { expect } from 'chai';
import { lastValueFrom, map, take, toArray } from 'rxjs';
import { createCorpus, trainingSteps } from '../../src/index.js';
import { chromiumOrSkipNotice, findChromium, launchChromium, runInChromium, type Chromium } from './harness.js';

describe('browser harness', function () {
  this.timeout(180_000);

  it('explains why when CHROME_PATH is not an executable', () => {
    expect(findChromium({ CHROME_PATH: '/nonexistent/chrome', PATH: '' })).to.deep.equal({
      reason: 'CHROME_PATH=/nonexistent/chrome is not an executable file',
    });
    expect(findChromium({ PATH: '' })).to.have.property('reason').that.matches(/no Chromium found/);
  });

  describe('in Chromium', () => {
    let chromium: Chromium | undefined;
    before(async function () {
      const found = chromiumOrSkipNotice();
      if (!found) this.skip();
      chromium = await launchChromium(found);
    });
    after(async () => chromium?.close());

    it('runs a bundled module that trains, and returns its result as JSON', async () => {
      const result = (await runInChromium(chromium!.browser, 'test/browser/fixtures/first-losses.ts')) as {
        losses: number[];
        vocab: string[];
      };
      const corpus = createCorpus('the quick brown fox jumps over the lazy dog. '.repeat(10));
      const node = await lastValueFrom(
        trainingSteps(corpus, { hiddenSize: 16, seqLength: 8, sampleEvery: 0 }).pipe(take(5), map((s) => s.loss), toArray()),
      );
      expect(result.vocab).to.deep.equal([...corpus.vocab.chars]);
      expect(result.losses).to.have.length(5);
      // Same algorithm, another engine: equal to rounding (bit-identity across engines is its own test).
      result.losses.forEach((l, i) => expect(l).to.be.closeTo(node[i]!, 1e-9 * node[i]!));
      expect(result.losses[4]).to.be.below(result.losses[0]!);
    });
  });
});
