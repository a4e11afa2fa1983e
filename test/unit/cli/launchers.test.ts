import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cmdLauncher, posixLauncher } from '../../../src/cli/launchers';

describe('shannon-hub launchers', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(tmpdir(), "shannon launcher 'q' "));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('the POSIX launcher runs the script with the given runtime, as Node, passing arguments through', () => {
    const script = path.join(dir, 'fake hub.js');
    writeFileSync(
      script,
      'process.stdout.write(JSON.stringify({ args: process.argv.slice(2), asNode: process.env.ELECTRON_RUN_AS_NODE }))',
    );
    const launcher = path.join(dir, 'shannon-hub');
    writeFileSync(launcher, posixLauncher({ runtime: process.execPath, script }));
    chmodSync(launcher, 0o755);
    const output = execFileSync(launcher, ['emit', 'a b', '$(x)'], {
      encoding: 'utf8',
      timeout: 10_000,
      env: { PATH: '/nonexistent' },
    });
    assert.deepEqual(JSON.parse(output), { args: ['emit', 'a b', '$(x)'], asNode: '1' });
  });

  it('the Windows launcher keeps the variable local, quotes paths and doubles percent signs', () => {
    const text = cmdLauncher({
      runtime: 'C:\\Program Files\\Code\\Code.exe',
      script: 'C:\\Users\\a%b\\ext\\dist\\shannon-hub.js',
    });
    const lines = text.split('\r\n');
    assert.ok(lines.includes('setlocal'));
    assert.ok(lines.includes('set ELECTRON_RUN_AS_NODE=1'));
    assert.ok(lines.includes('"C:\\Program Files\\Code\\Code.exe" "C:\\Users\\a%%b\\ext\\dist\\shannon-hub.js" %*'));
    assert.ok(lines.indexOf('setlocal') < lines.indexOf('set ELECTRON_RUN_AS_NODE=1'));
  });
});
