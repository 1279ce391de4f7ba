import { expect } from 'chai';
import { copyFileSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CLI, DEFAULT_CORPUS, jsonLines, linesOfType, readJson, removeDir, cli, tempDir, TINY_TEXT, writeText } from './helpers.js';

const SMALL = ['--hidden-size', '8', '--seq-length', '8', '--json', '--log-every', '3', '--sample-every', '7', '--sample-length', '15'];

describe('train --resume', function () {
  this.timeout(120_000);
  let dir: string;
  let corpus: string;
  beforeEach(() => {
    dir = tempDir();
    corpus = writeText(dir, 'tiny.txt', TINY_TEXT); // 69 characters: at T = 8 the data wraps every 8 iterations
  });
  afterEach(() => removeDir(dir));

  it('logs exactly what an uninterrupted run logs, across data wraps, with samples, and ends in the same checkpoint', async () => {
    const straight = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '100', '--checkpoint', 'straight.json'], dir);
    expect(straight.status, straight.stderr).to.equal(0);
    const first = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '53', '--checkpoint', 'ck.json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    const second = await cli(['train', '--resume', 'ck.json', '--iterations', '100', '--json'], dir);
    expect(second.status, second.stderr).to.equal(0);
    expect(second.stderr).to.match(/resuming ck\.json at iteration 53 \(to 100\)/);

    const all = linesOfType(straight.stdout, 'loss', 'sample');
    const resumed = [...linesOfType(first.stdout, 'loss', 'sample'), ...linesOfType(second.stdout, 'loss', 'sample')];
    expect(resumed).to.deep.equal(all);
    expect(all.filter((l) => l.includes('"sample"')).length).to.be.greaterThan(10);
    // Same weights, optimizer memory, hidden state, sampler and history, to the last bit.
    expect(readFileSync(join(dir, 'ck.json'), 'utf8')).to.equal(readFileSync(join(dir, 'straight.json'), 'utf8'));
  });

  it('is exact with any optimizer: Adam with a schedule and global-norm clipping', async () => {
    const opt = ['--optimizer', 'adam', '--beta1', '0.8', '--lr-schedule', 'cosine:warmup=10,total=100,min=0.1', '--clip', '0', '--clip-norm', '3'];
    const straight = await cli(['train', '--corpus', corpus, ...SMALL, ...opt, '--iterations', '80'], dir);
    expect(straight.status, straight.stderr).to.equal(0);
    const first = await cli(['train', '--corpus', corpus, ...SMALL, ...opt, '--iterations', '41', '--checkpoint', 'ck.json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    const ck = readJson(join(dir, 'ck.json')) as { training: { optimizer: { spec: Record<string, unknown> }; hyperparameters: Record<string, unknown> } };
    expect(ck.training.optimizer.spec).to.include({ name: 'adam', beta1: 0.8, beta2: 0.999 });
    expect(ck.training.hyperparameters).to.include({ clip: 0, clipNorm: 3 });
    // Resuming with no optimizer flags continues the recorded optimizer, schedule and clipping.
    const second = await cli(['train', '--resume', 'ck.json', '--iterations', '80', '--json'], dir);
    expect(second.status, second.stderr).to.equal(0);
    const types = ['loss', 'sample'];
    expect([...linesOfType(first.stdout, ...types), ...linesOfType(second.stdout, ...types)]).to.deep.equal(linesOfType(straight.stdout, ...types));
    // Flags that agree with the checkpoint are fine; ones that contradict it are refused.
    expect((await cli(['train', '--resume', 'ck.json', '--iterations', '80', '--beta1', '0.8', '--optimizer', 'adam'], dir)).status).to.equal(0);
    for (const [flag, value] of [['--beta1', '0.9'], ['--optimizer', 'sgd'], ['--clip-norm', '5'], ['--clip', '5'], ['--lr-schedule', 'constant']] as const) {
      const r = await cli(['train', '--resume', 'ck.json', '--iterations', '90', flag, value], dir);
      expect(r.status, `${flag} ${value}: ${r.stderr}`).to.equal(2);
      expect(r.stderr).to.match(new RegExp(`${flag} .* conflicts with checkpoint`));
    }
  });

  it('is exact with validation: val lines and keep-best too', async () => {
    const common = ['--corpus', DEFAULT_CORPUS, '--hidden-size', '6', '--seq-length', '16', '--json', '--log-every', '10', '--sample-every', '25', '--sample-length', '10', '--eval-every', '20'];
    const straight = await cli(['train', ...common, '--iterations', '120'], dir);
    expect(straight.status, straight.stderr).to.equal(0);
    const first = await cli(['train', ...common, '--iterations', '70', '--checkpoint', 'ck.json', '--keep-best', 'best.json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    const second = await cli(['train', '--resume', 'ck.json', '--iterations', '120', '--json', '--keep-best', 'best.json'], dir);
    expect(second.status, second.stderr).to.equal(0);
    const types = ['loss', 'sample', 'val'];
    expect([...linesOfType(first.stdout, ...types), ...linesOfType(second.stdout, ...types)]).to.deep.equal(linesOfType(straight.stdout, ...types));
    const vals = linesOfType(straight.stdout, 'val').map((l) => JSON.parse(l) as { iter: number; loss: number });
    expect(vals.map((v) => v.iter)).to.deep.equal([0, 20, 40, 60, 80, 100]);
    // Each run also measured its final weights (iterations 69 and 119), and keep-best saw them.
    const measured = [...jsonLines(first.stdout), ...jsonLines(second.stdout)].filter((r) => r.type === 'val') as Array<{ iter: number; loss: number }>;
    expect(measured.map((v) => v.iter)).to.deep.equal([0, 20, 40, 60, 69, 80, 100, 119]);
    const bestLoss = Math.min(...measured.map((v) => v.loss));
    const best = readJson(join(dir, 'best.json')) as { training: { validation: { best: { loss: number; iteration: number } } } };
    expect(best.training.validation.best.loss).to.equal(bestLoss);
  });

  it('continues on the recorded corpus from another folder, to the recorded target when --iterations is not given', async () => {
    const first = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '30', '--checkpoint', 'ck.json'], dir);
    expect(first.status, first.stderr).to.equal(0);
    // Pretend the first run was asked for 60 iterations and stopped at 30.
    const raw = readJson(join(dir, 'ck.json')) as { training: { hyperparameters: { iterations: number } } };
    raw.training.hyperparameters.iterations = 60;
    writeFileSync(join(dir, 'ck.json'), JSON.stringify(raw));
    const elsewhere = join(dir, 'elsewhere');
    mkdirSync(elsewhere);
    const second = await cli(['train', '--resume', join(dir, 'ck.json'), '--json'], elsewhere);
    expect(second.status, second.stderr).to.equal(0);
    const end = JSON.parse(second.stdout.trim().split('\n').pop()!) as { iterations: number; reason: string };
    expect(end).to.include({ iterations: 60, reason: 'completed' });
    const straight = await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '60'], dir);
    expect([...linesOfType(first.stdout, 'loss'), ...linesOfType(second.stdout, 'loss')]).to.deep.equal(linesOfType(straight.stdout, 'loss'));
  });

  it('applies and reports settings that may change; refuses those that may not', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '20', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    const before = readFileSync(join(dir, 'ck.json'));
    for (const [flag, value, field] of [
      ['--seq-length', '9', 'seqLength 8'],
      ['--hidden-size', '9', 'hiddenSize 8'],
      ['--seed', '2', 'seed 1'],
      ['--val-fraction', '0.2', 'valFraction 0'],
    ] as const) {
      const r = await cli(['train', '--resume', 'ck.json', '--iterations', '40', flag, value], dir);
      expect(r.status, flag).to.equal(2);
      expect(r.stderr.trim().split('\n')).to.have.length(1);
      expect(r.stderr).to.contain(`${flag} ${value} conflicts with checkpoint ck.json (${field})`);
      expect(readFileSync(join(dir, 'ck.json')).equals(before)).to.equal(true);
    }
    const same = await cli(['train', '--resume', 'ck.json', '--iterations', '30', '--seq-length', '8', '--hidden-size', '8'], dir);
    expect(same.status, same.stderr).to.equal(0);
    const changed = await cli(['train', '--resume', 'ck.json', '--iterations', '40', '--learning-rate', '0.05', '--log-every', '5', '--json'], dir);
    expect(changed.status, changed.stderr).to.equal(0);
    expect(changed.stderr).to.match(/changed at resume: learning rate 0\.1 → 0\.05, iterations 30 → 40, log every 3 → 5/);
    const ck = readJson(join(dir, 'ck.json')) as { training: { optimizer: { spec: unknown }; hyperparameters: { learningRate: number } } };
    expect(ck.training.optimizer.spec).to.deep.equal({ name: 'adagrad', learningRate: 0.05, epsilon: 1e-8 });
    expect(ck.training.hyperparameters.learningRate).to.equal(0.05);
    expect(linesOfType(changed.stdout, 'loss').map((l) => (JSON.parse(l) as { iter: number }).iter)).to.deep.equal([30, 35]);
  });

  it('fine-tunes on a different corpus when its characters are in the vocabulary, from position 0', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '20', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    const other = writeText(dir, 'other.txt', 'the lazy dog jumps over the quick brown fox. hello.\n'.repeat(3));
    const r = await cli(['train', '--resume', 'ck.json', '--corpus', other, '--iterations', '30', '--json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.match(/fine-tuning on .*other\.txt.*data position restarts at 0/);
    const ck = readJson(join(dir, 'ck.json')) as { training: { iteration: number; position: number; corpus: { path: string } } };
    expect(ck.training.iteration).to.equal(30);
    expect(ck.training.corpus.path).to.equal(other);
    expect(ck.training.position).to.equal(10 * 8); // 10 windows from position 0, no wrap in 159 characters
  });

  it('refuses a fine-tuning corpus with a character outside the vocabulary, naming it', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '10', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    const before = readFileSync(join(dir, 'ck.json'));
    const other = writeText(dir, 'other.txt', 'hello world! hello rnn.\n');
    const r = await cli(['train', '--resume', 'ck.json', '--corpus', other, '--iterations', '30'], dir);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split('\n')).to.have.length(1);
    expect(r.stderr).to.match(/character "!" \(U\+0021\) at position 11 is not in the vocabulary of checkpoint ck\.json/);
    expect(readFileSync(join(dir, 'ck.json')).equals(before)).to.equal(true);
  });

  it('refuses to continue when the recorded corpus has changed', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '10', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    writeFileSync(corpus, TINY_TEXT + 'more.\n');
    const r = await cli(['train', '--resume', 'ck.json', '--iterations', '30'], dir);
    expect(r.status).to.equal(2);
    expect(r.stderr).to.match(/corpus .*tiny\.txt has changed since checkpoint ck\.json was written \(it had 69 characters.*now 75.*pass --corpus/);
  });

  it('says so and leaves the checkpoint alone when the target is already reached', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '10', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    const before = statSync(join(dir, 'ck.json')).mtimeMs;
    const content = readFileSync(join(dir, 'ck.json'));
    const r = await cli(['train', '--resume', 'ck.json'], dir);
    expect(r.status).to.equal(0);
    expect(r.stderr).to.contain('already at iteration 10; nothing to do');
    expect(statSync(join(dir, 'ck.json')).mtimeMs).to.equal(before);
    expect(readFileSync(join(dir, 'ck.json')).equals(content)).to.equal(true);
  });

  it('writes checkpoints to the resumed file unless --checkpoint says otherwise', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '10', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    copyFileSync(join(dir, 'ck.json'), join(dir, 'orig.json'));
    const r = await cli(['train', '--resume', 'ck.json', '--iterations', '20', '--checkpoint', 'next.json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    expect(readFileSync(join(dir, 'ck.json')).equals(readFileSync(join(dir, 'orig.json')))).to.equal(true);
    expect((readJson(join(dir, 'next.json')) as { training: { iteration: number } }).training.iteration).to.equal(20);
  });

  it('refuses --resume of a weights-only file and --init together with --resume', async () => {
    expect((await cli(['train', '--corpus', corpus, ...SMALL, '--iterations', '5', '--checkpoint', 'ck.json'], dir)).status).to.equal(0);
    expect((await cli(['export', '--checkpoint', 'ck.json', '--out', 'm.safetensors'], dir)).status).to.equal(0);
    const st = await cli(['train', '--resume', 'm.safetensors'], dir);
    expect(st.status).to.equal(2);
    expect(st.stderr).to.match(/m\.safetensors is a safetensors export with no training state to resume; use --init m\.safetensors/);
    const both = await cli(['train', '--resume', 'ck.json', '--init', 'ck.json'], dir);
    expect(both.status).to.equal(2);
    expect(both.stderr).to.contain('--init and --resume cannot be combined');
    void CLI;
  });
});
