// One base config, three bundles: the extension (node), the `shannon-hub` CLI (node, executable),
// and the Monitor webview (browser, Preact). Flags: --production (minified + sourcemaps), --watch.
import * as esbuild from 'esbuild';
import { chmodSync, copyFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

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

/**
 * Watch mode reports for the editor's problem matcher (.vscode/tasks.json): `[watch] build started`
 * when a rebuild begins, then one line per problem, `[watch] error <file>:<line>:<column>: <text>`
 * (file relative to the repository, line and column 1-based) followed by esbuild's code frame for
 * the human reading the terminal, then `[watch] build finished`. The editor drops, at every
 * "finished", the problems that were not reported again since "started"; but a change rebuilds
 * only the bundles that include the changed file. So each report lists the latest problems of
 * every bundle, not just of those that rebuilt, each problem once (a shared file such as
 * src/protocol is in several bundles), and "finished" comes after the last bundle building is done.
 */
export function createWatchReporter(write = (text) => process.stdout.write(text)) {
  let building = 0;
  /** Bundle name -> its last build's problems, as [problem line, code frame]. */
  const problems = new Map();
  const oneLine = (text) => text.replace(/\s*\n\s*/g, ' ');
  return {
    plugin(bundleName) {
      return {
        name: 'watch-reporter',
        setup(build) {
          build.onStart(() => {
            if (building++ === 0) write('[watch] build started\n');
          });
          build.onEnd(async (result) => {
            const found = [];
            for (const [kind, messages] of [
              ['error', result.errors],
              ['warning', result.warnings],
            ]) {
              const frames = await esbuild.formatMessages(messages, { kind });
              messages.forEach((message, i) => {
                const where = message.location;
                const place = where ? `${where.file}:${where.line}:${where.column + 1}: ` : '';
                found.push([`[watch] ${kind} ${place}${oneLine(message.text)}`, frames[i]]);
              });
            }
            problems.set(bundleName, found);
            if (--building > 0) return;
            const reported = new Set();
            for (const [line, frame] of [...problems.values()].flat()) {
              if (reported.has(line)) continue;
              reported.add(line);
              write(`${line}\n${frame}`);
            }
            write('[watch] build finished\n');
          });
        },
      };
    },
  };
}

const isEntryScript = process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isEntryScript) {
  copyStaticAssets();
  if (watch) {
    // esbuild's own log is silenced: the reporter prints every problem, in an order the matcher reads.
    const reporter = createWatchReporter();
    const contexts = await Promise.all(
      bundles.map((options) =>
        esbuild.context({
          ...options,
          logLevel: 'silent',
          plugins: [...(options.plugins ?? []), reporter.plugin(Object.keys(options.entryPoints)[0])],
        }),
      ),
    );
    await Promise.all(contexts.map((context) => context.watch()));
  } else {
    await Promise.all(bundles.map((options) => esbuild.build(options)));
    markExecutable();
  }
}
