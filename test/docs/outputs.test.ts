// Every output the documentation quotes (README, docs/, the examples' closing comments) must be what a
// fresh run prints now: scripts/docs-outputs.mjs reruns them and compares (times and speeds aside).
// `npm run docs:outputs` rewrites them after a deliberate change.
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { ROOT } from '../helpers.js';

describe('documented outputs', function () {
  this.timeout(180_000);

  it('match fresh runs of the commands that made them (npm run docs:outputs regenerates them)', () => {
    const r = spawnSync(process.execPath, [join(ROOT, 'scripts/docs-outputs.mjs'), '--check'], { cwd: ROOT, encoding: 'utf8' });
    expect(r.stderr).to.equal('');
    expect(r.status, r.stdout).to.equal(0);
    expect(r.stdout).to.match(/^\d+ documented outputs match fresh runs\n$/);
  });
});
