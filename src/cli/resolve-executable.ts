// Find the Shannon CLI before anything is started: on the PATH the terminal will have, or at the
// configured path. Looking first means a missing CLI becomes one clear message instead of a
// "command not found" scrolling by in a terminal and a session stuck in pending.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';

export interface ResolveOptions {
  /** PATH as the terminal will see it. */
  pathValue: string | undefined;
  /** Windows: the extensions tried for a bare name (PATHEXT). */
  pathExt?: string;
  /** Relative paths in the setting are taken relative to this folder (the workspace folder). */
  cwd: string;
  platform?: NodeJS.Platform;
  homeDir?: string;
}

export type ResolvedExecutable = { found: true; path: string; viaPath: boolean } | { found: false; searched: string[] };

async function isExecutableFile(candidate: string, platform: NodeJS.Platform): Promise<boolean> {
  try {
    const info = await stat(candidate);
    if (!info.isFile()) return false;
    // Windows has no execute bit; there the extension decides (see PATHEXT).
    if (platform !== 'win32') await access(candidate, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

function hasDirectoryPart(command: string, platform: NodeJS.Platform): boolean {
  return platform === 'win32' ? /[\\/]/.test(command) : command.includes('/');
}

function windowsCandidates(base: string, pathExt: string | undefined): string[] {
  const extensions = (pathExt ?? '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean);
  // A name that already carries an extension is tried as written first.
  return [base, ...extensions.map((extension) => base + extension.toLowerCase())];
}

export async function resolveExecutable(command: string, options: ResolveOptions): Promise<ResolvedExecutable> {
  const platform = options.platform ?? process.platform;
  const home = options.homeDir ?? os.homedir();
  let expanded = command.trim();
  if (expanded === '~' || expanded.startsWith('~/') || expanded.startsWith('~\\')) expanded = home + expanded.slice(1);

  const candidatesFor = (base: string) => (platform === 'win32' ? windowsCandidates(base, options.pathExt) : [base]);
  const searched: string[] = [];

  if (hasDirectoryPart(expanded, platform)) {
    const absolute = path.resolve(options.cwd, expanded);
    for (const candidate of candidatesFor(absolute)) {
      searched.push(candidate);
      if (await isExecutableFile(candidate, platform)) return { found: true, path: candidate, viaPath: false };
    }
    return { found: false, searched };
  }

  const separator = platform === 'win32' ? ';' : ':';
  const directories = (options.pathValue ?? '').split(separator).filter((entry) => entry.length > 0);
  for (const directory of directories) {
    for (const candidate of candidatesFor(path.join(directory, expanded))) {
      searched.push(candidate);
      if (await isExecutableFile(candidate, platform)) return { found: true, path: candidate, viaPath: true };
    }
  }
  return { found: false, searched };
}

/**
 * The PATH a new integrated terminal gets: the extension host's, overridden by the user's
 * `terminal.integrated.env.<platform>` PATH (which may reference `${env:PATH}`).
 */
export function terminalPathValue(
  hostPath: string | undefined,
  terminalEnvPath: string | null | undefined,
): string | undefined {
  if (typeof terminalEnvPath !== 'string') return hostPath;
  return terminalEnvPath.replace(/\$\{env:PATH\}/gi, hostPath ?? '');
}
