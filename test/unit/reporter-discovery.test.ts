// Hub discovery: the environment first, else the lock file of a live hub whose workspace folder
// holds the current directory (deepest folder wins, dead hubs ignored). Real files in temp dirs.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeLockFile } from '../../src/hub/lockfile';
import { findHub, isInside } from '../../src/reporter/discovery';

/** A pid that certainly belongs to no process: one that has just exited. */
function deadPid(): number {
  const result = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(result.stdout);
}

describe('reporter discovery', () => {
  let root: string;
  let lockDir: string;
  beforeEach(() => {
    root = mkdtempSync(join(tmpdir(), 'shannon-discovery-'));
    lockDir = join(root, 'ide');
  });
  afterEach(() => rmSync(root, { recursive: true, force: true }));

  const lock = (port: number, workspaceFolders: string[], pid = process.pid) =>
    writeLockFile({ dir: lockDir, port, token: `token-${port}`, url: `ws://127.0.0.1:${port}`, workspaceFolders, pid });

  it('uses SHANNON_HUB_URL and SHANNON_HUB_TOKEN when both are set, ignoring lock files', () => {
    lock(4001, [root]);
    const found = findHub({
      env: { SHANNON_HUB_URL: 'ws://127.0.0.1:9', SHANNON_HUB_TOKEN: 'secret' },
      cwd: root,
      lockDir,
    });
    assert.deepEqual(found, { ok: true, location: { url: 'ws://127.0.0.1:9', token: 'secret', source: 'env' } });
  });

  it('refuses a half-set environment instead of guessing', () => {
    const urlOnly = findHub({ env: { SHANNON_HUB_URL: 'ws://127.0.0.1:9' }, cwd: root, lockDir });
    assert.equal(urlOnly.ok, false);
    assert.match(!urlOnly.ok ? urlOnly.reason : '', /SHANNON_HUB_TOKEN is not/);
    const tokenOnly = findHub({ env: { SHANNON_HUB_TOKEN: 'x' }, cwd: root, lockDir });
    assert.match(!tokenOnly.ok ? tokenOnly.reason : '', /SHANNON_HUB_URL is not/);
    const notWs = findHub({
      env: { SHANNON_HUB_URL: 'http://127.0.0.1:9', SHANNON_HUB_TOKEN: 'x' },
      cwd: root,
      lockDir,
    });
    assert.match(!notWs.ok ? notWs.reason : '', /ws:\/\//);
  });

  it('picks the lock file with the deepest workspace folder containing the current directory', () => {
    const outer = join(root, 'work');
    const inner = join(outer, 'project');
    const cwd = join(inner, 'src', 'deep');
    mkdirSync(cwd, { recursive: true });
    mkdirSync(join(root, 'elsewhere'));
    lock(4001, [outer]);
    const innerLock = lock(4002, [join(root, 'elsewhere'), inner]);
    lock(4003, [join(root, 'elsewhere')]);
    const found = findHub({ env: {}, cwd, lockDir });
    assert.ok(found.ok, !found.ok ? found.reason : '');
    assert.equal(found.location.url, 'ws://127.0.0.1:4002');
    assert.equal(found.location.token, 'token-4002');
    assert.equal(found.location.source, 'lockfile');
    assert.equal(found.location.lockFile, innerLock);

    const fromOuter = findHub({ env: {}, cwd: outer, lockDir });
    assert.ok(fromOuter.ok);
    assert.equal(fromOuter.location.url, 'ws://127.0.0.1:4001');
  });

  it('ignores the lock file of a hub whose process is gone, even when its folder matches best', () => {
    const project = join(root, 'project');
    mkdirSync(project);
    lock(4001, [root]);
    lock(4002, [project], deadPid());
    const found = findHub({ env: {}, cwd: project, lockDir });
    assert.ok(found.ok);
    assert.equal(found.location.url, 'ws://127.0.0.1:4001');
  });

  it('reads the lock folder from SHANNON_IDE_DIR', () => {
    lock(4005, [root]);
    const found = findHub({ env: { SHANNON_IDE_DIR: lockDir }, cwd: root });
    assert.ok(found.ok);
    assert.equal(found.location.url, 'ws://127.0.0.1:4005');
  });

  it('explains why nothing was found', () => {
    const none = findHub({ env: {}, cwd: root, lockDir });
    assert.equal(none.ok, false);
    assert.match(!none.ok ? none.reason : '', /no running hub has a lock file/);
    mkdirSync(join(root, 'other'));
    lock(4001, [join(root, 'other')]);
    const unrelated = findHub({ env: {}, cwd: root, lockDir });
    assert.match(!unrelated.ok ? unrelated.reason : '', /none of the 1 running hub/);
  });

  it('treats a folder as containing itself and its children, not its siblings with a common prefix', () => {
    assert.equal(isInside('/a/b', '/a/b'), true);
    assert.equal(isInside('/a/b/c', '/a/b'), true);
    assert.equal(isInside('/a/bc', '/a/b'), false);
    assert.equal(isInside('/a', '/a/b'), false);
  });
});
