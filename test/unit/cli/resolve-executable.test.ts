import * as assert from 'node:assert/strict';
import { chmodSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { resolveExecutable, terminalPathValue } from '../../../src/cli/resolve-executable';

describe('resolveExecutable', () => {
  let root: string;
  beforeEach(() => {
    root = mkdtempSync(path.join(tmpdir(), 'shannon-resolve-'));
    for (const dir of ['a', 'b', 'project/tools', 'home/bin']) mkdirSync(path.join(root, dir), { recursive: true });
    writeFileSync(path.join(root, 'a', 'shannon'), 'not executable');
    writeFileSync(path.join(root, 'b', 'shannon'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'b', 'shannon'), 0o755);
    writeFileSync(path.join(root, 'project/tools', 'my-shannon'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'project/tools', 'my-shannon'), 0o755);
    writeFileSync(path.join(root, 'home/bin', 'shannon'), '#!/bin/sh\n');
    chmodSync(path.join(root, 'home/bin', 'shannon'), 0o755);
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const options = () => ({
    pathValue: `${root}/a::${root}/b`,
    cwd: path.join(root, 'project'),
    platform: 'linux' as const,
    homeDir: path.join(root, 'home'),
  });

  it('finds a bare name on PATH, skipping files that are not executable', async () => {
    assert.deepEqual(await resolveExecutable('shannon', options()), {
      found: true,
      path: path.join(root, 'b', 'shannon'),
      viaPath: true,
    });
  });

  it('reports where it looked when the name is nowhere on PATH', async () => {
    const result = await resolveExecutable('shannon-missing', options());
    assert.equal(result.found, false);
    assert.deepEqual(!result.found && result.searched, [`${root}/a/shannon-missing`, `${root}/b/shannon-missing`]);
  });

  it('resolves relative paths against the workspace folder and expands ~', async () => {
    assert.equal(
      ((await resolveExecutable('tools/my-shannon', options())) as { path: string }).path,
      path.join(root, 'project/tools/my-shannon'),
    );
    assert.equal(
      ((await resolveExecutable('~/bin/shannon', options())) as { path: string }).path,
      path.join(root, 'home/bin/shannon'),
    );
  });

  it('refuses a directory, a missing file and a non-executable file given as a path', async () => {
    assert.equal((await resolveExecutable(path.join(root, 'b'), options())).found, false);
    assert.equal((await resolveExecutable(path.join(root, 'nope'), options())).found, false);
    assert.equal((await resolveExecutable(path.join(root, 'a', 'shannon'), options())).found, false);
  });

  it('tries PATHEXT extensions on Windows', async () => {
    writeFileSync(path.join(root, 'b', 'tool.cmd'), '@echo off');
    const result = await resolveExecutable('tool', {
      pathValue: `${root}/b`,
      pathExt: '.EXE;.CMD',
      cwd: root,
      platform: 'win32',
    });
    assert.equal(result.found && path.basename(result.path), 'tool.cmd');
  });
});

describe('terminalPathValue', () => {
  it('uses the host PATH unless the terminal settings override it, expanding ${env:PATH}', () => {
    assert.equal(terminalPathValue('/usr/bin', undefined), '/usr/bin');
    assert.equal(terminalPathValue('/usr/bin', null), '/usr/bin');
    assert.equal(terminalPathValue('/usr/bin', '/opt/x:${env:PATH}'), '/opt/x:/usr/bin');
  });
});
