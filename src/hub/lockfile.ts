// Discovery for CLIs started outside Shannon: Do: one lock file per running hub, holding what a
// reporter needs to connect (port, token). The token makes it a secret: the folder is created 0700
// and the file 0600 in the same system call that creates it (exclusive create), never chmod-ed
// afterwards, so there is no moment where another user could read it.
import { mkdirSync, openSync, readdirSync, readFileSync, rmSync, writeSync, closeSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';
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
}

/** Write `<dir>/<pid>-<port>.json`; returns its path. Throws if it cannot be created. */
export function writeLockFile(input: LockFileInput): string {
  const dir = input.dir ?? defaultLockDir();
  const pid = input.pid ?? process.pid;
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const path = join(dir, `${pid}-${input.port}.json`);
  const content: LockFile = {
    port: input.port,
    pid,
    token: input.token,
    url: input.url,
    workspaceFolders: input.workspaceFolders,
    protocol: PROTOCOL_VERSION,
    createdAt: new Date().toISOString(),
  };
  const fd = openSync(path, 'wx', 0o600);
  try {
    writeSync(fd, JSON.stringify(content, null, 2) + '\n');
  } finally {
    closeSync(fd);
  }
  return path;
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

export interface FoundLockFile extends LockFile {
  /** Where it was read from. */
  file: string;
}

/**
 * Every valid lock file in dir whose hub process is alive, newest first. Unreadable, invalid and
 * stale files are skipped (reported through onSkip when given); a missing folder means none.
 */
export function readLockFiles(dir: string = defaultLockDir(), onSkip?: (file: string, reason: string) => void): FoundLockFile[] {
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
      json = JSON.parse(readFileSync(file, 'utf8'));
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
