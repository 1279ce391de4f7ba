// Example 2: a custom pipeline built from the stages: stop early once the smooth loss drops below a
// target (takeWhile), and log every 10th step's loss to a CSV file.
// Run: npm run build && node dist/examples/early-stop-csv.js [target-loss] [out.csv] [max-iterations]
import { createWriteStream, readFileSync } from 'node:fs';
import { filter, map, take, takeWhile, tap } from 'rxjs';
import { adagrad, createCorpus, initParams, lossFun, sampleEvery, smoothLoss, windows } from 'min-char-rnn';

const target = Number(process.argv[2] ?? 75);
const csvPath = process.argv[3] ?? 'loss.csv';
const maxIterations = Number(process.argv[4] ?? 20000);

const corpus = createCorpus(readFileSync(new URL('../../data/default-corpus.txt', import.meta.url), 'utf8'));
const params = initParams(100, corpus.vocab.size, 1);
const csv = createWriteStream(csvPath);
csv.write('iteration,loss,smooth_loss\n');

windows(corpus, { seqLength: 25 })
  .pipe(
    lossFun(params), // forward + BPTT, gradients clipped to ±5
    sampleEvery(1000, { vocab: corpus.vocab, length: 80 }),
    adagrad({ learningRate: 0.1 }),
    smoothLoss(),
    take(maxIterations), // a safety net
    takeWhile((s) => s.smoothLoss > target, true), // true: also emit the step that reached the target
    tap((s) => s.sample && console.log(`iter ${s.iteration} sample: ${JSON.stringify(s.sample.text)}`)),
    filter((s) => s.iteration % 10 === 0 || s.smoothLoss <= target),
    map((s) => ({ iteration: s.iteration, loss: s.loss, smoothLoss: s.smoothLoss })), // plain numbers
  )
  .subscribe({
    next: (r) => csv.write(`${r.iteration},${r.loss},${r.smoothLoss}\n`),
    complete: () => {
      csv.end();
      console.log(`stopped; loss log in ${csvPath}`);
    },
  });

// Output (default seed; the smooth loss reaches 75 at iteration 1865):
// iter 0 sample: "EOrCWUjAO\n,wJ\"atyiQLyajssm(\"JtM'\niUHOoHHk)NKjpDM:scMhB,SldKRH)a!rgshywdkKC'Xyh.E"
// iter 1000 sample: " dleeig rg tr e menret tetiroeeb  aare recn pomtsa p ba,lr iatl ant tetnolooisd "
// stopped; loss log in loss.csv (last line: 1865,63.23529844060081,74.9962055280227)
