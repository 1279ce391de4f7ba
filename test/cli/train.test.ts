import { expect } from 'chai';
import { spawn, spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { buildVocabulary, initParams, serializeCheckpoint } from '../../src/index.js';
import { CLI, DEFAULT_CORPUS, jsonLines, KOREAN_CORPUS, tempDir } from '../helpers.js';
import { cli } from './helpers.js';

const small = ['--hidden-size', '16', '--seq-length', '10'];

describe('CLI: min-char-rnn train', () => {
  it('the binary itself (a real process; the other tests here run the same code in-process): exit codes 0 and 2, stdout and stderr', () => {
    const help = spawnSync(process.execPath, [CLI, 'train', '-h'], { encoding: 'utf8' });
    expect([help.status, help.stderr]).to.deep.equal([0, '']);
    expect(help.stdout).to.match(/^usage: min-char-rnn train/);
    const bad = spawnSync(process.execPath, [CLI, 'train', '--hidden-size', 'x'], { encoding: 'utf8' });
    expect([bad.status, bad.stdout, bad.stderr]).to.deep.equal([2, '', 'min-char-rnn: --hidden-size must be a positive integer, got "x"\n']);
    const ok = spawnSync(process.execPath, [CLI, 'train', '--hidden-size', '8', '--iterations', '3', '--json'], { encoding: 'utf8' });
    expect(ok.status, ok.stderr).to.equal(0);
    expect(jsonLines(ok.stdout).pop()).to.include({ type: 'end', reason: 'completed', iterations: 3 });
  });

  it('prints the classic output: samples framed by ---- and "iter N, loss: X"', async () => {
    const r = await cli(['train', ...small, '--iterations', '201']);
    expect(r.status, r.stderr).to.equal(0);
    const lines = r.stdout.split('\n');
    // The classic script's first line, then what is trained and how it is measured.
    expect(lines[0]).to.match(/^data has [\d,]+ characters, \d+ unique\.$/);
    expect(lines[1]).to.match(/^model: vanilla RNN, hidden 16, seq length 10, [\d,]+ parameters; adagrad, learning rate 0\.1; clip ±5; kernel /);
    expect(lines[2]).to.match(/^split: [\d,]+ characters to train on, [\d,]+ held out \(5%\); validation every 1,000 iterations and at the end$/);
    expect(lines[3]).to.equal('----');
    expect(r.stdout).to.match(/^iter 0, loss: \d+\.\d{6}$/m);
    expect(r.stdout).to.match(/^iter 100, loss: \d+\.\d{6}$/m);
    expect(r.stdout).to.match(/^iter 200, loss: \d+\.\d{6}$/m);
    expect(r.stdout.match(/^----$/gm)).to.have.length(6); // 3 samples, each framed by two lines
    expect(r.stdout).to.not.match(/\r|\x1b/); // no status line when stdout is not a TTY
  });

  it('--json prints start, loss and sample lines with the documented fields', async () => {
    const r = await cli(['train', ...small, '--iterations', '60', '--log-every', '20', '--sample-every', '50', '--sample-length', '30', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const out = jsonLines(r.stdout);
    const start = out[0]!;
    const text = readFileSync(DEFAULT_CORPUS, 'utf8');
    expect(start.type).to.equal('start');
    expect(start.vocab).to.deep.equal(buildVocabulary(text).chars);
    expect(start.hiddenSize).to.equal(16);
    expect(start.seqLength).to.equal(10);
    expect(start.corpusLength).to.equal([...text].length);
    const V = (start.vocab as string[]).length;
    expect(start.parameters).to.equal(2 * 16 * V + 16 * 16 + 16 + V);
    const losses = out.filter((o) => o.type === 'loss');
    expect(losses.map((o) => o.iter)).to.deep.equal([0, 20, 40, 59]); // and the last iteration, marked final
    expect(losses.map((o) => o.final)).to.deep.equal([undefined, undefined, undefined, true]);
    for (const l of losses.slice(0, 3)) {
      expect(Object.keys(l).sort()).to.deep.equal(['iter', 'loss', 'smoothLoss', 'type']);
      expect(l.loss).to.be.a('number');
    }
    // smoothLoss is after the update with that window's loss: s0 = ln(V)·T·0.999 + loss0·0.001.
    expect(losses[0]!.smoothLoss).to.be.closeTo(-Math.log(1 / V) * 10 * 0.999 + (losses[0]!.loss as number) * 0.001, 1e-12);
    const samples = out.filter((o) => o.type === 'sample');
    expect(samples.map((o) => o.iter)).to.deep.equal([0, 50]);
    expect([...(samples[0]!.text as string)]).to.have.length(30);
    expect(out[out.length - 1]!.type).to.equal('end');
  });

  it('is deterministic: same seed, same output; another seed, another output', async () => {
    const args = ['train', ...small, '--iterations', '101', '--log-every', '10', '--json'];
    const strip = (s: string): string => s.split('\n').filter((l) => !l.includes('"end"')).join('\n');
    const a = await cli([...args, '--seed', '9']);
    const b = await cli([...args, '--seed', '9']);
    const c = await cli([...args, '--seed', '10']);
    expect(strip(a.stdout)).to.equal(strip(b.stdout));
    expect(strip(a.stdout)).to.not.equal(strip(c.stdout));
  });

  it('trains on a Korean corpus (multi-byte vocabulary)', async () => {
    const r = await cli(['train', '--corpus', KOREAN_CORPUS, ...small, '--iterations', '1', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const start = jsonLines(r.stdout)[0]!;
    expect(start.vocab).to.include('한');
    expect(start.corpusLength).to.equal([...readFileSync(KOREAN_CORPUS, 'utf8')].length);
  });

  it('--init starts from a checkpoint, taking its vocabulary and hidden size', async () => {
    const dir = tempDir();
    const text = 'abcabcabc abc cab';
    writeFileSync(join(dir, 'c.txt'), text);
    const vocab = buildVocabulary('abc xyz'); // a superset of the corpus's characters
    const params = initParams(6, vocab.size, 2);
    writeFileSync(join(dir, 'init.json'), serializeCheckpoint({ vocab, params }));
    const r = await cli(['train', '--corpus', join(dir, 'c.txt'), '--init', join(dir, 'init.json'), '--seq-length', '4', '--iterations', '1', '--json']);
    expect(r.status, r.stderr).to.equal(0);
    const start = jsonLines(r.stdout)[0]!;
    expect(start.vocab).to.deep.equal(vocab.chars);
    expect(start.hiddenSize).to.equal(6);
  });

  it('prints help with every flag', async () => {
    const r = await cli(['train', '--help']);
    expect(r.status).to.equal(0);
    for (const flag of ['--corpus', '--hidden-size', '--seq-length', '--learning-rate', '--iterations', '--seed', '--sample-every', '--sample-length', '--temperature', '--log-every', '--init', '--json', '--help']) {
      expect(r.stdout).to.include(flag);
    }
  });

  describe('bad input: one line on stderr, exit code 2, no stack trace', () => {
    const dir = tempDir();
    writeFileSync(join(dir, 'empty.txt'), '');
    writeFileSync(join(dir, 'short.txt'), 'hello');
    writeFileSync(join(dir, 'bad.json'), '{"format": "min-char-rnn", "version": 1, "vocab": ["a"');
    writeFileSync(join(dir, 'binary.txt'), Buffer.from([0x61, 0xff, 0xfe, 0x62]));
    const vocab = buildVocabulary('abc');
    writeFileSync(join(dir, 'abc.json'), serializeCheckpoint({ vocab, params: initParams(4, 3, 1) }));
    const cases: Array<[string, string[], RegExp]> = [
      ['a missing corpus', ['--corpus', join(dir, 'nope.txt')], /cannot read corpus .*nope\.txt: no such file/],
      ['an empty corpus', ['--corpus', join(dir, 'empty.txt')], /corpus .*empty\.txt is empty/],
      ['a corpus shorter than seq-length + 1', ['--corpus', join(dir, 'short.txt'), '--seq-length', '5'], /has 5 characters; --seq-length 5 needs at least 6/],
      ['a corpus that is not UTF-8', ['--corpus', join(dir, 'binary.txt')], /not valid UTF-8/],
      ['a zero hidden size', ['--hidden-size', '0'], /--hidden-size must be a positive integer, got "0"/],
      ['a fractional hidden size', ['--hidden-size', '2.5'], /--hidden-size must be a positive integer, got "2.5"/],
      ['a word for seq-length', ['--seq-length', 'ten'], /--seq-length must be a positive integer, got "ten"/],
      ['a negative learning rate', ['--learning-rate', '-0.1'], /--learning-rate must be a positive number, got "-0.1"/],
      ['a non-numeric learning rate', ['--learning-rate', 'fast'], /--learning-rate must be a positive number, got "fast"/],
      ['a zero temperature', ['--temperature', '0'], /--temperature must be a positive number/],
      ['an unknown flag', ['--hiden-size', '10'], /unknown option --hiden-size/],
      ['a flag without its value', ['--iterations'], /--iterations needs a value/],
      ['a positional argument', ['data.txt'], /unexpected argument "data.txt"/],
      ['a malformed --init file', ['--init', join(dir, 'bad.json')], /checkpoint .*bad\.json: not valid JSON/],
      ['a missing --init file', ['--init', join(dir, 'nope.json')], /cannot read checkpoint .*nope\.json: no such file/],
      ['a corpus character missing from the --init vocabulary', ['--init', join(dir, 'abc.json')], /character .* is not in the vocabulary of checkpoint/],
      ['a hidden size that contradicts --init', ['--init', join(dir, 'abc.json'), '--hidden-size', '8'], /--hidden-size 8 does not match the checkpoint/],
    ];
    for (const [name, args, message] of cases) {
      it(`rejects ${name}`, async () => {
        const r = await cli(['train', ...args, '--iterations', '1']);
        expect(r.status).to.equal(2);
        expect(r.stdout).to.equal('');
        const lines = r.stderr.trimEnd().split('\n');
        expect(lines, r.stderr).to.have.length(1);
        expect(lines[0]).to.match(/^min-char-rnn: /);
        expect(lines[0]).to.match(message);
      });
    }

    it('rejects an unknown command', async () => {
      const r = await cli(['trian']);
      expect(r.status).to.equal(2);
      expect(r.stderr).to.match(/^min-char-rnn: unknown command "trian"/);
    });
  });

  it('stops promptly and cleanly on Ctrl-C (SIGINT)', async () => {
    const spawnedAt = Date.now();
    const child = spawn(process.execPath, [CLI, 'train', '--json', '--log-every', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    await new Promise<void>((resolve) => {
      child.stdout.on('data', (d: string) => {
        stdout += d;
        if (stdout.includes('"type":"loss"')) resolve();
      });
    });
    const sentAt = Date.now();
    const startUp = sentAt - spawnedAt;
    child.kill('SIGINT');
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    // Stopping (one window of ~0.1 ms, then exit) is far less work than starting (Node, the corpus, the
    // first window): measured against the start-up on the same machine, so a loaded one does not fail it.
    expect(Date.now() - sentAt).to.be.lessThan(Math.max(5000, 2 * startUp));
    expect(code).to.equal(0);
    const last = JSON.parse(stdout.trim().split('\n').pop()!) as { type: string; reason: string };
    expect(last).to.include({ type: 'end', reason: 'interrupted' });
  });

  it('exits quietly when the reader of stdout goes away (`| head`)', async () => {
    const child = spawn(process.execPath, [CLI, 'train', '--json', '--log-every', '1'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    await new Promise<void>((resolve) => child.stdout.once('data', () => resolve()));
    child.stdout.destroy(); // like `head` exiting after its first lines
    const code = await new Promise<number | null>((resolve) => child.on('exit', (c) => resolve(c)));
    expect(stderr).to.equal('');
    expect(code).to.equal(0);
  });
});
