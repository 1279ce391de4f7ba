// What a new user meets: the header and summary, the final evaluation, JSON on a terminal, the status
// line's width, resume remembering its outputs, fine-tuning with --init, help and small messages.
// These run the command in-process (see helpers.cli): same code path as the binary, no process start-up.
import { expect } from 'chai';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { formatStatus } from '../../src/cli/report.js';
import { createCorpus, heldOutLoss, loadCheckpointFileForTest, referenceKernel, splitCorpus } from './newUserHelpers.js';
import { cli, DEFAULT_CORPUS, jsonLines, readJson, removeDir, tempDir, TINY_TEXT, writeText } from './helpers.js';

const TEXT = 'the cat sat on the mat. the dog sat on the log. a bird sang in the tree.\n'.repeat(8); // 584 characters
const SMALL = ['--hidden-size', '10', '--seq-length', '8', '--sample-every', '0'];

describe('train: what a new user meets', function () {
  this.timeout(120_000);
  let dir: string;
  let corpus: string;
  beforeEach(() => {
    dir = tempDir();
    corpus = writeText(dir, 'text.txt', TEXT);
  });
  afterEach(() => removeDir(dir));

  it('text mode: a header (corpus, vocabulary, parameters, model, split, interval), the final iteration, a summary', async () => {
    const r = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '300', '--val-fraction', '0.2', '--checkpoint', 'ck.json', '--plot', 'loss.svg'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.trimEnd().split('\n');
    const V = new Set(TEXT).size;
    expect([lines[0], lines[2]]).to.deep.equal([
      `data has 584 characters, ${V} unique.`,
      'split: 468 characters to train on, 116 held out (20%); validation every 1,000 iterations and at the end',
    ]);
    expect(lines[1]).to.match(new RegExp(`^model: vanilla RNN, hidden 10, seq length 8, ${2 * 10 * V + 100 + 10 + V} parameters; adagrad, learning rate 0\\.1; clip ±5; kernel (wasm|js)$`));
    // The last iteration is logged and evaluated though it is not a multiple of 100 or 1000.
    expect(lines).to.include.members(['iter 200, loss: ' + lines.find((l) => l.startsWith('iter 200, loss: '))!.slice(16)]);
    expect(lines.some((l) => /^iter 299, loss: \d+\.\d{6}$/.test(l))).to.equal(true);
    expect(lines.some((l) => /^iter 299, val loss: \d\.\d{6} \(\d\.\d{4} bits\/char\)$/.test(l))).to.equal(true);
    const tail = lines.slice(-3);
    expect(tail[0]).to.match(/^done: 300 iterations in \d+\.\ds, [\d,]+ chars\/s$/);
    expect(tail[1]).to.match(/^validation: final \d\.\d{4} \(\d\.\d{4} bits\/char\) at iteration 299; best \d\.\d{4} \(\d\.\d{4} bits\/char\) at iteration (0|299)$/);
    expect(tail[2]).to.equal('wrote: ck.json (checkpoint at iteration 300), loss.svg (chart)');
    // The chart marks each validation point (two here: iterations 0 and 299), so two points never pass for a curve.
    const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
    expect(svg.match(/<circle /g)).to.have.length(2);
  });

  it('--keep-best sees the final weights: the best file holds the final model when it is the best', async () => {
    const r = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '250', '--val-fraction', '0.2', '--eval-every', '100', '--keep-best', 'best.json', '--json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const vals = jsonLines(r.stdout).filter((l) => l.type === 'val');
    expect(vals.map((v) => [v.iter, v.final])).to.deep.equal([[0, undefined], [100, undefined], [200, undefined], [249, true]]);
    const best = vals.reduce((b, v) => ((v.loss as number) < (b.loss as number) ? v : b));
    expect(best.iter).to.equal(249); // still learning: the final model is the best, and used to be missed
    const saved = readJson(join(dir, 'best.json')) as { training: { iteration: number; validation: { best: { loss: number } } } };
    expect(saved.training.iteration).to.equal(250);
    expect(saved.training.validation.best.loss).to.equal(best.loss);
    const end = jsonLines(r.stdout).pop()!;
    expect(end).to.include({ type: 'end', bestValLoss: best.loss, bestIteration: 249, best: 'best.json', valLoss: best.loss });
  });

  it('--json on a terminal writes JSON lines only: no status line, no escape codes', async () => {
    const r = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '3000', '--log-every', '500', '--val-fraction', '0.2', '--json'], dir, { tty: true, columns: 120 });
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout).to.not.match(/[\r\x1b]/);
    for (const line of r.stdout.trimEnd().split('\n')) expect(() => JSON.parse(line), line).to.not.throw();
    // Text mode on the same terminal does draw it.
    const text = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '3000', '--log-every', '500', '--val-fraction', '0.2'], dir, { tty: true, columns: 120 });
    expect(text.stdout).to.contain('\r\x1b[2Kiter ');
  });

  it('the status line fits the terminal: every drawn line is narrower than its width', async () => {
    const r = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '2000', '--val-fraction', '0.2', '--eval-every', '500'], dir, { tty: true, columns: 50 });
    expect(r.status, r.stderr).to.equal(0);
    const drawn = r.stdout.split('\r\x1b[2K').map((s) => s.split('\n')[0]!).filter((s) => s.startsWith('iter ') && !s.includes(', '));
    expect(drawn.length).to.be.greaterThan(0);
    for (const s of drawn) expect(s.length, s).to.be.at.most(49);
  });

  it('formatStatus drops fields from the right but keeps the ETA; no speed or ETA before a second is measured', () => {
    const info = { iteration: 999, target: 4000, smoothLoss: 50, seqLength: 25, valLoss: 1.5, charsPerSecond: 12345.6, elapsedSeconds: 10, measuredSeconds: 9.5, iterationsDone: 1000 };
    const full = formatStatus(info);
    expect(full).to.equal('iter 999/4,000 | loss 50.0000 | 2.885 bits/char | val 1.5000 (2.164 bits) | 12,346 chars/s | 10s | ETA 29s');
    expect(formatStatus(info, 60)).to.equal('iter 999/4,000 | loss 50.0000 | 2.885 bits/char | ETA 29s');
    expect(formatStatus(info, 30)).to.equal('iter 999/4,000 | ETA 29s');
    expect(formatStatus(info, 10)).to.equal('iter 999/4');
    const early = formatStatus({ ...info, elapsedSeconds: 0.4, measuredSeconds: 0.3 });
    expect(early).to.equal('iter 999/4,000 | loss 50.0000 | 2.885 bits/char | val 1.5000 (2.164 bits) | 0s');
  });

  it('--resume remembers --plot and --keep-best: the chart and the best file go on being updated', async () => {
    const first = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '150', '--val-fraction', '0.2', '--eval-every', '50', '--checkpoint', 'ck.json', '--plot', 'loss.svg', '--keep-best', 'best.json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    rmSync(join(dir, 'loss.svg'));
    const bestBefore = (readJson(join(dir, 'best.json')) as { training: { iteration: number } }).training.iteration;
    const second = await cli(['train', '--resume', 'ck.json', '--iterations', '400', '--json'], dir);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stderr).to.match(/continuing the chart in .*loss\.svg and the best model in .*best\.json \(as recorded in ck\.json\)/);
    expect(second.stderr).to.not.contain('from an earlier run');
    const svg = readFileSync(join(dir, 'loss.svg'), 'utf8');
    expect(svg.match(/<circle /g)!.length).to.equal(4 + 6); // 0, 50, 100, 149; then 150, ..., 350, 399
    const best = readJson(join(dir, 'best.json')) as { training: { iteration: number } };
    expect(best.training.iteration).to.be.greaterThan(bestBefore);
    const start = jsonLines(second.stdout)[0]!;
    expect(start.plot).to.match(/loss\.svg$/);
    expect(start.keepBest).to.match(/best\.json$/);
  });

  it('--init: measures the loaded model first, starts the smooth loss from it, and warms the learning rate up', async () => {
    const trained = await cli(['train', '--corpus', DEFAULT_CORPUS, '--hidden-size', '24', '--sample-every', '0', '--iterations', '1500', '--checkpoint', 'base.json'], dir);
    expect(trained.status, trained.stderr).to.equal(0);
    const args = ['train', '--corpus', DEFAULT_CORPUS, '--init', 'base.json', '--sample-every', '0', '--iterations', '1', '--json'];
    const gentle = await cli(args, dir);
    expect(gentle.status, gentle.stderr).to.equal(0);
    expect(gentle.stderr).to.contain('--init: the learning rate warms up over the first 1000 iterations');
    const out = jsonLines(gentle.stdout);
    const start = out[0]!;
    // The loaded model's validation loss, measured before any update.
    const base = loadCheckpointFileForTest(join(dir, 'base.json'));
    const whole = createCorpus(readFileSync(DEFAULT_CORPUS, 'utf8'), base.vocab);
    const { validation } = splitCorpus(whole, 0.05, 25);
    const m = referenceKernel.createModel(24, base.vocab.size, 25);
    m.params.data.set(base.params.data);
    expect(start.initialValLoss as number).to.be.closeTo(heldOutLoss(m, validation!.ids, 25), 1e-9);
    expect((start.optimizer as { schedule: unknown }).schedule).to.deep.equal({ kind: 'warmup', steps: 1000 });
    // The smooth loss starts from that measured loss (per window), not from the uniform guess.
    const loss0 = out.find((l) => l.type === 'loss')!;
    expect(loss0.smoothLoss).to.equal((start.initialLoss as number) * 25 * 0.999 + (loss0.loss as number) * 0.001);
    // The first update barely moves the model; without the warm-up, Adagrad's first step wrecks it.
    const val0 = (o: Array<Record<string, unknown>>): number => o.find((l) => l.type === 'val')!.loss as number;
    const harsh = await cli([...args, '--lr-schedule', 'constant'], dir);
    const initial = start.initialValLoss as number;
    expect(Math.abs(val0(out) - initial)).to.be.lessThan(0.05 * initial);
    expect(val0(jsonLines(harsh.stdout))).to.be.greaterThan(1.1 * initial);
    // Text mode says it in the header.
    const text = await cli(args.filter((a) => a !== '--json'), dir);
    expect(text.stdout).to.match(/^init: base\.json: val loss \d\.\d{4} \(\d\.\d{4} bits\/char\) before training$/m);
  });

  it('help: -h and `help COMMAND`; small messages that used to mislead', async () => {
    for (const args of [['train', '-h'], ['help', 'train'], ['train', '--help']]) {
      const r = await cli(args, dir);
      expect(r.status, args.join(' ')).to.equal(0);
      expect(r.stdout).to.match(/^usage: min-char-rnn train \[options\]/);
    }
    expect((await cli(['sample', '-h'], dir)).stdout).to.match(/^usage: min-char-rnn sample/);
    const mainHelp = [
      'usage: min-char-rnn <command> [options]',
      '',
      'Character-level language models (the classic min-char-rnn, LSTM, GRU) trained as a streaming RxJS pipeline.',
      '',
      'commands:',
      '  train       train a model on a text file (checkpoints, resume, validation)',
      '  sample      generate text from a checkpoint or .safetensors model',
      "  eval        measure a model's loss on a text (nats and bits per character)",
      '  export      write a checkpoint as .safetensors (for PyTorch, numpy, ...) or back as JSON',
      '',
      'options:',
      '  --version   print the version (also -V)',
      '  --help      show this help (also -h, or `min-char-rnn help`)',
      '',
      'Run `min-char-rnn <command> --help` (or `min-char-rnn help <command>`) for the options of a command.',
      '',
    ].join('\n');
    for (const args of [['help'], ['--help'], ['-h']]) expect((await cli(args, dir)).stdout, args.join(' ')).to.equal(mainHelp);
    for (const command of ['train', 'sample', 'eval', 'export']) {
      for (const args of [[command, '-h'], [command, '--help'], ['help', command]]) {
        const r = await cli(args, dir);
        expect(r.status, args.join(' ')).to.equal(0);
        expect(r.stdout, args.join(' ')).to.match(new RegExp(`^usage: min-char-rnn ${command} `));
        expect(r.stdout, args.join(' ')).to.match(/^  --help +show this help \(also -h\)$/m);
      }
    }
    const unknown = await cli(['help', 'nope'], dir);
    expect([unknown.status, unknown.stderr]).to.deep.equal([2, 'min-char-rnn: unknown command "nope" (commands: train, sample, eval, export)\n']);

    const zero = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '0'], dir);
    expect(zero.status).to.equal(0);
    expect(zero.stderr).to.equal('min-char-rnn: --iterations 0: nothing to train (give a positive number of iterations)\n');

    const noHeldOut = await cli(['train', '--corpus', corpus, ...SMALL, '--val-fraction', '0', '--keep-best', 'b.json'], dir);
    expect(noHeldOut.status).to.equal(2);
    expect(noHeldOut.stderr).to.equal('min-char-rnn: --keep-best needs held-out text, but --val-fraction 0 holds none out (give a fraction such as 0.05)\n');

    const tiny = writeText(dir, 'tiny.txt', TINY_TEXT);
    expect((await cli(['train', '--corpus', tiny, ...SMALL, '--iterations', '20', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    const argmax = await cli(['sample', '--checkpoint', 'ck.json', '--argmax', '--temperature', '0.5', '--length', '10'], dir);
    expect(argmax.status).to.equal(0);
    expect(argmax.stderr).to.equal('min-char-rnn: --temperature has no effect with --argmax (the most likely character is the same at any temperature)\n');
  });
});
