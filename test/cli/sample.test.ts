import { expect } from 'chai';
import { join } from 'node:path';
import { exited, jsonLines, removeDir, cli, startCli, tempDir, TINY_TEXT, writeText } from './helpers.js';

describe('min-char-rnn sample', function () {
  this.timeout(60_000);
  let dir: string;
  before(async () => {
    dir = tempDir();
    const corpus = writeText(dir, 'tiny.txt', TINY_TEXT.repeat(5));
    const r = await cli(
      ['train', '--corpus', corpus, '--hidden-size', '16', '--seq-length', '10', '--iterations', '300', '--sample-every', '0', '--checkpoint', 'ck.json'],
      dir,
    );
    expect(r.status, r.stderr).to.equal(0);
    expect((await cli(['export', '--checkpoint', 'ck.json', '--out', 'm.safetensors'], dir)).status).to.equal(0);
  });
  after(() => removeDir(dir));

  const sample = (...args: string[]) => cli(['sample', '--checkpoint', 'ck.json', ...args], dir);

  it('writes the prime, then exactly N generated characters', async () => {
    const r = await sample('--prime', 'the ', '--length', '120');
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stdout.startsWith('the ')).to.equal(true);
    expect([...r.stdout].length).to.equal(4 + 120);
    expect(r.stderr).to.equal('');
  });

  it('defaults to a newline prime and is reproducible with a seed', async () => {
    const a = await sample('--length', '80', '--seed', '7');
    expect(a.stdout.startsWith('\n')).to.equal(true);
    expect((await sample('--length', '80', '--seed', '7')).stdout).to.equal(a.stdout);
    expect((await sample('--length', '80', '--seed', '8')).stdout).to.not.equal(a.stdout);
  });

  it('--argmax ignores the seed and equals --top-k 1; --temperature changes the draw', async () => {
    const g = (await sample('--length', '60', '--argmax')).stdout;
    expect((await sample('--length', '60', '--argmax', '--seed', '5')).stdout).to.equal(g);
    expect((await sample('--length', '60', '--top-k', '1', '--seed', '9')).stdout).to.equal(g);
    expect((await sample('--length', '60', '--temperature', '0.5')).stdout).to.not.equal((await sample('--length', '60')).stdout);
  });

  it('gives the same text from the safetensors export', async () => {
    const st = await cli(['sample', '--checkpoint', 'm.safetensors', '--length', '100', '--seed', '3'], dir);
    expect(st.status, st.stderr).to.equal(0);
    expect(st.stdout).to.equal((await sample('--length', '100', '--seed', '3')).stdout);
  });

  it('--json prints start, text chunks and the whole sample', async () => {
    const r = await sample('--json', '--prime', 'he', '--length', '50', '--seed', '2');
    expect(r.status, r.stderr).to.equal(0);
    const lines = jsonLines(r.stdout);
    expect(lines[0]).to.include({ type: 'start', prime: 'he', length: 50, seed: '2', argmax: false });
    const chunks = lines.filter((l) => l.type === 'text').map((l) => l.text as string);
    const final = lines[lines.length - 1]!;
    expect(final).to.include({ type: 'sample', prime: 'he', length: 50 });
    expect(chunks.join('')).to.equal(final.text);
    expect(`he${final.text as string}`).to.equal((await sample('--prime', 'he', '--length', '50', '--seed', '2')).stdout);
  });

  it('refuses a prime character outside the vocabulary, naming it', async () => {
    const r = await sample('--prime', 'hello?');
    expect(r.status).to.equal(2);
    expect(r.stderr.trim()).to.equal('min-char-rnn: --prime: prime character "?" (U+003F) at position 5 is not in the vocabulary of checkpoint ck.json');
    expect(r.stdout).to.equal('');
  });

  it('refuses missing or conflicting flags', async () => {
    expect((await cli(['sample'], dir)).stderr).to.contain('--checkpoint FILE is required');
    const r = await sample('--argmax', '--top-k', '3');
    expect(r.status).to.equal(2);
    expect(r.stderr).to.contain('--argmax and --top-k cannot be combined');
    expect((await sample('--top-k', '0')).status).to.equal(2);
  });

  it('streams: text arrives while it is still being generated', async () => {
    const child = startCli(['sample', '--checkpoint', join(dir, 'ck.json'), '--length', '50000000'], dir);
    const first = await new Promise<string>((resolve) => child.stdout!.once('data', (d: Buffer) => resolve(d.toString())));
    const stillRunning = child.exitCode === null;
    child.kill('SIGINT');
    await exited(child);
    expect(first.length).to.be.greaterThan(0);
    expect(stillRunning).to.equal(true);
  });
});
