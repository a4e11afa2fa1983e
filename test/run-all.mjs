// `npm test`: every test layer in order, stopping at the first failure, with a summary at the end.
//   npm test                          all layers
//   npm test -- unit webview          only these layers (builds/provisioning they need still run)
// Layers: static (typecheck + lint + format + package), unit, webview, integration, e2e. See test/README.md.
import { spawn } from 'node:child_process';
import { existsSync, readdirSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const bin = (name) => path.join(repoRoot, 'node_modules', '.bin', name);
const MINUTE = 60_000;

function hasTests(dir, pattern) {
  const full = path.join(repoRoot, dir);
  if (!existsSync(full)) return false;
  return readdirSync(full, { recursive: true }).some((name) => pattern.test(String(name)));
}

/**
 * Each step: a command, the layers that need it, and a timeout after which its process is
 * interrupted (SIGINT, so the harness inside can stop code-server and Chromium) and then killed.
 */
const steps = [
  { name: 'typecheck', layers: ['static'], command: [bin('tsc'), '-p', '.', '--noEmit'], timeoutMs: 5 * MINUTE },
  { name: 'lint', layers: ['static'], command: [bin('eslint'), '.'], timeoutMs: 5 * MINUTE },
  {
    name: 'format',
    layers: ['static'],
    command: [bin('prettier'), '--check', '--log-level', 'warn', '.'],
    timeoutMs: 5 * MINUTE,
  },
  // The package as vsce makes it (warnings, file list), the icon against its SVG, the changelog's version.
  {
    name: 'package',
    layers: ['static'],
    command: [bin('mocha'), '--no-config', '--node-option', 'import=tsx', '--exit', 'test/static/**/*.test.ts'],
    timeoutMs: 5 * MINUTE,
  },
  { name: 'unit', layers: ['unit'], command: [bin('mocha')], timeoutMs: 8 * MINUTE },
  // One production build + .vsix serves the webview, integration and e2e layers.
  {
    name: 'build + package',
    layers: ['webview', 'integration', 'e2e'],
    command: ['npm', 'run', '--silent', 'package'],
    timeoutMs: 5 * MINUTE,
  },
  // First use on a machine: Chromium/libkrb5-dev (apt, root), Node 24 and code-server (npm) into the cache.
  {
    name: 'provision',
    layers: ['webview', 'integration', 'e2e'],
    command: [process.execPath, 'test/harness/provision.mjs'],
    timeoutMs: 20 * MINUTE,
  },
  {
    name: 'webview',
    layers: ['webview'],
    command: [bin('mocha'), '--config', 'test/webview/.mocharc.json'],
    skipUnless: () =>
      existsSync(path.join(repoRoot, 'test/webview/.mocharc.json')) && hasTests('test/webview', /\.test\.tsx?$/),
    timeoutMs: 5 * MINUTE,
  },
  {
    name: 'integration',
    layers: ['integration'],
    command: [process.execPath, 'test/harness/integration.mjs'],
    env: { SHANNON_SKIP_BUILD: '1' },
    timeoutMs: 25 * MINUTE,
  },
  {
    name: 'e2e',
    layers: ['e2e'],
    command: [bin('mocha'), '--config', 'test/e2e/.mocharc.cjs'],
    timeoutMs: 15 * MINUTE,
  },
];

const allLayers = ['static', 'unit', 'webview', 'integration', 'e2e'];
const requested = process.argv.slice(2).filter((arg) => !arg.startsWith('-'));
for (const layer of requested) {
  if (!allLayers.includes(layer)) {
    console.error(`[run-all] unknown layer "${layer}"; layers: ${allLayers.join(', ')}`);
    process.exit(2);
  }
}
const layers = requested.length > 0 ? requested : allLayers;

let current;
function runStep(step) {
  return new Promise((resolve) => {
    const [command, ...args] = step.command;
    const child = spawn(command, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, ...step.env } });
    current = child;
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      console.error(`\n[run-all] ${step.name} exceeded ${step.timeoutMs / MINUTE} min; interrupting it`);
      interrupt(child);
    }, step.timeoutMs);
    child.once('error', (error) => {
      clearTimeout(timer);
      resolve({ ok: false, detail: error.message });
    });
    child.once('exit', (code, signal) => {
      clearTimeout(timer);
      current = undefined;
      if (timedOut) resolve({ ok: false, detail: `timed out after ${step.timeoutMs / MINUTE} min` });
      else resolve({ ok: code === 0, detail: code === 0 ? '' : `exit ${code ?? signal}` });
    });
  });
}

/** SIGINT first (the harness scripts and mocha clean up on it), SIGKILL if still alive after 20 s. */
function interrupt(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  child.kill('SIGINT');
  const killer = setTimeout(() => child.kill('SIGKILL'), 20_000);
  child.once('exit', () => clearTimeout(killer));
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\n[run-all] ${signal}: stopping the running step`);
    if (!current) process.exit(130);
    interrupt(current);
    current.once('exit', () => process.exit(130));
  });
}

const formatSeconds = (ms) => `${(ms / 1000).toFixed(1)} s`;
const results = [];
const started = Date.now();
let failed;
for (const step of steps) {
  if (!step.layers.some((layer) => layers.includes(layer))) continue;
  if (step.skipUnless && !step.skipUnless()) {
    console.log(
      `\n[run-all] !!! SKIPPING ${step.name}: no tests found (expected test/webview/.mocharc.json and test/webview/**/*.test.ts) !!!`,
    );
    results.push({ name: step.name, status: 'SKIPPED', ms: 0 });
    continue;
  }
  console.log(
    `\n[run-all] ==> ${step.name}: ${step.command.map((part) => (path.relative(repoRoot, part).startsWith('..') || !part.includes('/') ? part : path.relative(repoRoot, part))).join(' ')}`,
  );
  const stepStart = Date.now();
  const result = await runStep(step);
  const ms = Date.now() - stepStart;
  results.push({ name: step.name, status: result.ok ? 'ok' : `FAILED (${result.detail})`, ms });
  if (!result.ok) {
    failed = step;
    break;
  }
}

console.log('\n[run-all] summary');
for (const { name, status, ms } of results)
  console.log(`  ${name.padEnd(16)} ${status.padEnd(28)} ${formatSeconds(ms)}`);
console.log(`  ${'total'.padEnd(16)} ${''.padEnd(28)} ${formatSeconds(Date.now() - started)}`);
if (failed) {
  console.error(`\n[run-all] FAILED at "${failed.name}". Later layers did not run.`);
  process.exit(1);
}
console.log('\n[run-all] all requested layers passed');
