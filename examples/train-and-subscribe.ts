// Example 1: train on the default corpus and subscribe to the loss and sample streams of one run.
// Run: npm run build && node dist/examples/train-and-subscribe.js [iterations]
import { readFileSync } from 'node:fs';
import { createCorpus, train } from 'min-char-rnn';

const iterations = Number(process.argv[2] ?? 1001);
const text = readFileSync(new URL('../../data/default-corpus.txt', import.meta.url), 'utf8');
const corpus = createCorpus(text);

// One training run, two subscribers: `train` multicasts, so this is not two trainings.
const run = train(corpus, { hiddenSize: 100, iterations, sampleEvery: 500, sampleLength: 120 });

run.sample$.subscribe(({ iteration, text: sample }) => console.log(`---- sample at ${iteration}\n${sample}\n----`));
run.loss$.subscribe({
  next: ({ iteration, smoothLoss }) => console.log(`iter ${iteration}, loss: ${smoothLoss.toFixed(3)}`),
  complete: () => console.log('done'),
});

run.start();

// Output (default seed 1, 1001 iterations):
// ---- sample at 0
// UtoxFW!;PT.fxgA-mR:W.VqA-ojD)UmQcqNyP
// ...
// ----
// iter 0, loss: 103.972
// iter 100, loss: 103.604
// iter 200, loss: 102.272
// ...
// iter 1000, loss: 86.991
// done
