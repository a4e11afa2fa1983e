// Start and stop a real code-server (VS Code 1.139 in the browser) for tests and `npm start`.
// What this relies on (code-server 4.139.1 on Node 24; see test/README.md): Node 24 on PATH only
// for this process, fresh user-data/extensions/XDG dirs so nothing leaks into $HOME, the port read
// from the log line, and the whole process group killed at the end.
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { codeServerBin, node24Bin, provisionCodeServerStack } from './provision.mjs';
import { spawnGroup, stopGroup, withTimeout } from './processes.mjs';

export const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const fixtureWorkspace = path.join(repoRoot, 'test', 'fixtures', 'workspace');
export const vsixPath = path.join(repoRoot, 'dist-vsix', 'shannon-vscode.vsix');

/** User settings every harness-started workbench gets (why: see the reference). */
export const defaultUserSettings = {
  'workbench.startupEditor': 'none',
  'workbench.tips.enabled': false,
  // The empty secondary side bar (chat) only takes room from the screenshots.
  'workbench.secondarySideBar.defaultVisibility': 'hidden',
  'workbench.enableExperiments': false,
  'terminal.integrated.enablePersistentSessions': false,
  // Without this the terminal paints to a canvas and its text is not in the DOM.
  'terminal.integrated.gpuAcceleration': 'off',
  'chat.disableAIFeatures': true,
  'extensions.autoUpdate': false,
  'extensions.autoCheckUpdates': false,
  'telemetry.telemetryLevel': 'off',
  // The hub's legacy endpoint listens on :8000; the "application is available" toast covers views.
  'remote.autoForwardPorts': false,
  'update.mode': 'none',
  'security.workspace.trust.enabled': false,
};

const LISTENING = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/;
const KEEP_TEMP = process.env.SHANNON_KEEP_TEMP === '1';

