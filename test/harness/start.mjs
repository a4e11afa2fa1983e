// `npm start`: try the extension in a real VS Code (code-server) in your browser.
// Builds and packages the extension, provisions code-server on first use, installs the .vsix into
// a fresh profile, opens a copy of the sample workspace, prints the URL and stays up until Ctrl-C;
// then stops everything it started (code-server's whole process group) and removes its temp dirs.
import { spawnSync } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import {
  copyFixtureWorkspace,
  makeTempDir,
  removeTempDir,
  repoRoot,
  startCodeServer,
  vsixPath,
  workbenchUrl,
} from './code-server.mjs';
import { demoCliSettings } from './demo-cli.mjs';
import { provisionCodeServerStack } from './provision.mjs';

const PREFERRED_PORT = Number(process.env.PORT ?? 8080);
const log = (message) => console.log(`[start] ${message}`);

function packageExtension() {
  log('building and packaging (npm run package)');
  const result = spawnSync('npm', ['run', '--silent', 'package'], {
    cwd: repoRoot,
    stdio: ['ignore', 'ignore', 'inherit'],
    timeout: 5 * 60_000,
  });
  if (result.status !== 0) throw new Error('npm run package failed');
}

/** Shannon: Do needs a Shannon CLI: SHANNON_CLI, else the demonstration stand-in (demo-cli.mjs). */
function cliSettings(runDir) {
  const settings = demoCliSettings(path.join(runDir, 'demo-bin'));
  if (!process.env.SHANNON_CLI)
    log('Shannon: Do runs a demo stand-in for the Shannon CLI (SHANNON_CLI=/path/to/shannon npm start for a real one)');
  return settings;
}

/** 8080 when nothing listens there, otherwise 0 (code-server picks a free port). */
function choosePort(port) {
  return new Promise((resolve) => {
    const probe = net.createServer();
    probe.once('error', () => resolve(0));
    probe.listen(port, '127.0.0.1', () => probe.close(() => resolve(port)));
  });
}

async function main() {
  packageExtension();
  provisionCodeServerStack();
  const runDir = makeTempDir('shannon-start-');
  const workspace = copyFixtureWorkspace(runDir);
  // The extension's hub state for this session lives here, not in ~/.shannon... unless you want it:
  // SHANNON_IDE_DIR=~/.shannon npm start
  const ideDir = process.env.SHANNON_IDE_DIR ?? path.join(runDir, 'shannon-ide');
  mkdirSync(ideDir, { recursive: true });
  const server = await startCodeServer({
    vsix: vsixPath,
    port: await choosePort(PREFERRED_PORT),
    env: { SHANNON_IDE_DIR: ideDir },
    settings: cliSettings(runDir),
    onOutput: process.env.SHANNON_TEST_VERBOSE === '1' ? (text) => process.stdout.write(text) : undefined,
  });
  let stopping = false;
  const stop = async (reason) => {
    if (stopping) return;
    stopping = true;
    log(`${reason}: stopping code-server`);
    await server.stop();
    removeTempDir(runDir);
    process.exit(0);
  };
  // Replace the default exit-on-signal of processes.mjs with a graceful stop (it still SIGKILLs on exit).
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
    process.removeAllListeners(signal);
    process.on(signal, () => stop(signal));
  }
  log(`workspace: ${workspace}`);
  log(`extension installed from ${path.relative(repoRoot, vsixPath)}`);
  server.exited.then((code) => {
    if (!stopping) {
      console.error(
        `[start] code-server exited on its own (${code}). Its last output:\n${server.output().slice(-4000)}`,
      );
      removeTempDir(runDir);
      process.exit(1);
    }
  });
  console.log(`\n  Open ${workbenchUrl(server, workspace)}\n  (Ctrl-C to stop)\n`);
}

main().catch((error) => {
  console.error(`[start] ${error.message}`);
  process.exit(1);
});
