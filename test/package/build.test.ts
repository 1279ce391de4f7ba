// `npm start` builds first: when nothing changed the build must be quiet and cheap.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

describe('the build', function () {
  this.timeout(60_000);

  it('the wasm assembler is silent and leaves its output alone when the .wat sources have not changed', () => {
    const out = join(ROOT, 'src/model/wasm/kernelBytes.ts');
    const before = statSync(out).mtimeMs;
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/build-wasm.mjs')], { cwd: ROOT, encoding: 'utf8' });
    expect([r.status, r.stdout, r.stderr]).to.deep.equal([0, '', '']);
    expect(statSync(out).mtimeMs).to.equal(before); // so tsc -b sees nothing new either
  });

  it('package.json: tsc -b (up-to-date check), a license file, a repository, docs and examples shipped', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      license: string;
      repository?: { url?: string };
      files: string[];
      scripts: Record<string, string>;
    };
    expect(pkg.scripts.build).to.contain('tsc -b');
    expect(pkg.license).to.equal('MIT');
    expect(readFileSync(join(ROOT, 'LICENSE'), 'utf8')).to.match(/^MIT License/);
    expect(pkg.repository?.url).to.be.a('string');
    expect(pkg.files).to.include.members(['docs', 'examples', 'LICENSE']);
  });
});