/** A fresh temp dir; removed by the caller (or kept with SHANNON_KEEP_TEMP=1 for debugging). */
export function makeTempDir(prefix) {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function removeTempDir(dir) {
  if (!KEEP_TEMP) rmSync(dir, { recursive: true, force: true });
}

/** Tests write into the workspace, so every run gets its own copy of the fixture. */
export function copyFixtureWorkspace(targetParent) {
  const target = path.join(targetParent, 'workspace');
  cpSync(fixtureWorkspace, target, { recursive: true });
  return target;
}

function codeServerEnv(baseDir, extraEnv) {
  return {
    ...process.env,
    ...extraEnv,
    // Node 24 first on PATH for code-server and everything it spawns (its postinstall and
    // native modules are built for Node 24), without touching the caller's own PATH.
    PATH: `${node24Bin}:${process.env.PATH}`,
    XDG_CONFIG_HOME: path.join(baseDir, 'xdg-config'),
    XDG_DATA_HOME: path.join(baseDir, 'xdg-data'),
    XDG_CACHE_HOME: path.join(baseDir, 'xdg-cache'),
  };
}

/** workspaceTrust: leave Workspace Trust on (a test of Restricted Mode); every other run turns it off. */
function commonArgs(userDataDir, extensionsDir, { workspaceTrust = false } = {}) {
  return [
    '--disable-telemetry',
    '--disable-update-check',
    ...(workspaceTrust ? [] : ['--disable-workspace-trust']),
    '--user-data-dir',
    userDataDir,
    '--extensions-dir',
    extensionsDir,
  ];
}

/** Install a packaged extension into `extensionsDir` (~0.5 s). Throws with code-server's output on failure. */
export function installVsix(vsix, extensionsDir, userDataDir, baseDir) {
  provisionCodeServerStack();
  const result = spawnSync(
    path.join(node24Bin, 'node'),
    [codeServerBin, ...commonArgs(userDataDir, extensionsDir), '--install-extension', vsix],
    {
      env: codeServerEnv(baseDir, {}),
      encoding: 'utf8',
      timeout: 120_000,
    },
  );
  const output = `${result.stdout ?? ''}${result.stderr ?? ''}`;
  if (result.status !== 0 || !/was successfully installed/.test(output)) {
    throw new Error(
      `code-server --install-extension ${vsix} failed (exit ${result.status ?? result.signal}):\n${output}`,
    );
  }
}

/**
 * Start code-server. Options:
 *  - port: 0 (default, any free port) or a fixed one
 *  - vsix: install this package first (e2e, npm start)
 *  - extensionsDir / userDataDir: reuse existing dirs (default: fresh ones under a temp base dir)
 *  - smokeTestDriver: enable the `payload` URL (extension development/test paths), integration only
 *  - env: extra environment for code-server and its extension host
 *  - settings: merged over defaultUserSettings
 *  - workspaceTrust: true to keep Workspace Trust on (also needs `security.workspace.trust.enabled`)
 *  - onOutput(text): receives code-server's stdout/stderr as it arrives
 *  - startTimeoutMs: how long to wait for the listening line (default 90 s)
 * Returns { url, port, baseDir, userDataDir, extensionsDir, output(), stop(), exited (exit code or signal) }.
 */
export async function startCodeServer(options = {}) {
  provisionCodeServerStack();
  const baseDir = makeTempDir('shannon-code-server-');
  const userDataDir = options.userDataDir ?? path.join(baseDir, 'user-data');
  const extensionsDir = options.extensionsDir ?? path.join(baseDir, 'extensions');
  mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extensionsDir, { recursive: true });
  // Settings already in a given profile (integration.mjs writes some for desktop VS Code too) win
  // over the defaults; options.settings win over both.
  const settingsFile = path.join(userDataDir, 'User', 'settings.json');
  const existing = existsSync(settingsFile) ? JSON.parse(readFileSync(settingsFile, 'utf8')) : {};
  const settings = { ...defaultUserSettings, ...existing, ...options.settings };
  writeFileSync(settingsFile, JSON.stringify(settings, null, 2));
  // code-server is a remote-style host: settings of `machine` scope (shannon.cli.path) are read only
  // from its Machine settings and ignored in User settings. Writing the same settings there makes
  // `npm start` and the e2e workbenches find the CLI a test or the demo configured.
  mkdirSync(path.join(userDataDir, 'Machine'), { recursive: true });
  writeFileSync(path.join(userDataDir, 'Machine', 'settings.json'), JSON.stringify(settings, null, 2));
  if (options.vsix) installVsix(options.vsix, extensionsDir, userDataDir, baseDir);

  const args = [
    codeServerBin,
    ...commonArgs(userDataDir, extensionsDir, { workspaceTrust: options.workspaceTrust }),
    '--auth',
    'none',
    '--bind-addr',
    `127.0.0.1:${options.port ?? 0}`,
    '--ignore-last-opened',
  ];
  if (options.smokeTestDriver) args.push('--vscode-option', 'enable-smoke-test-driver');

  const child = spawnGroup(path.join(node24Bin, 'node'), args, { env: codeServerEnv(baseDir, options.env ?? {}) });
  let output = '';
  const port = await withTimeout(
    new Promise((resolve, reject) => {
      const onData = (chunk) => {
        const text = chunk.toString();
        // Keep the tail only: `npm start` can run for hours.
        output = (output + text).slice(-1_000_000);
        options.onOutput?.(text);
        const match = LISTENING.exec(output);
        if (match) resolve(Number(match[1]));
      };
      child.stdout.on('data', onData);
      child.stderr.on('data', onData);
      child.once('error', reject);
      child.once('exit', (code, signal) =>
        reject(new Error(`code-server exited early (${code ?? signal}):\n${output}`)),
      );
    }),
    options.startTimeoutMs ?? 90_000,
    () => `code-server to print "HTTP server listening"; its output so far:\n${output}`,
  ).catch(async (error) => {
    await stopGroup(child);
    removeTempDir(baseDir);
    throw error;
  });

  let stopped;
  const exited = new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) resolve(child.exitCode ?? child.signalCode);
    else child.once('exit', (code, signal) => resolve(code ?? signal));
  });
  return {
    exited,
    url: `http://127.0.0.1:${port}`,
    port,
    baseDir,
    userDataDir,
    extensionsDir,
    output: () => output,
    stop() {
      stopped ??= stopGroup(child).then(() => removeTempDir(baseDir));
      return stopped;
    },
  };
}

/**
 * A port that was free a moment ago. Tests give the hub's legacy endpoint one of these instead of
 * the CLI's fixed 8000, so parallel runs (or a real Shannon on 8000) do not make them fail.
 */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/** Settings for test profiles: the legacy endpoint on a free port rather than 8000. */
/** Environment every test-started workbench gets. Terminals start the shell named by $SHELL, and
 *  a CI machine may have SHELL unset or /bin/sh (dash: no shell integration, so no exit codes),
 *  which would silently change what the terminal tests exercise. Tests that want another shell
 *  configure a terminal profile for it. */
export const testWorkbenchEnv = { SHELL: '/bin/bash' };

export async function testUserSettings() {
  return { 'shannon.legacy.port': await freePort() };
}

/** The workbench URL for a folder or a .code-workspace file, optionally with the development `payload` (smoke-test driver only). */
export function workbenchUrl(server, folder, payload) {
  // A .code-workspace file opens as a (multi-root) workspace, anything else as a folder.
  const kind = folder.endsWith('.code-workspace') ? 'workspace' : 'folder';
  let url = `${server.url}/?${kind}=${encodeURIComponent(folder)}`;
  if (payload) url += `&payload=${encodeURIComponent(JSON.stringify(payload))}`;
  return url;
}
