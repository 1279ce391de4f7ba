// The training studio's build and server: `npm run web:build` writes the static site to dist/web/,
// `npm run web` builds it and serves it on 127.0.0.1 (`--port N`, default 8080).
//
// The site is five files (index.html, studio.css, studio.js, worker.js, gemm-worker.js) plus source maps. esbuild
// bundles the page and the worker straight from the TypeScript sources; the corpora of data/ are
// embedded in the page, so it works from any static file server, offline.
import { copyFileSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build, type Plugin } from 'esbuild';
import { serveStatic } from './serve.js';

/** The project root (this file runs from dist/scripts/). */
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const PAGE = join(ROOT, 'src/web/page');
export const DEFAULT_WEB_DIR = join(ROOT, 'dist/web');
const DEFAULT_PORT = 8080;

/** The texts of data/ as the module `studio:corpora`, the default corpus first. */
function corporaPlugin(): Plugin {
  return {
    name: 'studio-corpora',
    setup(b) {
      b.onResolve({ filter: /^studio:corpora$/ }, () => ({ path: 'corpora', namespace: 'studio' }));
      b.onLoad({ filter: /.*/, namespace: 'studio' }, () => {
        const dir = join(ROOT, 'data');
        const names = readdirSync(dir)
          .filter((n) => n.endsWith('.txt'))
          .sort((a, b) => Number(b === 'default-corpus.txt') - Number(a === 'default-corpus.txt') || a.localeCompare(b));
        const corpora = names.map((name) => ({ name, text: readFileSync(join(dir, name), 'utf8') }));
        return { contents: `export default ${JSON.stringify(corpora)};`, loader: 'js', watchFiles: names.map((n) => join(dir, n)) };
      });
    },
  };
}

/** Builds the studio into `outDir` (emptied first) and returns the file names written. */
export async function buildStudio(outDir: string = DEFAULT_WEB_DIR): Promise<string[]> {
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  await build({
    entryPoints: {
      studio: join(PAGE, 'main.ts'),
      worker: join(PAGE, 'worker.ts'),
      'gemm-worker': join(ROOT, 'src/model/batched/browserWorker.ts'),
    },
    outdir: outDir,
    bundle: true,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    minify: true,
    sourcemap: 'linked',
    legalComments: 'none',
    plugins: [corporaPlugin()],
    logLevel: 'silent',
  });
  for (const file of ['index.html', 'studio.css']) copyFileSync(join(PAGE, file), join(outDir, file));
  return readdirSync(outDir).sort();
}

class UsageError extends Error {}

function parsePort(argv: readonly string[]): number {
  let port = DEFAULT_PORT;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inline] = arg.split('=', 2) as [string, string | undefined];
    if (flag !== '--port') throw new UsageError(`unknown option ${arg} (usage: npm run web -- [--port N])`);
    const value = inline ?? argv[++i];
    const n = Number(value);
    if (value === undefined || !/^\d+$/.test(value) || !Number.isSafeInteger(n) || n < 1 || n > 65535) {
      throw new UsageError(`--port must be a whole number from 1 to 65535, got ${value === undefined ? 'nothing' : JSON.stringify(value)}`);
    }
    port = n;
  }
  return port;
}

async function main(argv: readonly string[]): Promise<void> {
  const [command, ...rest] = argv;
  if (command === 'build') {
    if (rest.length > 0) throw new UsageError(`web:build takes no options, got ${rest.join(' ')}`);
    const files = await buildStudio();
    console.log(`studio built into ${resolve(DEFAULT_WEB_DIR)}: ${files.join(', ')}`);
    return;
  }
  if (command !== 'serve') throw new UsageError('usage: node dist/scripts/web.js build | serve [--port N]');
  if (rest.includes('--help') || rest.includes('-h')) {
    console.log('npm run web -- [--port N]   build the studio and serve it on http://127.0.0.1:N/ (default 8080)');
    return;
  }
  const port = parsePort(rest);
  await buildStudio();
  let server;
  try {
    server = await serveStatic(DEFAULT_WEB_DIR, port);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new UsageError(`port ${port} is in use; choose another with --port N`);
    if (code === 'EACCES') throw new UsageError(`port ${port} needs privileges; choose one above 1023 with --port N`);
    throw e;
  }
  console.log(`min-char-rnn studio: ${server.url} (Ctrl-C stops)`);
  const stop = (): void => void server.close().then(() => process.exit(0));
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).catch((e: unknown) => {
    if (e instanceof UsageError) {
      console.error(`min-char-rnn web: ${e.message}`);
      process.exit(2);
    }
    const message = e instanceof Error ? e.message.split('\n')[0] : String(e);
    console.error(`min-char-rnn web: ${message}`);
    process.exit(1);
  });
}
