import { expect } from 'chai';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { cli as inProcess } from './helpers.js';

async function cli(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  const dir = mkdtempSync(join(tmpdir(), 'mcr-opt-'));
  const corpus = join(dir, 'corpus.txt');
  writeFileSync(corpus, 'the quick brown fox jumps over the lazy dog. '.repeat(20));
  const r = await inProcess(['train', '--corpus', corpus, ...args], dir);
  expect(readdirSync(dir)).to.deep.equal(['corpus.txt']); // nothing written
  return r;
}

function records(stdout: string): Record<string, unknown>[] {
  return stdout.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
}

describe('cli train: optimizer flags', function () {
  this.timeout(60000);

  it('defaults to adagrad with clip 5 and records it in the JSON start record', async () => {
    const r = await cli(['--iterations', '3', '--hidden-size', '8', '--json']);
    expect(r.status).to.equal(0);
    const start = records(r.stdout)[0]!;
    expect(start).to.include({ type: 'start', hiddenSize: 8, seqLength: 25, learningRate: 0.1, clip: 5, clipNorm: null });
    expect(start).to.include.keys('type', 'vocab', 'hiddenSize', 'seqLength', 'corpusLength', 'parameters', 'learningRate', 'optimizer', 'clip', 'clipNorm', 'seed', 'iterations');
    expect(start.optimizer).to.deep.equal({ name: 'adagrad', learningRate: 0.1, epsilon: 1e-8 });
  });

  it('trains with every optimizer and its hyperparameters, schedule and clipping', async () => {
    const r = await cli([
      '--optimizer', 'adamw', '--learning-rate', '0.005', '--beta1', '0.8', '--beta2', '0.99', '--weight-decay', '0.1',
      '--epsilon', '1e-6', '--lr-schedule', 'cosine:warmup=10,total=100,min=0.1', '--clip', '0', '--clip-norm', '10',
      '--iterations', '201', '--hidden-size', '8', '--json', '--sample-every', '0',
    ]);
    expect(r.stderr).to.equal('');
    expect(r.status).to.equal(0);
    const recs = records(r.stdout);
    expect(recs[0]).to.deep.include({
      learningRate: 0.005,
      clip: 0,
      clipNorm: 10,
      optimizer: {
        name: 'adamw',
        learningRate: 0.005,
        beta1: 0.8,
        beta2: 0.99,
        epsilon: 1e-6,
        weightDecay: 0.1,
        schedule: { kind: 'cosine', warmup: 10, total: 100, min: 0.1 },
      },
    });
    const end = recs[recs.length - 1]!;
    expect(end).to.include({ type: 'end', reason: 'completed', iterations: 201 });
    expect(end.smoothLoss as number).to.be.lessThan(recs[1]!.smoothLoss as number);
    for (const [name, extra] of [
      ['sgd', []],
      ['momentum', ['--momentum', '0.5']],
      ['nesterov', ['--momentum', '0.95']],
      ['rmsprop', ['--decay', '0.95']],
      ['adam', ['--beta2', '0.99']],
      ['adagrad', ['--epsilon', '1e-6']],
    ] as const) {
      const rr = await cli(['--optimizer', name, ...extra, '--iterations', '2', '--hidden-size', '4', '--json']);
      expect(rr.status, `${name}: ${rr.stderr}`).to.equal(0);
      expect((records(rr.stdout)[0]!.optimizer as { name: string }).name).to.equal(name);
    }
  });

  const bad: [string[], string][] = [
    [['--optimizer', 'sgd', '--beta1', '0.9'], '--beta1 does not apply to --optimizer sgd (it takes --learning-rate)'],
    [['--optimizer', 'adam', '--momentum', '0.9'], '--momentum does not apply to --optimizer adam (it takes --learning-rate, --beta1, --beta2, --epsilon)'],
    [['--weight-decay', '0.1'], '--weight-decay does not apply to --optimizer adagrad (it takes --learning-rate, --epsilon)'],
    [['--optimizer', 'rmsprop', '--beta2', '0.9'], '--beta2 does not apply to --optimizer rmsprop (it takes --learning-rate, --decay, --epsilon)'],
    [['--optimizer', 'adam', '--beta1', '1'], '--beta1 must be a number in [0, 1), got 1'],
    [['--optimizer', 'adamw', '--beta2', '-0.1'], '--beta2 must be a number in [0, 1), got -0.1'],
    [['--optimizer', 'momentum', '--momentum', '1.5'], '--momentum must be a number in [0, 1), got 1.5'],
    [['--optimizer', 'adamw', '--weight-decay', '-1'], '--weight-decay must be a number ≥ 0, got -1'],
    [['--optimizer', 'lbfgs'], '--optimizer must be one of sgd, momentum, nesterov, rmsprop, adam, adamw, adagrad, got "lbfgs"'],
    [['--lr-schedule', 'step:factor=0.5'], '--lr-schedule step:factor=0.5: every must be a positive integer, got undefined'],
    [['--lr-schedule', 'cosine:warmup=200,total=100'], '--lr-schedule cosine:warmup=200,total=100: total must be greater than warmup (200), got 100'],
    [['--lr-schedule', 'linear'], '--lr-schedule must be one of constant, step:..., exp:..., cosine:..., warmup:..., got "linear"'],
    [['--lr-schedule', 'exp:gamma'], '--lr-schedule must be KIND:key=number,... (bad part "gamma"), got "exp:gamma"'],
    [['--clip', '-1'], '--clip must be a number ≥ 0 (0 turns clipping off), got -1'],
    [['--clip-norm', '0'], '--clip-norm must be a positive number, got "0"'],
    [['--learning-rate', '0'], '--learning-rate must be a positive number, got "0"'],
  ];
  for (const [args, message] of bad) {
    it(`refuses ${args.join(' ')}: one line, exit 2`, async () => {
      const r = await cli([...args, '--iterations', '1']);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.equal(`min-char-rnn: ${message}\n`);
      expect(r.stdout).to.equal('');
    });
  }

  it('documents every new flag in --help', async () => {
    const r = await cli(['--help']);
    expect(r.status).to.equal(0);
    for (const flag of ['--optimizer', '--learning-rate', '--momentum', '--beta1', '--beta2', '--decay', '--epsilon', '--weight-decay', '--lr-schedule', '--clip ', '--clip-norm']) {
      expect(r.stdout).to.include(flag);
    }
    expect(r.stdout).to.include('sgd|momentum|nesterov|rmsprop|adam|adamw|adagrad');
  });
});
