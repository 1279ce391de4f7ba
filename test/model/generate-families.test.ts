import { expect } from 'chai';
import { lastValueFrom, toArray } from 'rxjs';
import { argmax, createCorpus, createStackNetwork, generate, initModel, resolveModelSpec, stateSize } from '../../src/index.js';

describe('generate with lstm and gru', () => {
  const vocab = createCorpus('the cat sat on the mat.\n').vocab;
  for (const type of ['lstm', 'gru'] as const) {
    const spec = resolveModelSpec({ type, hiddenSize: 6, layers: 2 });
    const params = initModel(spec, vocab.size, 3);
    for (let i = 0; i < params.data.length; i++) params.data[i] = params.data[i]! * 6; // a model with opinions

    it(`${type}: argmax follows every layer's state (and the LSTM's cell) through the prime, step by step`, async () => {
      const text = (await lastValueFrom(generate({ vocab, params }, { prime: 'the ', length: 12, argmax: true }).pipe(toArray()))).join('');
      const net = createStackNetwork(spec, vocab.size, 1, 1);
      net.params.data.set(params.data);
      const state = new Float64Array(stateSize(spec));
      const probs = new Float64Array(vocab.size);
      for (const ch of 'the ') net.sampleStep(vocab.index.get(ch)!, state, 1, probs);
      let want = '';
      for (let n = 0; n < 12; n++) {
        const ix = argmax(probs);
        want += vocab.chars[ix];
        net.sampleStep(ix, state, 1, probs);
      }
      expect(text).to.equal(want);
      const top1 = (await lastValueFrom(generate({ vocab, params }, { prime: 'the ', length: 12, topK: 1, seed: 5 }).pipe(toArray()))).join('');
      expect(top1).to.equal(want); // top-k 1 is argmax
    });

    it(`${type}: the same seed gives the same text; temperature and seed change it`, async () => {
      const run = async (c: Parameters<typeof generate>[1]): Promise<string> =>
        (await lastValueFrom(generate({ vocab, params }, c).pipe(toArray()))).join('');
      const a = await run({ length: 40, seed: 1 });
      expect(await run({ length: 40, seed: 1 })).to.equal(a);
      expect(await run({ length: 40, seed: 2 })).to.not.equal(a);
      expect(await run({ length: 40, seed: 1, temperature: 0.3 })).to.not.equal(a);
      expect([...a].length).to.equal(40);
    });
  }
});
