import { expect } from 'chai';
import { lastValueFrom, take, toArray } from 'rxjs';
import { createCorpus, windows, CorpusError, type Window } from '../../src/index.js';

const positions = (ws: Window[]): Array<[number, number, boolean]> => ws.map((w) => [w.iteration, w.position, w.reset]);

describe('windows', () => {
  it('slides by seqLength and wraps with a reset when p + T + 1 >= N', async () => {
    // N = 14, T = 4: p = 0, 4, 8 fit (8 + 5 = 13 < 14); at p = 12, 12 + 5 >= 14 wraps to 0.
    const corpus = createCorpus('abcdefghijklmn');
    const ws = await lastValueFrom(windows(corpus, { seqLength: 4 }).pipe(take(6), toArray()));
    expect(positions(ws)).to.deep.equal([
      [0, 0, true],
      [1, 4, false],
      [2, 8, false],
      [3, 0, true],
      [4, 4, false],
      [5, 8, false],
    ]);
  });

  it('skips the last window that would just fit, as the classic code does (>=, not >)', async () => {
    // N = 13, T = 4: the window at p = 8 needs ids[8..13), which exists, but 8 + 5 >= 13 resets.
    const corpus = createCorpus('abcdefghijklm');
    const ws = await lastValueFrom(windows(corpus, { seqLength: 4 }).pipe(take(4), toArray()));
    expect(positions(ws)).to.deep.equal([
      [0, 0, true],
      [1, 4, false],
      [2, 0, true],
      [3, 4, false],
    ]);
  });

  it('gives inputs = ids[p..p+T) and targets = ids[p+1..p+T+1)', async () => {
    const corpus = createCorpus('abcdefghij');
    const w = (await lastValueFrom(windows(corpus, { seqLength: 3 }).pipe(take(2), toArray())))[1]!;
    expect(Array.from(w.inputs)).to.deep.equal([3, 4, 5]);
    expect(Array.from(w.targets)).to.deep.equal([4, 5, 6]);
  });

  it('with N = T + 1 resets on every iteration and reads the whole corpus', async () => {
    const corpus = createCorpus('abcde');
    const ws = await lastValueFrom(windows(corpus, { seqLength: 4 }).pipe(take(3), toArray()));
    expect(positions(ws)).to.deep.equal([
      [0, 0, true],
      [1, 0, true],
      [2, 0, true],
    ]);
    expect(Array.from(ws[2]!.targets)).to.deep.equal([1, 2, 3, 4]);
  });

  it('refuses a corpus shorter than seqLength + 1', () => {
    expect(() => windows(createCorpus('abcd'), { seqLength: 4 })).to.throw(CorpusError, /at least seqLength \+ 1 = 5/);
  });

  it('completes after `iterations` windows and resumes from a cursor', async () => {
    const corpus = createCorpus('abcdefghijklmn');
    const all = await lastValueFrom(windows(corpus, { seqLength: 4, iterations: 5 }).pipe(toArray()));
    expect(all).to.have.length(5);
    const resumed = await lastValueFrom(
      windows(corpus, { seqLength: 4, iterations: 5, start: { iteration: 2, position: 8 } }).pipe(toArray()),
    );
    expect(positions(resumed)).to.deep.equal(positions(all.slice(2)));
  });

  it('is cold: each subscriber gets its own loop from the start', async () => {
    const w$ = windows(createCorpus('abcdefghijklmn'), { seqLength: 4, iterations: 3 });
    const a = await lastValueFrom(w$.pipe(toArray()));
    const b = await lastValueFrom(w$.pipe(toArray()));
    expect(positions(a)).to.deep.equal(positions(b));
  });

  it('yields to the event loop so timers run during an endless stream', async () => {
    const corpus = createCorpus('abcdefghijklmn');
    let count = 0;
    let countWhenTimerFired = -1;
    const sub = windows(corpus, { seqLength: 4, yieldEveryMs: 5 }).subscribe(() => {
      count++;
      const until = performance.now() + 0.01; // make each window take a little time
      while (performance.now() < until);
    });
    await new Promise<void>((resolve) => setTimeout(resolve, 30));
    countWhenTimerFired = count;
    sub.unsubscribe();
    expect(countWhenTimerFired).to.be.greaterThan(0); // the stream was running...
    const after = count;
    await new Promise<void>((resolve) => setTimeout(resolve, 20));
    expect(count).to.equal(after); // ...and unsubscribing stopped it
  });

  it('emits the first window synchronously on subscribe', () => {
    const seen: number[] = [];
    windows(createCorpus('abcdef'), { seqLength: 2 })
      .pipe(take(1))
      .subscribe((w) => seen.push(w.position));
    expect(seen).to.deep.equal([0]);
  });
});

describe('windows of B streams', () => {
  it('cuts the text into B contiguous streams and moves and wraps them together by the classic rule', async () => {
    const { lastValueFrom, toArray } = await import('rxjs');
    const { createCorpus, windows } = await import('../../src/index.js');
    const corpus = createCorpus('abcdefghijklmnopqrstuvwxyz!'); // 27 characters: 3 streams of 9
    const ws = await lastValueFrom(windows(corpus, { seqLength: 3, batchSize: 3, iterations: 4 }).pipe(toArray()));
    const text = (ids: Int32Array): string => [...ids].map((i) => corpus.vocab.chars[i]).join('');
    expect(ws.map((w) => [w.position, w.reset, w.batchSize])).to.deep.equal([
      [0, true, 3],
      [3, false, 3],
      [0, true, 3], // 3 + 3 + 1 >= 9: wraps, as the classic loop does at the end of the text
      [3, false, 3],
    ]);
    expect(text(ws[0]!.inputs)).to.equal('abcjklstu');
    expect(text(ws[0]!.targets)).to.equal('bcdklmtuv');
    expect(text(ws[1]!.inputs)).to.equal('defmnovwx');
  });

  it('refuses a batch size whose streams are shorter than seqLength + 1', async () => {
    const { createCorpus, windows, CorpusError } = await import('../../src/index.js');
    const corpus = createCorpus('abcdefghij');
    expect(() => windows(corpus, { seqLength: 4, batchSize: 3 })).to.throw(CorpusError, '3 streams of 3, shorter than seqLength + 1 = 5');
  });
});
