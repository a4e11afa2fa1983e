// Discovery lock files: permissions as created, content, removal, and readers skipping stale,
// invalid and foreign files.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, chownSync, existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LockFile } from '../../src/protocol/discovery';
import { defaultLockDir, readLockFiles, writeLockFile } from '../../src/hub/lockfile';
import { Fixture, TestClient } from './hub-support';

/** A pid that certainly belongs to no running process: a child that has already exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(child.stdout);
}

describe('hub lock file', () => {
  let fx: Fixture;
  beforeEach(() => {
    fx = new Fixture();
  });
  afterEach(async () => {
    await fx.dispose();
  });

  it('is written as <pid>-<port>.json, 0600 in a 0700 folder, with what a reporter needs, and removed on dispose', async () => {
    const dir = join(fx.tempDir(), 'home', '.shannon', 'ide');
    const hub = await fx.hub({ lockFile: { dir, workspaceFolders: ['/work/project'] } });
    const path = hub.lockFilePath!;
    assert.equal(path, join(dir, `${process.pid}-${hub.port}.json`));
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(path).mode & 0o777, 0o600);
    const lock = LockFile.parse(JSON.parse(readFileSync(path, 'utf8')));
    assert.deepEqual(
      {
        port: lock.port,
        pid: lock.pid,
        token: lock.token,
        url: lock.url,
        folders: lock.workspaceFolders,
        protocol: lock.protocol,
      },
      { port: hub.port, pid: process.pid, token: hub.token, url: hub.url, folders: ['/work/project'], protocol: 1 },
    );
    assert.equal(hub.status().lockFile, path);

    // What the file says is enough to connect.
    const found = readLockFiles(dir);
    assert.equal(found.length, 1);
    const client = await TestClient.connect(found[0].url, { token: found[0].token });
    client.hello();
    await client.welcome();
    client.terminate();

    await hub.dispose();
    assert.equal(existsSync(path), false);
    assert.deepEqual(readLockFiles(dir), []);
  });

  it('readers ignore lock files of dead processes, invalid files and other names', () => {
    const dir = fx.tempDir();
    const live = writeLockFile({ dir, port: 4100, token: 't', url: 'ws://127.0.0.1:4100', workspaceFolders: ['/a'] });
    const stalePid = deadPid();
    writeLockFile({ dir, pid: stalePid, port: 4101, token: 't', url: 'ws://127.0.0.1:4101', workspaceFolders: ['/a'] });
    // Explicit modes: whatever the umask, these are only the current user's to write.
    writeFileSync(join(dir, '1-2.json'), '{"port": "not a number"}', { mode: 0o644 });
    chmodSync(join(dir, '1-2.json'), 0o644);
    writeFileSync(join(dir, '3-4.json'), 'garbage', { mode: 0o644 });
    chmodSync(join(dir, '3-4.json'), 0o644);
    writeFileSync(join(dir, 'notes.txt'), 'hello');
    const skipped: string[] = [];
    const found = readLockFiles(dir, (file, reason) =>
      skipped.push(`${file.split('/').pop()}: ${reason.split(':')[0]}`),
    );
    assert.deepEqual(
      found.map((f) => f.file),
      [live],
    );
    assert.deepEqual(
      skipped.sort(),
      ['1-2.json: invalid', `${stalePid}-4101.json: stale`, '3-4.json: unreadable'].sort(),
    );
    assert.deepEqual(readLockFiles(join(dir, 'missing')), []);
  });

  it('tightens a lock folder of ours that others could read or write to 0700 before writing', () => {
    const dir = join(fx.tempDir(), 'ide');
    mkdirSync(dir);
    chmodSync(dir, 0o777);
    const file = writeLockFile({ dir, port: 4300, token: 'secret', url: 'ws://127.0.0.1:4300', workspaceFolders: [] });
    assert.equal(statSync(dir).mode & 0o777, 0o700);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it("readers ignore a lock file that other users can write: it could point reporters at anyone's hub", () => {
    const dir = fx.tempDir();
    const planted = writeLockFile({
      dir,
      port: 4400,
      token: 't',
      url: 'ws://127.0.0.1:4400',
      workspaceFolders: ['/a'],
    });
    chmodSync(planted, 0o666);
    const skipped: string[] = [];
    assert.deepEqual(
      readLockFiles(dir, (file, reason) => skipped.push(reason)),
      [],
    );
    assert.deepEqual(skipped, ['ignored: writable by other users (mode 666)']);
  });

  it("refuses another user's lock folder and ignores their lock files (as root, which can make them)", function () {
    if (process.getuid?.() !== 0) this.skip();
    const nobody = 65534;
    const theirs = join(fx.tempDir(), 'theirs');
    mkdirSync(theirs, { mode: 0o700 });
    chownSync(theirs, nobody, nobody);
    assert.throws(
      () => writeLockFile({ dir: theirs, port: 4500, token: 't', url: 'ws://127.0.0.1:4500', workspaceFolders: [] }),
      /belongs to another user \(uid 65534\)/,
    );

    const dir = fx.tempDir();
    const foreign = writeLockFile({
      dir,
      port: 4501,
      token: 't',
      url: 'ws://127.0.0.1:4501',
      workspaceFolders: ['/a'],
    });
    chownSync(foreign, nobody, nobody);
    const skipped: string[] = [];
    assert.deepEqual(
      readLockFiles(dir, (file, reason) => skipped.push(reason)),
      [],
    );
    assert.deepEqual(skipped, ['ignored: owned by another user (uid 65534)']);
  });

  it('never overwrites an existing file (exclusive create)', () => {
    const dir = fx.tempDir();
    const existing = writeLockFile({ dir, port: 4200, token: 'a', url: 'ws://127.0.0.1:4200', workspaceFolders: [] });
    assert.throws(
      () => writeLockFile({ dir, port: 4200, token: 'b', url: 'ws://127.0.0.1:4200', workspaceFolders: [] }),
      /EEXIST/,
    );
    assert.equal(JSON.parse(readFileSync(existing, 'utf8')).token, 'a');
  });

  it('defaults to $SHANNON_IDE_DIR, else ~/.shannon/ide', () => {
    const saved = process.env.SHANNON_IDE_DIR;
    try {
      process.env.SHANNON_IDE_DIR = '/tmp/somewhere';
      assert.equal(defaultLockDir(), '/tmp/somewhere');
      delete process.env.SHANNON_IDE_DIR;
      assert.match(defaultLockDir(), /[/\\]\.shannon[/\\]ide$/);
    } finally {
      if (saved === undefined) delete process.env.SHANNON_IDE_DIR;
      else process.env.SHANNON_IDE_DIR = saved;
    }
  });
});
