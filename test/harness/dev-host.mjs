// What the F5 configurations of .vscode/launch.json open, prepared by their pre-launch tasks
// (.vscode/tasks.json). Everything lives in out/dev-host/ (gitignored) and is made afresh on every
// launch, so a run of Shannon: Do there never edits the repository's fixtures.
//   node test/harness/dev-host.mjs sample   Run Extension: a copy of test/fixtures/workspace and a
//                                           profile whose settings point Shannon: Do at the demo CLI
//   node test/harness/dev-host.mjs tests    Extension Tests: the integration tests bundled into
//                                           out/test/integration/, a workspace copy, a profile and
//                                           a lock-file folder, as test/harness/integration.mjs
//                                           gives each file
import { mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { copyFixtureWorkspace, defaultUserSettings, repoRoot, testUserSettings } from './code-server.mjs';
import { demoCliSettings } from './demo-cli.mjs';
import { bundleIntegrationTests } from './integration.mjs';

export const devHostDir = path.join(repoRoot, 'out', 'dev-host');

function fresh(dir) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  return dir;
}

function writeJson(file, value) {
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/**
 * out/dev-host/sample/{workspace,user-data}. The window gets a profile of its own, as `npm start`
 * does: the demo CLI is a user setting there, and an installed Shannon extension or the developer's
 * own settings do not mix with the one under development.
 */
export function prepareSample(baseDir = devHostDir) {
  const dir = fresh(path.join(baseDir, 'sample'));
  const workspace = copyFixtureWorkspace(dir);
  writeJson(path.join(dir, 'user-data', 'User', 'settings.json'), {
    'workbench.startupEditor': 'none',
    ...demoCliSettings(path.join(dir, 'demo-bin')),
  });
  return workspace;
}

/** out/dev-host/tests/{workspace,shannon-ide,user-data}, read by the Extension Tests configuration. */
export async function prepareTests(baseDir = devHostDir) {
  const dir = fresh(path.join(baseDir, 'tests'));
  copyFixtureWorkspace(dir);
  mkdirSync(path.join(dir, 'shannon-ide'));
  writeJson(path.join(dir, 'user-data', 'User', 'settings.json'), {
    ...defaultUserSettings,
    ...(await testUserSettings()),
  });
  await bundleIntegrationTests();
  return dir;
}

async function main(mode) {
  if (mode === 'sample') console.log(`[dev-host] sample workspace: ${prepareSample()}`);
  else if (mode === 'tests') console.log(`[dev-host] extension tests prepared in ${await prepareTests()}`);
  else throw new Error('usage: node test/harness/dev-host.mjs sample|tests');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv[2]).catch((error) => {
    console.error(`[dev-host] ${error.message}`);
    process.exit(1);
  });
}
