// The published package as a stranger gets it: `npm pack`, unpacked into a scratch app that has only the
// package's runtime dependencies (no type packages, no devDependencies), compiled by a strict tsc with
// skipLibCheck off, then run. Offline: the dependencies are linked from this checkout's node_modules.
import { expect } from 'chai';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT, tempDir } from '../helpers.js';
import { removeDir } from '../cli/helpers.js';

const APP = `
import { createCorpus, lossChartSvg, restoreRandom, seededRandom, train, trainingCheckpoint, type RandomState, type TrainingResult } from 'min-char-rnn';
import { writeTrainingCheckpointFile } from 'min-char-rnn/node';

const state: RandomState = seededRandom(1).state();
// RandomState is a real type, not \`any\`: these must fail to compile.
// @ts-expect-error a number is not a generator state
const notAState: RandomState = 42;
// @ts-expect-error S is a list of numbers
const badS: RandomState = { i: 0, j: 0, S: 'x' };
const again = restoreRandom(state);

const run = train(createCorpus('hello strict world. '.repeat(30)), { hiddenSize: 8, seqLength: 8, iterations: 30, sampleEvery: 0 });
run.start();
const result: TrainingResult = await run.done;
writeTrainingCheckpointFile('ck.json', trainingCheckpoint(run));
const svg: string = lossChartSvg({ seqLength: 8, train: [...run.lossHistory] });
console.log(result.reason, result.iterations, again() < 1, svg.startsWith('<svg'), notAState === badS);
`;

const TSCONFIG = {
  compilerOptions: {
    target: 'ES2022',
    // DOM for the timers and console that rxjs's own declarations and this app use; no @types/node.
    lib: ['ES2022', 'DOM'],
    module: 'NodeNext',
    moduleResolution: 'NodeNext',
    strict: true,
    exactOptionalPropertyTypes: true,
    noUncheckedIndexedAccess: true,
    noImplicitOverride: true,
    skipLibCheck: false,
    types: [],
    outDir: 'out',
  },
  files: ['app.ts'],
};

describe('the published package, for a strict TypeScript consumer', function () {
  this.timeout(120_000);

  it('packs, installs with only its runtime dependencies, compiles under strict + skipLibCheck: false, and runs', () => {
    const dir = tempDir();
    try {
      // --ignore-scripts: the tests run on a fresh build already; pack must not rebuild.
      const packed = JSON.parse(
        execFileSync('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', dir], { cwd: ROOT, encoding: 'utf8' }),
      ) as Array<{ filename: string; files: Array<{ path: string }> }>;
      const files = packed[0]!.files.map((f) => f.path);
      for (const f of ['LICENSE', 'README.md', 'package.json', 'dist/src/index.js', 'dist/src/index.d.ts', 'dist/src/node.d.ts', 'docs/checkpoints.md', 'examples/README.md']) {
        expect(files, f).to.include(f);
      }
      expect(files.some((f) => f.startsWith('dist/test/'))).to.equal(false);

      const app = join(dir, 'app');
      const modules = join(app, 'node_modules');
      mkdirSync(join(modules, 'min-char-rnn'), { recursive: true });
      execFileSync('tar', ['-xzf', join(dir, packed[0]!.filename), '-C', join(modules, 'min-char-rnn'), '--strip-components=1']);
      const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
      for (const dep of [...Object.keys(pkg.dependencies), 'tslib']) symlinkSync(join(ROOT, 'node_modules', dep), join(modules, dep), 'dir');
      writeFileSync(join(app, 'package.json'), JSON.stringify({ name: 'strict-app', type: 'module', private: true }));
      writeFileSync(join(app, 'tsconfig.json'), JSON.stringify(TSCONFIG));
      writeFileSync(join(app, 'app.ts'), APP);

      const tsc = spawnSync(process.execPath, [join(ROOT, 'node_modules/typescript/bin/tsc'), '-p', app], { encoding: 'utf8' });
      expect(tsc.stdout + tsc.stderr, 'tsc').to.equal('');
      expect(tsc.status).to.equal(0);
      const ran = spawnSync(process.execPath, [join(app, 'out/app.js')], { cwd: app, encoding: 'utf8' });
      expect(ran.stderr).to.equal('');
      expect(ran.stdout).to.equal('completed 30 true true false\n');
      expect((JSON.parse(readFileSync(join(app, 'ck.json'), 'utf8')) as { training: { iteration: number } }).training.iteration).to.equal(30);
    } finally {
      removeDir(dir);
    }
  });
});
