import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { linesOfType, readJson, removeDir, cli, tempDir, TINY_TEXT, writeText } from './helpers.js';

describe('min-char-rnn export', function () {
  this.timeout(60_000);
  let dir: string;
  let corpus: string;
  before(async () => {
    dir = tempDir();
    corpus = writeText(dir, 'tiny.txt', TINY_TEXT);
    const r = await cli(['train', '--corpus', corpus, '--hidden-size', '8', '--seq-length', '8', '--iterations', '50', '--sample-every', '0', '--checkpoint', 'ck.json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    const e = await cli(['export', '--checkpoint', 'ck.json', '--out', 'm.safetensors'], dir);
    expect(e.status, e.stderr).to.equal(0);
    expect(e.stdout).to.match(/^wrote m\.safetensors \(safetensors: 5 tensors, 582 parameters, [\d,]+ bytes\)\n$/);
  });
  after(() => removeDir(dir));

  it('writes the byte layout of the specification, with the checkpoint values bit for bit', async () => {
    const bytes = readFileSync(join(dir, 'm.safetensors'));
    const n = Number(bytes.readBigUInt64LE(0));
    expect(n % 8).to.equal(0);
    expect(bytes[8]).to.equal(0x7b);
    const header = JSON.parse(bytes.subarray(8, 8 + n).toString('utf8')) as Record<string, { dtype: string; shape: number[]; data_offsets: [number, number] }>;
    const ck = readJson(join(dir, 'ck.json')) as { vocab: string[]; params: Record<string, number[] | number[][]> };
    let end = 0;
    for (const name of ['Wxh', 'Whh', 'Why', 'bh', 'by']) {
      const t = header[name]!;
      expect(t.dtype).to.equal('F64');
      expect(t.data_offsets[0]).to.equal(end);
      end = t.data_offsets[1];
      const values: number[] = [];
      for (let o = t.data_offsets[0]; o < t.data_offsets[1]; o += 8) values.push(bytes.readDoubleLE(8 + n + o));
      expect(values).to.deep.equal((ck.params[name] as number[] | number[][]).flat());
    }
    expect(8 + n + end).to.equal(bytes.length);
    const meta = header.__metadata__ as unknown as Record<string, string>;
    expect(JSON.parse(meta.vocab!)).to.deep.equal(ck.vocab);
    expect(meta).to.include({ seqLength: '8', hiddenSize: '8', iteration: '50', learningRate: '0.1' });
  });

  it('train --init reads safetensors exactly as the JSON checkpoint', async () => {
    const args = ['train', '--corpus', corpus, '--iterations', '20', '--json', '--log-every', '1', '--sample-every', '5', '--seq-length', '8'];
    const fromJson = await cli([...args, '--init', 'ck.json'], dir);
    const fromSt = await cli([...args, '--init', 'm.safetensors'], dir);
    expect(fromSt.status, fromSt.stderr).to.equal(0);
    expect(linesOfType(fromSt.stdout, 'loss', 'sample')).to.deep.equal(linesOfType(fromJson.stdout, 'loss', 'sample'));
  });

  it('converts back to a JSON checkpoint (--out ending in .json) with identical weights', async () => {
    const r = await cli(['export', '--checkpoint', 'm.safetensors', '--out', 'back.json'], dir);
    expect(r.status, r.stderr).to.equal(0);
    expect((readJson(join(dir, 'back.json')) as { params: unknown }).params).to.deep.equal((readJson(join(dir, 'ck.json')) as { params: unknown }).params);
  });

  it('refuses to overwrite its input or a file of another kind', async () => {
    const same = await cli(['export', '--checkpoint', 'ck.json', '--out', './ck.json'], dir);
    expect(same.status).to.equal(2);
    expect(same.stderr).to.contain('is the checkpoint itself');
    writeFileSync(join(dir, 'notes.safetensors'), 'not a tensor file');
    const foreign = await cli(['export', '--checkpoint', 'ck.json', '--out', 'notes.safetensors'], dir);
    expect(foreign.status).to.equal(2);
    expect(readFileSync(join(dir, 'notes.safetensors'), 'utf8')).to.equal('not a tensor file');
    expect((await cli(['export', '--checkpoint', 'ck.json', '--out', 'm.safetensors'], dir)).status).to.equal(0); // replacing an export is fine
  });

  it('is readable by numpy (optional: skipped when python3 with numpy is missing)', function () {
    const probe = spawnSync('python3', ['-c', 'import numpy'], { encoding: 'utf8' });
    if (probe.status !== 0) {
      console.log('      (skipped: python3 with numpy is not available)');
      this.skip();
    }
    const script = [
      'import json, struct, sys, numpy as np',
      'b = open(sys.argv[1], "rb").read()',
      'n = struct.unpack("<Q", b[:8])[0]',
      'h = json.loads(b[8:8 + n])',
      'out = {}',
      'for k, t in h.items():',
      '    if k == "__metadata__": continue',
      '    s, e = t["data_offsets"]',
      '    a = np.frombuffer(b[8 + n + s:8 + n + e], dtype="<f8").reshape(t["shape"])',
      '    out[k] = a.tolist()',
      'print(json.dumps({"params": out, "vocab": json.loads(h["__metadata__"]["vocab"])}))',
    ].join('\n');
    const r = spawnSync('python3', ['-c', script, join(dir, 'm.safetensors')], { encoding: 'utf8' });
    expect(r.status, r.stderr).to.equal(0);
    const fromNumpy = JSON.parse(r.stdout) as { params: unknown; vocab: unknown };
    const ck = readJson(join(dir, 'ck.json')) as { params: unknown; vocab: unknown };
    expect(fromNumpy.vocab).to.deep.equal(ck.vocab);
    expect(fromNumpy.params).to.deep.equal(ck.params);
  });
});
