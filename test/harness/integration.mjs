// Integration layer: mocha inside a real VS Code extension host.
//   node test/harness/integration.mjs [file.test.ts ...]     (npm run test:integration [-- files])
// Bundles test/integration/index.ts and every test/integration/*.test.ts into out/test/integration/,
// then hands them to @vscode/test-electron's runTests(). With SHANNON_TEST_DESKTOP_VSCODE=1 runTests
// downloads desktop VS Code as usual; otherwise the "executable" is code-server-host.mjs, which runs
// the same index in code-server (desktop VS Code cannot be downloaded on these machines).
// Set SHANNON_SKIP_BUILD=1 when dist/ is already built (run-all does that).
import { downloadAndUnzipVSCode, runTests } from '@vscode/test-electron';
import * as esbuild from 'esbuild';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { launchChromium, newWorkbenchPage } from './browser.mjs';
import {
  copyFixtureWorkspace,
  defaultUserSettings,
  freePort,
  makeTempDir,
  removeTempDir,
  repoRoot,
  startCodeServer,
  testUserSettings,
  testWorkbenchEnv,
  workbenchUrl,
} from './code-server.mjs';

const sourceDir = path.join(repoRoot, 'test', 'integration');
const outDir = path.join(repoRoot, 'out', 'test', 'integration');
const hostExecutable = path.join(repoRoot, 'test', 'harness', 'code-server-host.mjs');

/**
 * Files that need the machine prepared before their VS Code starts (the hub reads its settings at
 * activation, and a window cannot become multi-root without restarting its extension host). Each
 * gets the run dir and the workspace copy, and returns extra user settings and environment for
 * that file's host, optionally another folder or .code-workspace to open, and a dispose.
 */
