// Files from outside that are not what their name says: FIFOs, sockets, devices, symlinks, files of
// other users and huge files, as real files in temp folders. The reader (src/files/safe-read.ts)
// opens without blocking and checks the open descriptor; the lock-file readers use it, so a FIFO
// named `*.json` in the lock folder no longer hangs `shannon-hub status` or `shannon-hub run`.
import assert from 'node:assert/strict';
import { execFileSync, spawn } from 'node:child_process';
import { chmodSync, chownSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import {
  formatBytes,
  inspectUntrustedFile,
  openUntrustedFile,
  readUntrustedFile,
  readUntrustedFileSync,
  type FileExpectations,
} from '../../src/files/safe-read';

const REPO = resolve(__dirname, '../..');
const EXPECT: FileExpectations = { maxBytes: 1000, owner: 'current-user' };

function mkfifo(path: string): void {
  execFileSync('mkfifo', [path]);
}

describe('reading untrusted files', () => {
  let dir: string;
  let server: Server | undefined;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'shannon-safe-read-'))));
  afterEach(async () => {
    await new Promise<void>((done) => (server ? server.close(() => done()) : done()));
    server = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  it('reads a regular file of ours, async and sync, and opens it for ranged reads', async () => {
    const file = join(dir, 'ok.json');
    writeFileSync(file, '{"a":1}');
    assert.deepEqual(await readUntrustedFile(file, EXPECT), { ok: true, text: '{"a":1}', size: 7 });
    assert.deepEqual(readUntrustedFileSync(file, EXPECT), { ok: true, text: '{"a":1}', size: 7 });
    const inspected = await inspectUntrustedFile(file, EXPECT);
    assert.ok(inspected.ok && inspected.size === 7);
    const opened = await openUntrustedFile(file, EXPECT);
    assert.ok(opened.ok);
    const buffer = Buffer.alloc(3);
    await opened.handle.read(buffer, 0, 3, 4); // `:1}`
    await opened.handle.close();
    assert.equal(buffer.toString(), ':1}');
  });

  it('refuses a FIFO at once, without waiting for a writer (async and sync)', async () => {
    const fifo = join(dir, 'x.json');
    mkfifo(fifo);
    const read = await readUntrustedFile(fifo, EXPECT);
    assert.deepEqual(read, { ok: false, problem: 'not-regular', reason: 'is a FIFO (named pipe), not a regular file' });
    const sync = readUntrustedFileSync(fifo, EXPECT);
    assert.equal(sync.ok, false);
    assert.match(sync.ok ? '' : sync.reason, /FIFO/);
  });

  it('refuses a socket, a directory and a device; a symlink is not followed unless asked', async () => {
    const socketPath = join(dir, 'sock.json');
    server = createServer();
    await new Promise<void>((done) => server!.listen(socketPath, () => done()));
    assert.match(
      ((await readUntrustedFile(socketPath, EXPECT)) as { reason: string }).reason,
      /is a socket or an unusable device, not a regular file/,
    );
    assert.match(((await readUntrustedFile(dir, EXPECT)) as { reason: string }).reason, /directory/);

    const link = join(dir, 'zero.json');
    symlinkSync('/dev/zero', link);
    assert.deepEqual(await readUntrustedFile(link, EXPECT), {
      ok: false,
      problem: 'symlink',
      reason: 'is a symbolic link; not followed',
    });
    const followed = await readUntrustedFile(link, { ...EXPECT, followSymlinks: true, owner: 'any' });
    assert.match((followed as { reason: string }).reason, /is a character device, not a regular file/);
  });

  it('refuses a file over the cap without reading it, and names both sizes', async () => {
    const big = join(dir, 'big.json');
    writeFileSync(big, 'x'.repeat(3 * 1024 * 1024));
    const read = await readUntrustedFile(big, { maxBytes: 1024 * 1024 });
    assert.deepEqual(read, {
      ok: false,
      problem: 'too-large',
      size: 3 * 1024 * 1024,
      reason: 'is 3.0 MiB, over the 1.0 MiB limit; not read',
    });
    assert.equal(readUntrustedFileSync(big, { maxBytes: 1024 * 1024 }).ok, false);
    assert.equal((await readUntrustedFile(big, { maxBytes: 3 * 1024 * 1024 })).ok, true, 'exactly at the cap is fine');
    assert.equal(formatBytes(500 * 1024 * 1024), '500.0 MiB');
  });

  it('refuses files writable by others when they must be private, and missing files by name', async () => {
    const open = join(dir, 'open.json');
    writeFileSync(open, '{}');
    chmodSync(open, 0o666);
    assert.deepEqual(readUntrustedFileSync(open, { ...EXPECT, privateToOwner: true }), {
      ok: false,
      problem: 'writable-by-others',
      reason: 'is writable by other users (mode 666)',
    });
    assert.equal((await readUntrustedFile(open, EXPECT)).ok, true, 'allowed when privacy is not required');
    assert.deepEqual(await readUntrustedFile(join(dir, 'none.json'), EXPECT), {
      ok: false,
      problem: 'missing',
      reason: 'file not found',
    });
  });

  it('refuses a file owned by another user when it must be ours (root only: chown)', async function () {
    if (process.getuid?.() !== 0) this.skip();
    const theirs = join(dir, 'theirs.json');
    writeFileSync(theirs, '{}');
    chownSync(theirs, 65534, 65534);
    assert.deepEqual(await readUntrustedFile(theirs, EXPECT), {
      ok: false,
      problem: 'foreign-owner',
      reason: 'belongs to another user (uid 65534)',
    });
    assert.equal((await readUntrustedFile(theirs, { ...EXPECT, owner: 'any' })).ok, true);
  });
});

describe('a FIFO in the lock folder', function () {
  this.timeout(60_000);
  let lockDir: string;
  beforeEach(() => {
    lockDir = mkdtempSync(join(tmpdir(), 'shannon-fifo-locks-'));
    chmodSync(lockDir, 0o700);
    mkfifo(join(lockDir, '4242-1234.json'));
  });
  afterEach(() => rmSync(lockDir, { recursive: true, force: true }));

  /** Run `shannon-hub <args>`; resolves with the exit code, or fails if it is still running after 40 s. */
  function shannonHub(args: string[]): Promise<{ code: number | null; stderr: string }> {
    const env: NodeJS.ProcessEnv = {};
    for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('SHANNON_')) env[key] = value;
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/reporter/cli.ts', ...args], {
      cwd: REPO,
      env: { ...env, SHANNON_IDE_DIR: lockDir },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr!.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    return new Promise((done, fail) => {
      const timer = setTimeout(() => {
        child.kill('SIGKILL');
        fail(new Error(`shannon-hub ${args.join(' ')} still running after 40 s (blocked on the FIFO?)`));
      }, 40_000);
      child.once('exit', (code) => {
        clearTimeout(timer);
        done({ code, stderr });
      });
    });
  }

  it('does not hang `shannon-hub status`: no hub found, exit 3', async () => {
    const result = await shannonHub(['status']);
    assert.equal(result.code, 3, result.stderr);
  });

  it("does not hang `shannon-hub run`: the user's command still runs", async () => {
    const result = await shannonHub(['run', '--', process.execPath, '-e', 'process.exit(7)']);
    assert.equal(result.code, 7, result.stderr);
  });
});
