// One base config, three bundles: the extension (node), the `shannon-hub` CLI (node, executable),
// and the Monitor webview (browser, Preact). Flags: --production (minified + sourcemaps), --watch.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';

const production = process.argv.includes('--production');
const watch = process.argv.includes('--watch');

// Source imports zod as a namespace (`import * as z from 'zod'`), never `import { z }`: the named
// `z` is one object holding every export, locales included, so esbuild has to keep all of it
// (~350 KB more per bundle); member accesses on a namespace import let it drop what is unused.
const base = {
  bundle: true,
  minify: production,
  sourcemap: production ? true : 'inline',
  logLevel: 'warning',
  legalComments: 'none',
  define: { 'process.env.NODE_ENV': production ? '"production"' : '"development"' },
};

const nodeBase = {
  ...base,
  platform: 'node',
  format: 'cjs',
  target: 'node18',
  // ws and socket.io load these native speed-ups only when present; the bundle must not need them.
  external: ['vscode', 'bufferutil', 'utf-8-validate'],
};

/**
 * The hub (ws, socket.io, the journal) is its own bundle, dist/hub.js, which the extension loads
 * with `await import('../hub/hub')` after activate() has returned. Kept out of dist/extension.js,
 * its ~0.8 MB are not parsed while VS Code loads the extension.
 */
const hubAsSeparateBundle = {
  name: 'hub-as-separate-bundle',
  setup(build) {
    build.onResolve({ filter: /^\.\.\/hub\/hub$/ }, (args) =>
      args.kind === 'dynamic-import' ? { path: './hub.js', external: true } : undefined,
    );
  },
};

export const bundles = [
  { ...nodeBase, entryPoints: { extension: 'src/extension.ts' }, outdir: 'dist', plugins: [hubAsSeparateBundle] },
  { ...nodeBase, entryPoints: { hub: 'src/hub/hub.ts' }, outdir: 'dist' },
  {
    ...nodeBase,
    entryPoints: { 'shannon-hub': 'src/reporter/cli.ts' },
    outdir: 'dist',
    banner: { js: '#!/usr/bin/env node' },
  },
  {
    ...base,
    entryPoints: { 'webview/main': 'webview/main.tsx' },
    outdir: 'dist',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    jsx: 'automatic',
    jsxImportSource: 'preact',
  },
];

function copyStaticAssets() {
  mkdirSync('dist/codicons', { recursive: true });
  for (const file of ['codicon.css', 'codicon.ttf']) {
    copyFileSync(`node_modules/@vscode/codicons/dist/${file}`, `dist/codicons/${file}`);
  }
}

function markExecutable() {
  chmodSync('dist/shannon-hub.js', 0o755);
}

copyStaticAssets();
if (watch) {
  const contexts = await Promise.all(bundles.map((options) => esbuild.context(options)));
  await Promise.all(contexts.map((context) => context.watch()));
  console.log('[esbuild] watching');
} else {
  await Promise.all(bundles.map((options) => esbuild.build(options)));
  markExecutable();
}
