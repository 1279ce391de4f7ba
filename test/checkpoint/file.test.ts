import { expect } from 'chai';
import { existsSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  checkWritable,
  loadCheckpointFile,
  removeStaleTempFiles,
  writeFileAtomic,
  writeTrainingCheckpointFile,
} from '../../src/checkpoint/file.js';
import { initParams, vocabularyFromChars, serializeCheckpoint } from '../../src/index.js';
import { removeDir, tempDir } from '../cli/helpers.js';

const vocab = vocabularyFromChars(['a', 'b']);

describe('checkpoint files', () => {
  let dir: string;
  beforeEach(() => {
    dir = tempDir();
  });
  afterEach(() => removeDir(dir));

  it('writes atomically and leaves no temporary file behind', () => {
    const path = join(dir, 'ck.json');
    writeFileAtomic(path, 'one');
    writeFileAtomic(path, 'two');
    expect(readFileSync(path, 'utf8')).to.equal('two');
    expect(readdirSync(dir)).to.deep.equal(['ck.json']);
  });

  it('never replaces a checkpoint with one that cannot be saved (NaN): the old file stays byte for byte', () => {
    const path = join(dir, 'ck.json');
    writeFileSync(path, serializeCheckpoint({ vocab, params: initParams(2, 2, 1) }));
    const before = readFileSync(path);
    const params = initParams(2, 2, 1);
    params.bh[0] = NaN;
    expect(() => writeTrainingCheckpointFile(path, { vocab, params })).to.throw(/cannot save bh: it contains NaN/);
    expect(readFileSync(path).equals(before)).to.equal(true);
    expect(readdirSync(dir)).to.deep.equal(['ck.json']);
  });

  it('removes temporary files of dead processes only', () => {
    const path = join(dir, 'ck.json');
    const dead = join(dir, '.ck.json.999999999.1700000000000001.tmp');
    const mine = join(dir, `.ck.json.${process.pid}.1700000000000001.tmp`);
    const other = join(dir, '.other.json.999999999.1.tmp');
    for (const p of [dead, mine, other]) writeFileSync(p, 'x');
    expect(removeStaleTempFiles(path)).to.deep.equal([dead]);
    expect(existsSync(mine)).to.equal(true);
    expect(existsSync(other)).to.equal(true);
  });

  it('checkWritable fails early for a missing folder, a path under a file, and a folder', () => {
    expect(() => checkWritable(join(dir, 'nope', 'ck.json'), 'checkpoint')).to.throw(/cannot write checkpoint .*folder .*nope does not exist/);
    writeFileSync(join(dir, 'file'), 'x');
    expect(() => checkWritable(join(dir, 'file', 'ck.json'), 'checkpoint')).to.throw(/is not a folder|not a directory/);
    mkdirSync(join(dir, 'sub'));
    expect(() => checkWritable(join(dir, 'sub'), 'checkpoint')).to.throw(/it is a folder/);
    checkWritable(join(dir, 'ck.json'), 'checkpoint');
    expect(readdirSync(dir).sort()).to.deep.equal(['file', 'sub']);
  });

  it('loadCheckpointFile names the file in every error', () => {
    expect(() => loadCheckpointFile(join(dir, 'missing.json'))).to.throw(/cannot read checkpoint .*missing\.json: no such file/);
    writeFileSync(join(dir, 'empty.json'), '');
    expect(() => loadCheckpointFile(join(dir, 'empty.json'))).to.throw(/empty\.json: the file is empty/);
    writeFileSync(join(dir, 'bin'), Uint8Array.of(0xff, 0xfe, 0x00, 0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07));
    expect(() => loadCheckpointFile(join(dir, 'bin'))).to.throw(/bin: neither a JSON checkpoint/);
  });
});