const FILE_SETUPS = {
  // A port some other program holds, as shannon.hub.port: the hub cannot start.
  'hub-start-failure.test.js': async () => {
    const blocker = net.createServer();
    await new Promise((resolve, reject) => blocker.once('error', reject).listen(0, '127.0.0.1', resolve));
    const port = blocker.address().port;
    return {
      settings: { 'shannon.hub.port': port },
      env: { SHANNON_TEST_BUSY_PORT: String(port) },
      dispose: () => new Promise((resolve) => blocker.close(resolve)),
    };
  },
  // Two VS Code windows sharing one lock folder: before the tested window (B) starts, another
  // code-server with its own extension host (window A, the extension under development, legacy
  // listen "always") takes the legacy port. The test reads A's lock file and may end A's
  // extension host itself (SHANNON_TEST_OTHER_WINDOW_PID) to see B take the port over.
  'two-windows.test.js': async ({ runDir }) => {
    const ideDir = path.join(runDir, 'shannon-ide');
    mkdirSync(ideDir, { recursive: true });
    const otherDir = path.join(runDir, 'window-a');
    mkdirSync(otherDir);
    const otherWorkspace = copyFixtureWorkspace(otherDir);
    const legacyPort = await freePort();
    const server = await startCodeServer({
      smokeTestDriver: true,
      userDataDir: path.join(otherDir, 'user-data'),
      extensionsDir: path.join(otherDir, 'extensions'),
      settings: { 'shannon.legacy.listen': 'always', 'shannon.legacy.port': legacyPort },
      env: { ...testWorkbenchEnv, SHANNON_IDE_DIR: ideDir },
    });
    const browser = await launchChromium();
    const dispose = async () => {
      await browser.close().catch(() => undefined);
      await server.stop();
    };
    try {
      const page = await newWorkbenchPage(browser);
      const remote = (file) => `vscode-remote://127.0.0.1:${server.port}${file}`;
      await page.goto(workbenchUrl(server, otherWorkspace, [['extensionDevelopmentPath', remote(repoRoot)]]));
      const deadline = Date.now() + 90_000;
      let lock;
      while (!lock) {
        if (Date.now() > deadline) throw new Error("window A's hub wrote no lock file holding the legacy port");
        for (const name of existsSync(ideDir) ? readdirSync(ideDir) : []) {
          if (!name.endsWith('.json')) continue;
          const content = JSON.parse(readFileSync(path.join(ideDir, name), 'utf8'));
          if (content.legacyPort === legacyPort) lock = { ...content, file: path.join(ideDir, name) };
        }
        await new Promise((resolve) => setTimeout(resolve, 250));
      }
      return {
        settings: { 'shannon.legacy.port': legacyPort },
        env: { SHANNON_TEST_OTHER_WINDOW_PID: String(lock.pid), SHANNON_TEST_OTHER_LOCK_FILE: lock.file },
        dispose,
      };
    } catch (error) {
      await dispose();
      throw error;
    }
  },
  // A multi-root workspace: the fixture workspace and a second folder beside it.
  'multi-root.test.js': async ({ runDir, workspace }) => {
    const second = path.join(runDir, 'second-folder');
    mkdirSync(second);
    writeFileSync(path.join(second, 'README.md'), '# second folder\n');
    const file = path.join(runDir, 'two-folders.code-workspace');
    writeFileSync(file, JSON.stringify({ folders: [{ path: workspace }, { path: second }] }, null, 2));
    return { launchTarget: file, env: { SHANNON_TEST_SECOND_FOLDER: second } };
  },
  // Restricted Mode: Workspace Trust on, the folder never trusted, no startup prompt; the folder's
  // own settings name a program for Shannon: Do that must never run (it would write a marker).
  'workspace-trust.test.js': async ({ runDir, workspace }) => {
    const marker = path.join(runDir, 'workspace-cli-ran');
    const program = path.join(runDir, 'workspace-cli.sh');
    writeFileSync(program, `#!/bin/sh\necho ran > '${marker}'\n`, { mode: 0o755 });
    mkdirSync(path.join(workspace, '.vscode'), { recursive: true });
    writeFileSync(
      path.join(workspace, '.vscode', 'settings.json'),
      JSON.stringify({ 'shannon.cli.path': program, 'shannon.cli.args': ['--from-the-repository'] }, null, 2),
    );
    return {
      settings: {
        'security.workspace.trust.enabled': true,
        'security.workspace.trust.startupPrompt': 'never',
        'security.workspace.trust.banner': 'never',
      },
      env: {
        SHANNON_TEST_WORKSPACE_TRUST: '1',
        SHANNON_TEST_WORKSPACE_CLI: program,
        SHANNON_TEST_WORKSPACE_CLI_MARKER: marker,
      },
    };
  },
};

