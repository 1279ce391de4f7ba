import { expect } from 'chai';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { checkMemory, memoryLimit } from '../../src/cli/memoryCheck.js';
import { parseTrainOptions } from '../../src/cli/train.js';
import { planTraining, type TrainOptions } from '../../src/cli/trainPlan.js';
import type { Kernel } from '../../src/model/kernel.js';
import { jsKernel } from '../../src/model/rnn/classic/jsKernel.js';
import { formatBytes, rnnActivations, trainingMemoryBytes } from '../../src/model/memory.js';
import { parameterCount } from '../../src/model/rnn/classic/params.js';
import { WASM_MAX_BYTES, wasmKernel } from '../../src/model/rnn/classic/wasmKernel.js';
import { readJson, removeDir, runCli, tempDir, TINY_TEXT, writeText } from './helpers.js';

const base = { vocabSize: 65, seqLength: 25, optimizerSlots: 1, validation: true, checkpoints: true } as const;

describe('memory check before allocating (case 2)', function () {
  this.timeout(60_000);

  it('adds up parameters, gradients, optimizer slots, activations, the initial weights, validation and checkpoints', () => {
    const P = parameterCount(100, 65);
    const A = rnnActivations(100, 65, 25);
    expect(A).to.equal(26 * 100 + 25 * 65 + 25 * 100 + 400 + 130);
    expect(trainingMemoryBytes({ parameters: P, activations: A, optimizerSlots: 1 })).to.equal(8 * (3 * P + A) + 8 * P);
    expect(trainingMemoryBytes({ parameters: P, activations: A, optimizerSlots: 2, validation: true, checkpoints: true })).to.equal(
      8 * (4 * P + A) + 8 * P + 8 * (P + A) + 32 * P * 3,
    );
    expect(formatBytes(1_900_000_000)).to.equal('1.9 GB');
    expect(formatBytes(512)).to.equal('512 bytes');
  });

  it('refuses a run larger than the limit, naming the figure and the limit', () => {
    expect(() => checkMemory({ ...base, hiddenSize: 1000, kernel: jsKernel, auto: false }, 1e6)).to.throw(
      /a model of hidden size 1000 and 65 characters needs about \d+ MB to train \(parameters, gradients, optimizer state, activations\); the memory available is 1\.0 MB/,
    );
    expect(checkMemory({ ...base, hiddenSize: 100, kernel: jsKernel, auto: false }, 1e9).kernel).to.equal(jsKernel);
  });

  it('--kernel auto falls back to the js kernel when one model does not fit wasm memory, with one line; --kernel wasm is refused', () => {
    const H = 16_000;
    expect(wasmKernel.modelBytes!(H, 65, 25)).to.be.above(WASM_MAX_BYTES);
    expect(wasmKernel.modelBytes!(1000, 65, 25)).to.be.below(WASM_MAX_BYTES);
    const auto = checkMemory({ ...base, hiddenSize: H, kernel: wasmKernel, auto: true }, 1e12);
    expect(auto.kernel).to.equal(jsKernel);
    expect(auto.notice).to.match(/^a model of hidden size 16000 and 65 characters needs 10 GB of wasm kernel memory, more than its limit of 4\.3 GB: using the js kernel$/);
    expect(() => checkMemory({ ...base, hiddenSize: H, kernel: wasmKernel, auto: false }, 1e12)).to.throw(/--kernel wasm: .* more than its limit of 4\.3 GB; use --kernel js/);
    const small = checkMemory({ ...base, hiddenSize: 100, kernel: wasmKernel, auto: true }, 1e12);
    expect(small.kernel).to.equal(wasmKernel);
    expect(small.notice).to.equal(undefined);
  });

  describe('the command', () => {
    let dir: string;
    beforeEach(() => (dir = tempDir()));
    afterEach(() => removeDir(dir));

    it('exits 2 with one line for --hidden-size 100000 and 1000000000000, before reading the corpus', () => {
      for (const h of ['100000', '1000000000000']) {
        const r = runCli(['train', '--corpus', '/nonexistent', '--hidden-size', h, '--iterations', '1'], dir);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr.trim().split('\n')).to.have.length(1);
        expect(r.stderr).to.match(new RegExp(`^min-char-rnn: a model of hidden size ${h} needs about .* to train .*; the memory available is`));
      }
    });

    it('says it falls back to the js kernel at --hidden-size 16000 (where the machine has the memory)', function () {
      const need = trainingMemoryBytes({ parameters: parameterCount(16_000, 70), activations: 0, optimizerSlots: 1, validation: true });
      if (memoryLimit() < need) this.skip();
      const r = runCli(['train', '--hidden-size', '16000', '--iterations', '0'], dir);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.stderr).to.match(/needs 10 GB of wasm kernel memory, more than its limit of 4\.3 GB: using the js kernel/);
    });

    it('refuses a checkpoint declaring hiddenSize 1e12 on its shapes, not on an allocation', () => {
      const corpus = writeText(dir, 'tiny.txt', TINY_TEXT);
      const ok = runCli(['train', '--corpus', corpus, '--hidden-size', '8', '--seq-length', '8', '--iterations', '1', '--checkpoint', 'c.json'], dir);
      expect(ok.status, ok.stderr).to.equal(0);
      const ckpt = readJson(join(dir, 'c.json'));
      ckpt.hiddenSize = 1e12;
      writeFileSync(join(dir, 'big.json'), JSON.stringify(ckpt));
      const r = runCli(['sample', '--checkpoint', 'big.json'], dir);
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stderr).to.match(/^min-char-rnn: checkpoint big\.json: params\.Wxh has 8 rows \(expected 1000000000000×30\)\n$/);
    });

    // A model too large for wasm memory is GBs; a kernel with a small limit of its own shows the order.
    it('--init with --kernel auto measures the loaded model on the kernel the memory check chose', () => {
      const corpus = writeText(dir, 'tiny.txt', TINY_TEXT);
      const init = join(dir, 'init.json');
      const ok = runCli(['train', '--corpus', corpus, '--hidden-size', '8', '--seq-length', '8', '--iterations', '3', '--checkpoint', init], dir);
      expect(ok.status, ok.stderr).to.equal(0);
      const small: Kernel = {
        ...jsKernel,
        name: 'small',
        maxModelBytes: 1000,
        modelBytes: () => 1_000_000,
        createModel() {
          throw new Error('the loaded model was measured on the kernel the memory check refused');
        },
      };
      const parsed = parseTrainOptions(['--corpus', corpus, '--init', init, '--seq-length', '8', '--iterations', '1']) as TrainOptions;
      const opts: TrainOptions = { ...parsed, config: { ...parsed.config, kernel: small } };
      const plan = planTraining(opts);
      expect(plan.config.kernel).to.equal(jsKernel);
      expect(plan.notices.join('\n')).to.match(/needs 1\.0 MB of small kernel memory, more than its limit of 1\.0 kB: using the js kernel/);
      // The same measurement on the js kernel asked for outright.
      const plain = planTraining({ ...parsed, config: { ...parsed.config, kernel: jsKernel } });
      expect(plan.initial!.loss).to.be.a('number').and.above(0).and.equal(plain.initial!.loss);
      expect(plan.config.initialSmoothLoss).to.equal(plan.initial!.loss * 8);
    });
  });
});
