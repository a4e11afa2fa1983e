#!/usr/bin/env node
// Stand-in for the VS Code executable that @vscode/test-electron's runTests() spawns.
// runTests passes `--extensionDevelopmentPath=`, `--extensionTestsPath=` (plus our launchArgs: the
// workspace folder and profile dirs) and reads our exit code. Desktop VS Code cannot be downloaded
// on these machines, so we run the same test index in code-server's Node extension host instead:
// the web workbench takes those two paths from the `payload` URL query (honoured only with the
// smoke-test driver on) and reports the test log and exit code through two page functions,
// codeAutomationLog and codeAutomationExit.
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { format } from 'node:util';
import { launchChromium, newWorkbenchPage } from './browser.mjs';
import { repoRoot, startCodeServer, workbenchUrl } from './code-server.mjs';
import { withTimeout } from './processes.mjs';

const TEST_RUN_TIMEOUT_MS = Number(process.env.SHANNON_TEST_RUN_TIMEOUT_MS ?? 5 * 60_000);
const verbose = process.env.SHANNON_TEST_VERBOSE === '1';
/** Printed by test/integration/index.ts when mocha starts; see codeAutomationLog below. */
const TEST_OUTPUT_MARKER = '[shannon-integration] running';
const OFFLINE_NOISE = /ENOTFOUND (open-vsx\.org|marketplace|update\.code)|authentication provider 'github' to register/;
const log = (message) => process.stderr.write(`[code-server-host] ${message}\n`);

function parseArgs(argv) {
  const options = { folders: [] };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const [flag, inlineValue] =
      arg.startsWith('--') && arg.includes('=')
        ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
        : [arg, undefined];
    const value = () => inlineValue ?? argv[++i];
    switch (flag) {
      case '--extensionDevelopmentPath':
        options.extensionDevelopmentPath = path.resolve(value());
        break;
      case '--extensionTestsPath':
        options.extensionTestsPath = path.resolve(value());
        break;
      case '--user-data-dir':
        options.userDataDir = path.resolve(value());
        break;
      case '--extensions-dir':
        options.extensionsDir = path.resolve(value());
        break;
      default:
        // Desktop-only switches (--no-sandbox, --disable-updates, ...) mean nothing to code-server.
        if (!arg.startsWith('-')) options.folders.push(path.resolve(arg));
    }
  }
  if (!options.extensionDevelopmentPath || !options.extensionTestsPath) {
    throw new Error('usage: code-server-host.mjs [folder] --extensionDevelopmentPath=DIR --extensionTestsPath=FILE');
  }
  return options;
}

async function main() {
  const options = parseArgs(process.argv.slice(2));
  const folder = options.folders[0] ?? options.extensionDevelopmentPath;
  const server = await startCodeServer({
    smokeTestDriver: true,
    userDataDir: options.userDataDir,
    extensionsDir: options.extensionsDir,
    // Set by integration.mjs for a file that tests Restricted Mode (FILE_SETUPS).
    workspaceTrust: process.env.SHANNON_TEST_WORKSPACE_TRUST === '1',
    onOutput: verbose ? (text) => process.stderr.write(text) : undefined,
  });
  let browser;
  let exitCode = 1;
  try {
    log(`code-server on ${server.url}, workspace ${folder}`);
    browser = await launchChromium();
    const page = await newWorkbenchPage(browser);
    const remote = (file) => `vscode-remote://127.0.0.1:${server.port}${file}`;
    let reportExit;
    const exited = new Promise((resolve) => {
      reportExit = resolve;
    });
    let testOutputStarted = false;
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      // The workbench forwards its own console and the extension host's here. The workbench's
      // start-up chatter is hidden until the test index prints its marker (SHANNON_TEST_VERBOSE=1
      // shows everything); offline gallery lookups are always noise on these machines.
      const line = format(...(Array.isArray(args) ? args : [args]));
      if (line.includes(TEST_OUTPUT_MARKER)) testOutputStarted = true;
      const noise = OFFLINE_NOISE.test(line) || (!testOutputStarted && type !== 'error');
      if (noise && !verbose) return;
      (type === 'error' ? process.stderr : process.stdout).write(`${line}\n`);
    });
    await page.exposeFunction('codeAutomationExit', (code) => reportExit(Number(code)));
    if (verbose) page.on('console', (message) => log(`[browser ${message.type()}] ${message.text()}`));
    page.on('pageerror', (error) => log(`[page error] ${error.message}`));
    await page.goto(
      workbenchUrl(server, folder, [
        ['extensionDevelopmentPath', remote(options.extensionDevelopmentPath)],
        ['extensionTestsPath', remote(options.extensionTestsPath)],
      ]),
    );
    exitCode = await withTimeout(
      exited,
      TEST_RUN_TIMEOUT_MS,
      'the workbench to report the end of the test run (codeAutomationExit). Was the smoke-test driver on and the test index found?',
    ).catch(async (error) => {
      log(error.message);
      const shot = path.join(repoRoot, 'test-results', 'integration-timeout.png');
      mkdirSync(path.dirname(shot), { recursive: true });
      await page.screenshot({ path: shot }).then(
        () => log(`screenshot: ${shot}`),
        () => undefined,
      );
      log(`code-server output (tail):\n${server.output().slice(-4000)}`);
      return 1;
    });
  } finally {
    await browser?.close().catch(() => undefined);
    await server.stop();
  }
  return exitCode;
}

main().then(
  (code) => process.exit(code),
  (error) => {
    log(error.stack ?? String(error));
    process.exit(1);
  },
);
