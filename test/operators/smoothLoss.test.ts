import { expect } from 'chai';
import { EMPTY, lastValueFrom, of, Subject, take, throwError, toArray, concat } from 'rxjs';
import { createCorpus, initParams, lossFun, smoothLoss, windows } from '../../src/index.js';

describe('smoothLoss', () => {
  it('computes the classic 0.999 · s + 0.001 · loss', async () => {
    const out = await lastValueFrom(of({ loss: 50 }, { loss: 40 }).pipe(smoothLoss({ initial: 100 }), toArray()));
    expect(out.map((s) => s.smoothLoss)).to.deep.equal([100 * 0.999 + 50 * 0.001, (100 * 0.999 + 50 * 0.001) * 0.999 + 40 * 0.001]);
  });

  it('starts from −ln(1/V) · T by default', async () => {
    const corpus = createCorpus('abcdefgh'); // V = 8
    const step = await lastValueFrom(
      windows(corpus, { seqLength: 5 }).pipe(lossFun(initParams(4, 8, 1)), smoothLoss(), take(1)),
    );
    expect(step.smoothLoss).to.equal(-Math.log(1.0 / 8) * 5 * 0.999 + step.loss * 0.001);
  });

  it('keeps state per subscription', async () => {
    const s$ = of({ loss: 10 }, { loss: 20 }).pipe(smoothLoss({ initial: 0, rate: 0.5 }));
    const a = await lastValueFrom(s$.pipe(toArray()));
    const b = await lastValueFrom(s$.pipe(toArray()));
    expect(a.map((s) => s.smoothLoss)).to.deep.equal([5, 12.5]);
    expect(b).to.deep.equal(a);
  });

  it('completes on an empty source and passes errors through', async () => {
    expect(await lastValueFrom(EMPTY.pipe(smoothLoss({ initial: 1 }), toArray()))).to.deep.equal([]);
    const err = new Error('boom');
    let got: unknown;
    concat(of({ loss: 1 }), throwError(() => err))
      .pipe(smoothLoss({ initial: 0 }))
      .subscribe({ error: (e) => (got = e) });
    expect(got).to.equal(err);
  });

  it('stops listening when unsubscribed early (never-ending source)', () => {
    const src = new Subject<{ loss: number }>();
    const seen: number[] = [];
    const sub = src.pipe(smoothLoss({ initial: 0, rate: 0.5 })).subscribe((s) => seen.push(s.smoothLoss));
    src.next({ loss: 2 });
    sub.unsubscribe();
    src.next({ loss: 4 });
    expect(seen).to.deep.equal([1]);
    expect(src.observed).to.equal(false);
  });

  it('refuses a rate outside (0, 1]', () => {
    expect(() => smoothLoss({ rate: 0 })).to.throw(/rate/);
    expect(() => smoothLoss({ rate: 1.5 })).to.throw(/rate/);
  });
});
