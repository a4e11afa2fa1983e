// Which hub a reporter talks to. The environment wins (Shannon: Do and the window's terminals set
// SHANNON_HUB_URL / SHANNON_HUB_TOKEN); otherwise the lock file of a running hub whose workspace
// folder contains the current directory, the deepest folder first, so a terminal in a nested
// project reports to that project's window rather than to the window of its parent folder.
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { defaultLockDir, readLockFiles, type FoundLockFile } from '../hub/lockfile';
import type { HubAddress } from './client';

export interface HubLocation extends HubAddress {
  /** `env`: from SHANNON_HUB_URL/SHANNON_HUB_TOKEN; `lockfile`: from `lockFile`. */
  source: 'env' | 'lockfile';
  lockFile?: string;
  /** The workspace folder that matched the current directory (lock file source only). */
  workspaceFolder?: string;
}

export type DiscoveryResult = { ok: true; location: HubLocation } | { ok: false; reason: string };

export interface DiscoveryInput {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Defaults to $SHANNON_IDE_DIR (from `env`), else ~/.shannon/ide. */
  lockDir?: string;
}

/** Resolve symlinks when the path exists, so /tmp vs /private/tmp style aliases still match. */
function canonical(path: string): string {
  try {
    return realpathSync.native(path);
  } catch {
    return resolve(path);
  }
}

/** True when `dir` is `folder` itself or somewhere below it. */
export function isInside(dir: string, folder: string): boolean {
  const rel = relative(folder, dir);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
}

/**
 * The lock file to use for `cwd`: among live hubs whose workspace folders contain it, the one with
 * the deepest (longest) matching folder; ties go to the newest hub (readLockFiles sorts newest first).
 */
export function selectLockFile(
  lockFiles: readonly FoundLockFile[],
  cwd: string,
): { lock: FoundLockFile; folder: string } | undefined {
  const here = canonical(cwd);
  let best: { lock: FoundLockFile; folder: string; depth: number } | undefined;
  for (const lock of lockFiles) {
    for (const folder of lock.workspaceFolders) {
      const resolved = canonical(folder);
      if (!isInside(here, resolved)) continue;
      if (!best || resolved.length > best.depth) best = { lock, folder: resolved, depth: resolved.length };
    }
  }
  return best && { lock: best.lock, folder: best.folder };
}

export function findHub(input: DiscoveryInput = {}): DiscoveryResult {
  const env = input.env ?? process.env;
  const url = env.SHANNON_HUB_URL?.trim();
  const token = env.SHANNON_HUB_TOKEN?.trim();
  if (url || token) {
    if (!url) return { ok: false, reason: 'SHANNON_HUB_TOKEN is set but SHANNON_HUB_URL is not' };
    if (!token) return { ok: false, reason: 'SHANNON_HUB_URL is set but SHANNON_HUB_TOKEN is not' };
    if (!/^wss?:\/\//.test(url)) return { ok: false, reason: `SHANNON_HUB_URL must be a ws:// url, got ${url}` };
    return { ok: true, location: { url, token, source: 'env' } };
  }

  const lockDir = input.lockDir ?? (env.SHANNON_IDE_DIR || defaultLockDir());
  const cwd = input.cwd ?? process.cwd();
  const lockFiles = readLockFiles(lockDir);
  const match = selectLockFile(lockFiles, cwd);
  if (!match) {
    const why =
      lockFiles.length === 0
        ? `no running hub has a lock file in ${lockDir}`
        : `none of the ${lockFiles.length} running hub(s) in ${lockDir} has a workspace folder containing ${cwd}`;
    return { ok: false, reason: `SHANNON_HUB_URL/SHANNON_HUB_TOKEN are not set and ${why}` };
  }
  return {
    ok: true,
    location: {
      url: match.lock.url,
      token: match.lock.token,
      source: 'lockfile',
      lockFile: match.lock.file,
      workspaceFolder: match.folder,
    },
  };
}
