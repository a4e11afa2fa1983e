// Runs before `npm start` and `npm test` so that each is the one command a new user needs on a
// fresh clone: when node_modules is missing or older than package-lock.json, install exactly the
// locked versions (`npm ci`). Uses Node built-ins only, since nothing else is installed yet.
import { spawnSync } from 'node:child_process';
import { existsSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const lockFile = path.join(repoRoot, 'package-lock.json');
// npm writes this file at the end of every install; its age tells whether the install is current.
const installedMarker = path.join(repoRoot, 'node_modules', '.package-lock.json');

function installIsCurrent() {
  if (!existsSync(installedMarker)) return false;
  return statSync(installedMarker).mtimeMs >= statSync(lockFile).mtimeMs;
}

if (!installIsCurrent()) {
  console.log('[deps] node_modules is missing or older than package-lock.json: running npm ci');
  const result = spawnSync('npm', ['ci', '--no-audit', '--no-fund'], {
    cwd: repoRoot,
    stdio: 'inherit',
    timeout: 15 * 60_000,
  });
  if (result.status !== 0) {
    console.error(`[deps] npm ci failed (exit ${result.status ?? result.signal}); fix that and run the command again`);
    process.exit(1);
  }
}
