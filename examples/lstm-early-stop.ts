// Example 6: an LSTM pipeline composed from the stages by hand — B streams, dropout, Adam, clipping to a
// global norm, validation on held-out text — stopped with `takeWhile` once the validation loss reaches a
// target. Any stage could be swapped: this is the pipeline `trainingSteps` builds for `model: { type: 'lstm' }`.
// Run: npm run build && node dist/examples/lstm-early-stop.js [target-nats] [max-iterations]
import { readFileSync } from 'node:fs';
import { filter, take, takeWhile } from 'rxjs';
import {
  adam,
  clipByGlobalNorm,
  createCorpus,
  evaluateEvery,
  initModel,
  lossFun,
  sampleEvery,
  smoothLoss,
  splitCorpus,
  windows,
} from 'min-char-rnn';

const target = Number(process.argv[2] ?? 2.6);
const maxIterations = Number(process.argv[3] ?? 600);

const text = readFileSync(new URL('../../data/default-corpus.txt', import.meta.url), 'utf8');
const { train, validation } = splitCorpus(createCorpus(text), 0.05);
const model = { type: 'lstm', hiddenSize: 32, layers: 2, dropout: 0.1 } as const;
const params = initModel(model, train.vocab.size, 1); // PyTorch's initialisation, from seed 1

windows(train, { seqLength: 32, batchSize: 8 }) // 8 contiguous streams of the text, 32 steps each
  .pipe(
    lossFun(params, { clip: null, seed: 1 }), // forward + BPTT over every stream; dropout masks from seed "1:dropout"
    clipByGlobalNorm(5),
    sampleEvery(100, { vocab: train.vocab, length: 60, seed: 'sample' }),
    adam({ learningRate: 0.01 }),
    smoothLoss(),
    evaluateEvery(50, { corpus: validation! }), // mean nats per character of the held-out 5%
    take(maxIterations), // a safety net
    filter((s) => s.sample !== undefined || s.validation !== undefined),
    takeWhile((s) => s.validation === undefined || s.validation.loss > target, true),
  )
  .subscribe({
    next: (s) => {
      if (s.sample) console.log(`iter ${s.iteration} sample: ${JSON.stringify(s.sample.text)}`);
      if (s.validation) console.log(`iter ${s.iteration} val loss: ${s.validation.loss.toFixed(4)} nats/char`);
    },
    complete: () => console.log('stopped'),
  });

// Output (default arguments):
// iter 0 sample: "YLFPqa:-jeQ!':\n\"f'! G(RiQrNuespDNXqs?:Ypty-IvK c\"j'AqNLYUi-U"
// iter 0 val loss: 4.1440 nats/char
// iter 50 val loss: 3.0566 nats/char
// iter 100 sample: "\"mraT dlg to T\"eit.ucv isai,t.tohheadnll o) ie tftnc easl ed"
// iter 100 val loss: 2.9101 nats/char
// iter 150 val loss: 2.5885 nats/char
// stopped
