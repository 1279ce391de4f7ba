// Example 6: a run made to diverge, kept alive by the NaN guard, watched by the diagnostics tap.
// Run: npm run build && node dist/examples/nan-guard.js [learning-rate] [iterations]
import { readFileSync } from 'node:fs';
import { createCorpus, trainingSteps } from 'min-char-rnn';

// Plain SGD at a learning rate far too large and no clipping: the loss overflows within a few windows.
const learningRate = Number(process.argv[2] ?? 100);
const iterations = Number(process.argv[3] ?? 300);
const corpus = createCorpus(readFileSync(new URL('../../data/default-corpus.txt', import.meta.url), 'utf8'));

trainingSteps(corpus, {
  hiddenSize: 16,
  seqLength: 8,
  iterations,
  sampleEvery: 0,
  optimizer: { name: 'sgd', learningRate },
  clip: 0,
  guard: { keepEvery: 100, lrFactor: 0.5, maxRetries: 5 }, // undo a non-finite step instead of failing
  diagnostics: { every: 100 }, // gradient norm, fraction clipped, update-to-weight ratio per tensor
}).subscribe({
  next: (s) => {
    if (s.nonFinite) {
      const r = s.nonFinite;
      console.log(`iter ${r.iteration}: loss ${r.loss}, back to iteration ${r.restoredFrom}, learning rate × ${r.learningRateScale}`);
    }
    if (s.diagnostics) {
      const d = s.diagnostics;
      const ratios = d.tensors.map((t) => `${t.name} ${t.updateRatio === null ? '-' : t.updateRatio.toExponential(1)}`).join(' ');
      console.log(`iter ${d.iteration}: grad norm ${d.gradNorm.toFixed(2)}, update/weight ${ratios}`);
    }
  },
  error: (e: Error) => console.log(`stopped: ${e.message}`),
  complete: () => console.log('completed'),
});

// iter 0: grad norm 4.36, update/weight Wxh - Whh - Why - bh - by -
// iter 2: loss Infinity, back to iteration 0, learning rate × 0.5
// iter 5: loss Infinity, back to iteration 0, learning rate × 0.25
// iter 8: loss Infinity, back to iteration 0, learning rate × 0.125
// iter 11: loss Infinity, back to iteration 0, learning rate × 0.0625
// iter 17: loss Infinity, back to iteration 0, learning rate × 0.03125
// iter 100: grad norm 21.88, update/weight Wxh 2.0e-7 Whh 1.1e-7 Why 1.7e-1 bh 3.6e-8 by 4.4e-2
// iter 200: grad norm 21.85, update/weight Wxh 3.1e-7 Whh 2.7e-7 Why 1.8e-1 bh 7.6e-8 by 3.9e-2
// completed