export async function bundleIntegrationTests() {
  rmSync(outDir, { recursive: true, force: true });
  const entryPoints = readdirSync(sourceDir)
    .filter((name) => name === 'index.ts' || name.endsWith('.test.ts'))
    .map((name) => path.join(sourceDir, name));
  await esbuild.build({
    entryPoints,
    outdir: outDir,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    // vscode is provided by the extension host; mocha is required at run time from the repo's
    // node_modules (out/ sits inside the repo) so that index.js and the tests share one instance.
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
}

function buildExtension() {
  const result = spawnSync(process.execPath, ['esbuild.mjs', '--production'], {
    cwd: repoRoot,
    stdio: 'inherit',
    timeout: 120_000,
  });
  if (result.status !== 0) throw new Error('node esbuild.mjs --production failed');
}

/**
 * One extension host per test file: every file gets its own code-server, profile, workspace copy
 * and SHANNON_IDE_DIR, so state one feature leaves in the hub (sessions, terminals, settings)
 * cannot change what another feature's tests see. Files run one after another; all of them run
 * even when one fails, and the summary names the failed files.
 */
export async function runIntegrationTests(onlyFiles = []) {
  if (process.env.SHANNON_SKIP_BUILD !== '1') buildExtension();
  await bundleIntegrationTests();
  let testFiles = readdirSync(outDir)
    .filter((name) => name.endsWith('.test.js'))
    .sort();
  if (onlyFiles.length > 0) {
    const wanted = new Set(onlyFiles.map((file) => path.basename(file).replace(/\.ts$/, '.js')));
    testFiles = testFiles.filter((name) => wanted.has(name));
  }
  if (testFiles.length === 0)
    throw new Error(`No test/integration/*.test.ts files found (or none matched ${onlyFiles.join(' ')})`);

  // Desktop VS Code (opt-in) is downloaded once, before the first file; otherwise our stand-in.
  const desktop = process.env.SHANNON_TEST_DESKTOP_VSCODE === '1';
  const executable = desktop
    ? await downloadAndUnzipVSCode(process.env.SHANNON_TEST_VSCODE_VERSION ?? 'stable')
    : hostExecutable;
  const results = [];
  for (const testFile of testFiles) {
    console.log(`\n[integration] ${testFile}: fresh ${desktop ? 'desktop VS Code' : 'code-server'} extension host`);
    const started = Date.now();
    const error = await runOneFile(testFile, executable, desktop).then(
      () => undefined,
      (failure) => failure,
    );
    results.push({ testFile, ok: !error, seconds: (Date.now() - started) / 1000, detail: error?.message });
  }
  console.log('\n[integration] files:');
  for (const { testFile, ok, seconds, detail } of results) {
    console.log(
      `  ${ok ? 'ok    ' : 'FAILED'} ${testFile.padEnd(32)} ${seconds.toFixed(1)} s${ok ? '' : `  (${detail})`}`,
    );
  }
  const failed = results.filter((result) => !result.ok);
  if (failed.length > 0)
    throw new Error(
      `${failed.length} of ${results.length} integration test file(s) failed: ${failed.map((r) => r.testFile).join(', ')}`,
    );
}

async function runOneFile(testFile, executable, desktop) {
  const runDir = makeTempDir('shannon-integration-');
  let setup = { settings: {}, env: {}, dispose: async () => undefined };
  try {
    const workspace = copyFixtureWorkspace(runDir);
    setup = { ...setup, ...(await FILE_SETUPS[testFile]?.({ runDir, workspace })) };
    const ideDir = path.join(runDir, 'shannon-ide');
    mkdirSync(ideDir, { recursive: true });
    const userDataDir = path.join(runDir, 'user-data');
    mkdirSync(path.join(userDataDir, 'User'), { recursive: true });
    writeFileSync(
      path.join(userDataDir, 'User', 'settings.json'),
      JSON.stringify(
        { ...(desktop ? defaultUserSettings : {}), ...(await testUserSettings()), ...setup.settings },
        null,
        2,
      ),
    );
    await runTests({
      vscodeExecutablePath: executable,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: path.join(outDir, 'index.js'),
      launchArgs: [
        setup.launchTarget ?? workspace,
        `--user-data-dir=${userDataDir}`,
        `--extensions-dir=${path.join(runDir, 'extensions')}`,
        '--disable-extensions',
      ],
      extensionTestsEnv: {
        ...testWorkbenchEnv,
        // Read by test/integration/index.ts: the one compiled test file this host runs.
        SHANNON_TEST_FILES: testFile,
        // Tests never touch the real ~/.shannon: lock file, journal, hub state live here.
        SHANNON_IDE_DIR: ideDir,
        SHANNON_TEST_WORKSPACE: workspace,
        SHANNON_TEST_RUN_DIR: runDir,
        ...setup.env,
      },
    });
  } finally {
    await setup.dispose();
    removeTempDir(runDir);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  // Optional arguments: test file names (activation.test.ts ...) to run only those.
  runIntegrationTests(process.argv.slice(2)).then(
    () => process.exit(0),
    (error) => {
      console.error(`[integration] ${error.message}`);
      process.exit(1);
    },
  );
}
