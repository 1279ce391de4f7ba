// `npm run bench`: the classic kernels (bench/pipeline.ts), then the batched gated ones side by side
// with PyTorch (bench/gated.ts), each in its own process. Flags go to the program that takes them;
// --quick and --corpus go to both.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const GATED_FLAGS = new Set(['--configs', '--models', '--threads', '--rounds', '--iterations', '--python']);
const GATED_SWITCHES = new Set(['--no-torch']);
const BOTH = new Set(['--corpus']);
const classic: string[] = [];
const gated: string[] = [];
const argv = process.argv.slice(2);
for (let i = 0; i < argv.length; i++) {
  const flag = argv[i]!;
  if (flag === '--quick') {
    classic.push(flag);
    gated.push('--rounds', '1', '--iterations', '1', '--configs', 'a,b');
  } else if (GATED_SWITCHES.has(flag)) gated.push(flag);
  else if (GATED_FLAGS.has(flag)) gated.push(flag, argv[++i] ?? '');
  else if (BOTH.has(flag)) {
    classic.push(flag, argv[i + 1] ?? '');
    gated.push(flag, argv[++i] ?? '');
  } else classic.push(flag);
}
const run = (file: string, args: string[], node: string[] = []): void => {
  const r = spawnSync(process.execPath, [...node, fileURLToPath(new URL(file, import.meta.url)), ...args], { stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
};
run('./pipeline.js', classic, ['--expose-gc']);
process.stdout.write('\n');
run('./gated.js', gated);
