// In-process probes (validation cost, store memory, the legacy endpoint) import the product's
// TypeScript modules. They are bundled with esbuild the way the production bundles are (minified,
// NODE_ENV=production) and run in a fresh Node process per run, which prints one JSON line.
import { execFile } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';
import { track } from './processes.mjs';

// Inside the repository (git-ignored) so external packages (playwright-core) resolve from node_modules.
const outdir = fileURLToPath(new URL('../../../test-results/bench-build/', import.meta.url));
const built = new Map();

/** Bundle test/bench/probes/<name>.mjs once per bench run; resolves to the bundle's path. */
export async function bundleProbe(name, { external = [] } = {}) {
  if (built.has(name)) return built.get(name);
  mkdirSync(outdir, { recursive: true });
  const entry = fileURLToPath(new URL(`../probes/${name}.mjs`, import.meta.url));
  const outfile = join(outdir, `${basename(name)}.mjs`);
  await esbuild.build({
    entryPoints: [entry],
    outfile,
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    minify: true,
    logLevel: 'error',
    define: { 'process.env.NODE_ENV': '"production"' },
    // ws/socket.io load these optional native add-ons only when present (as in esbuild.mjs).
    external: ['bufferutil', 'utf-8-validate', ...external],
    // CommonJS dependencies inside an ESM bundle need a require().
    banner: { js: "import { createRequire as __cr } from 'node:module'; const require = __cr(import.meta.url);" },
  });
  built.set(name, outfile);
  return outfile;
}

/** Run a bundled probe in a fresh process and parse the last JSON line it prints. */
export async function runProbe(name, args = [], { execArgv = [], timeoutMs = 60_000, external } = {}) {
  const file = await bundleProbe(name, { external });
  const stdout = await new Promise((resolve, reject) => {
    const child = execFile(
      process.execPath,
      [...execArgv, file, ...args],
      { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 },
      (error, out, err) => {
        if (error)
          reject(new Error(`probe ${name} failed: ${(err || error.message).trim().split('\n').slice(-5).join(' | ')}`));
        else resolve(out);
      },
    );
    track(child);
  });
  const lines = stdout.trim().split('\n');
  return JSON.parse(lines[lines.length - 1]);
}
