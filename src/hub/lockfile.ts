// Discovery for CLIs started outside Shannon: Do: one lock file per running hub, holding what a
// reporter needs to connect (port, token). The token makes it a secret: the folder is created 0700
// and the file 0600 in the same system call that creates it (exclusive create), never chmod-ed
// afterwards, so there is no moment where another user could read it.
import {
  chmodSync,
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { readUntrustedFileSync } from '../files/safe-read';
import { LockFile, PROTOCOL_VERSION } from '../protocol';

/** $SHANNON_IDE_DIR, else ~/.shannon/ide. */
export function defaultLockDir(): string {
  return process.env.SHANNON_IDE_DIR || join(homedir(), '.shannon', 'ide');
}

export interface LockFileInput {
  dir?: string;
  port: number;
  token: string;
  url: string;
  workspaceFolders: string[];
  pid?: number;
  /** Set while this hub listens on the legacy port (other windows claim their runs here). */
  legacyPort?: number;
  /** Kept when the file is rewritten; defaults to now. */
  createdAt?: string;
}

/** The current user's id, where the platform has one (not on Windows, where ACLs apply instead). */
const currentUid = (): number | undefined => process.getuid?.();

/**
 * The lock folder must be ours and closed to others: anyone who can write into it could plant a
 * lock file that sends our reporters (and their events) to a hub of theirs. A folder we own with
 * looser permissions (made by hand, or by an older tool) is tightened to 0700; one owned by another
 * user is refused.
 */
function secureLockDir(dir: string): void {
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const uid = currentUid();
  if (uid === undefined) return;
  const stat = statSync(dir);
  if (stat.uid !== uid)
    throw new Error(`${dir} belongs to another user (uid ${stat.uid}); refusing to put a hub token there`);
  if ((stat.mode & 0o077) !== 0) chmodSync(dir, 0o700);
}

/** Write `<dir>/<pid>-<port>.json`; returns its path. Throws if it cannot be created. */
export function writeLockFile(input: LockFileInput): string {
  const dir = input.dir ?? defaultLockDir();
  const pid = input.pid ?? process.pid;
  secureLockDir(dir);
  const path = join(dir, `${pid}-${input.port}.json`);
  writeExclusive(path, lockFileContent(input, pid));
  return path;
}

function lockFileContent(input: LockFileInput, pid: number): LockFile {
  const content: LockFile = {
    port: input.port,
    pid,
    token: input.token,
    url: input.url,
    workspaceFolders: input.workspaceFolders,
    protocol: PROTOCOL_VERSION,
    createdAt: input.createdAt ?? new Date().toISOString(),
  };
  if (input.legacyPort !== undefined) content.legacyPort = input.legacyPort;
  return content;
}

/** Create a new file with mode 0600 in the same call (never a moment with looser permissions). */
function writeExclusive(path: string, content: LockFile): void {
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(content, null, 2) + '\n');
  } finally {
    closeSync(fd);
  }
}

/**
 * Rewrite an existing lock file (e.g. when the hub starts or stops holding the legacy port): the
 * new content goes to a fresh 0600 file beside it, which then replaces it in one rename, so a
 * reader sees either the old or the new file, never a half-written one.
 */
export function replaceLockFile(path: string, input: LockFileInput): void {
  const temporary = `${path}.${process.pid}.${Date.now()}.tmp`;
  writeExclusive(temporary, lockFileContent(input, input.pid ?? process.pid));
  try {
    renameSync(temporary, path);
  } catch (error) {
    rmSync(temporary, { force: true });
    throw error;
  }
}

export function removeLockFile(path: string): void {
  rmSync(path, { force: true });
}

/** True unless the OS says there is no such process (EPERM means it exists but is not ours). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code !== 'ESRCH';
  }
}

/** A lock file is a few hundred bytes; anything far larger is not one of ours. */
export const MAX_LOCK_FILE_BYTES = 64 * 1024;

/**
 * Read a lock file, unless another user could have written it: it must be a regular file (a FIFO
 * named `*.json` would otherwise block every `shannon-hub status` and `run`), belong to us and not
 * be writable by group or others, and stay under MAX_LOCK_FILE_BYTES. Checked on the descriptor
 * opened without blocking and without following a symlink (src/files/safe-read.ts).
 */
function readOwnFile(file: string): { text: string } | { skip: string } {
  const read = readUntrustedFileSync(file, {
    maxBytes: MAX_LOCK_FILE_BYTES,
    owner: 'current-user',
    privateToOwner: true,
  });
  if (read.ok) return { text: read.text };
  const foreign = read.problem === 'foreign-owner' || read.problem === 'writable-by-others';
  // Someone else's file is "ignored"; a file we cannot use for another reason is "unreadable".
  return {
    skip: `${foreign ? 'ignored' : 'unreadable'}: ${read.reason.replace(/^belongs to/, 'owned by').replace(/^is writable/, 'writable')}`,
  };
}

export interface FoundLockFile extends LockFile {
  /** Where it was read from. */
  file: string;
}

/**
 * Every valid lock file in dir whose hub process is alive, newest first. Unreadable, invalid and
 * stale files are skipped (reported through onSkip when given); a missing folder means none.
 */
export function readLockFiles(
  dir: string = defaultLockDir(),
  onSkip?: (file: string, reason: string) => void,
): FoundLockFile[] {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch {
    return [];
  }
  const found: FoundLockFile[] = [];
  for (const name of names) {
    if (!name.endsWith('.json')) continue;
    const file = join(dir, name);
    let json: unknown;
    try {
      const read = readOwnFile(file);
      if ('skip' in read) {
        onSkip?.(file, read.skip);
        continue;
      }
      json = JSON.parse(read.text);
    } catch (error) {
      onSkip?.(file, `unreadable: ${(error as Error).message}`);
      continue;
    }
    const parsed = LockFile.safeParse(json);
    if (!parsed.success) {
      onSkip?.(file, `invalid: ${parsed.error.issues[0]?.message ?? 'schema'}`);
      continue;
    }
    if (!isProcessAlive(parsed.data.pid)) {
      onSkip?.(file, `stale: pid ${parsed.data.pid} is gone`);
      continue;
    }
    found.push({ ...parsed.data, file });
  }
  return found.sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt));
}
