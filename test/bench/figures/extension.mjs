// Figure 8: activate() in the real extension host, the legacy port's opening time, and the
// shipped sizes. activate() is timed by the extension itself (performance.now around its body,
// returned as `activationMs`); so is the time from a Shannon command's shell-execution start event
// to the legacy port listening (shannon.legacy.listen "auto"). Each run starts a fresh code-server
// with a fresh profile through the test harness (test/harness/code-server-host.mjs as the "VS Code
// executable" of runTests).
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { repeat, summarize } from '../lib/stats.mjs';
import { workerPath } from '../lib/servers.mjs';

const KB = 1024;

async function activationOnce(ctx) {
  const { runTests } = await import('@vscode/test-electron');
  const { copyFixtureWorkspace, makeTempDir, removeTempDir } = await import('../../harness/code-server.mjs');
  const runDir = makeTempDir('shannon-bench-activation-');
  try {
    const workspace = copyFixtureWorkspace(runDir);
    const ideDir = join(runDir, 'shannon-ide');
    mkdirSync(ideDir);
    const out = join(runDir, 'activation.json');
    // The legacy endpoint on a free port, never on the machine's 8000 (the harness keeps the rest).
    mkdirSync(join(runDir, 'user-data', 'User'), { recursive: true });
    const { freePort } = await import('../../harness/code-server.mjs');
    writeFileSync(
      join(runDir, 'user-data', 'User', 'settings.json'),
      JSON.stringify({ 'shannon.legacy.port': await freePort() }),
    );
    await runTests({
      vscodeExecutablePath: join(ctx.repoRoot, 'test/harness/code-server-host.mjs'),
      extensionDevelopmentPath: ctx.repoRoot,
      extensionTestsPath: workerPath('activation-index.cjs'),
      launchArgs: [
        workspace,
        `--user-data-dir=${join(runDir, 'user-data')}`,
        `--extensions-dir=${join(runDir, 'extensions')}`,
        '--disable-extensions',
      ],
      extensionTestsEnv: {
        SHANNON_IDE_DIR: ideDir,
        SHANNON_TEST_WORKSPACE: workspace,
        SHANNON_TEST_RUN_DIR: runDir,
        SHANNON_BENCH_OUT: out,
      },
    });
    if (!existsSync(out)) throw new Error('the activation probe wrote no result');
    return JSON.parse(readFileSync(out, 'utf8'));
  } finally {
    removeTempDir(runDir);
  }
}

function size(label, key, bytes, budgetKb) {
  const kb = bytes / KB;
  return {
    key,
    label,
    unit: 'KB',
    stats: { median: kb, min: kb, max: kb, runs: [kb] },
    ...(budgetKb ? { budget: { op: '<=', value: budgetKb } } : {}),
  };
}

export async function extension(ctx) {
  const rows = [];
  const listenRow = {
    key: 'extension.legacyListen',
    label: 'Shannon command starts in a terminal -> legacy port listening',
    unit: 'ms',
    budget: { op: '<=', value: 50 },
    note: 'shell-execution start event to listening, auto mode, one per fresh window',
  };
  try {
    const results = [];
    const stats = await repeat(ctx.runs, async () => {
      const result = await activationOnce(ctx);
      results.push(result);
      return result.activationMs;
    });
    ctx.log(`  activate(): ${stats.median.toFixed(2)} ms`);
    rows.push({
      key: 'extension.activate',
      label: 'activate() in the extension host',
      unit: 'ms',
      stats,
      budget: { op: '<=', value: 50 },
    });
    const failed = results.find((result) => typeof result.legacyListenMs !== 'number');
    if (failed) rows.push({ ...listenRow, error: failed.legacyListenError ?? 'no measurement' });
    else {
      const listen = summarize(results.map((result) => result.legacyListenMs));
      ctx.log(`  shell-execution start -> legacy port listening: ${listen.median.toFixed(2)} ms`);
      rows.push({ ...listenRow, stats: listen });
    }
  } catch (error) {
    rows.push({
      key: 'extension.activate',
      label: 'activate() in the extension host',
      unit: 'ms',
      error: error.message,
      budget: { op: '<=', value: 50 },
    });
    rows.push({ ...listenRow, error: error.message });
  }
  const file = (relative) => join(ctx.repoRoot, relative);
  // Not part of activate(): the time to load the bundle, which VS Code spends before calling it.
  const load = await repeat(ctx.runs, () => {
    const out = execFileSync(process.execPath, [workerPath('load-extension.cjs'), file('dist/extension.js')], {
      encoding: 'utf8',
      timeout: 30_000,
    });
    return JSON.parse(out.trim().split('\n').pop()).loadMs;
  });
  ctx.log(`  loading dist/extension.js: ${load.median.toFixed(1)} ms`);
  rows.push({
    key: 'extension.load',
    label: '  loading dist/extension.js (before activate)',
    unit: 'ms',
    stats: load,
    note: 'plain Node, vscode stubbed',
  });
  rows.push(size('dist/extension.js', 'size.extension', statSync(file('dist/extension.js')).size));
  rows.push(
    size(
      'dist/webview/main.js, gzipped',
      'size.webviewGzip',
      gzipSync(readFileSync(file('dist/webview/main.js'))).length,
      30,
    ),
  );
  const vsix = file('dist-vsix/shannon-vscode.vsix');
  if (existsSync(vsix) && (ctx.build.packaged || !ctx.build.ran)) {
    const row = size('dist-vsix/shannon-vscode.vsix', 'size.vsix', statSync(vsix).size);
    if (!ctx.build.packaged) row.note = `not repackaged (--no-build); file from ${statSync(vsix).mtime.toISOString()}`;
    rows.push(row);
  } else
    rows.push({
      key: 'size.vsix',
      label: 'dist-vsix/shannon-vscode.vsix',
      unit: 'KB',
      error: ctx.build.error ?? 'no .vsix',
    });
  return rows;
}
