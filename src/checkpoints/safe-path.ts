// The one gate every path from a checkpoint passes before we read or write it. A checkpoint file is
// input from outside (any process can write `.shannon/checkpoints/`), so a path in it may try to
// leave the workspace folder (`../x`, `/etc/passwd`, a symlinked directory) or reach into `.git`.
// Restores must never do either: the user only agreed to change files of this folder.
import * as fs from 'node:fs/promises';
import * as path from 'node:path';

export type SafePathResult = { ok: true; absPath: string } | { ok: false; reason: string };

/** Lexical checks only: no file system access. */
export function checkRelativePath(relPath: string): { ok: true; segments: string[] } | { ok: false; reason: string } {
  if (relPath.length === 0) return { ok: false, reason: 'empty path' };
  if (relPath.includes('\0')) return { ok: false, reason: 'path contains a NUL character' };
  if (relPath.startsWith('/') || relPath.startsWith('\\') || /^[A-Za-z]:/.test(relPath)) {
    return { ok: false, reason: `absolute path "${relPath}" is outside the workspace folder` };
  }
  // Backslashes count as separators too: on Windows they are, and a checkpoint written there must
  // not smuggle `..\` past a check that only splits on `/`.
  const segments = relPath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  if (segments.length === 0) return { ok: false, reason: `path "${relPath}" names the folder itself` };
  if (segments.includes('..'))
    return { ok: false, reason: `path "${relPath}" contains ".." and could leave the workspace folder` };
  if (segments.some((s) => s.toLowerCase() === '.git')) {
    return { ok: false, reason: `path "${relPath}" is inside .git; restores never touch git's data` };
  }
  return { ok: true, segments };
}

function isInside(parent: string, child: string): boolean {
  const rel = path.relative(parent, child);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

async function lstatOrUndefined(p: string) {
  try {
    return await fs.lstat(p);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw err;
  }
}

/**
 * Resolves a checkpoint's relative path inside `folder`, following symlinks on the way: the real
 * path of the nearest existing ancestor (or of the file itself when it exists) must stay inside
 * the real path of the folder and outside its `.git`.
 */
export async function resolveInsideFolder(folder: string, relPath: string): Promise<SafePathResult> {
  const lexical = checkRelativePath(relPath);
  if (!lexical.ok) return lexical;
  let realFolder: string;
  try {
    realFolder = await fs.realpath(folder);
  } catch (err) {
    return { ok: false, reason: `workspace folder ${folder} cannot be resolved: ${(err as Error).message}` };
  }
  const absPath = path.join(folder, ...lexical.segments);

  // Walk up from the target to the first thing that exists; that one decides where we really land.
  let probe = absPath;
  for (;;) {
    let stat;
    try {
      stat = await lstatOrUndefined(probe);
    } catch (err) {
      return { ok: false, reason: `cannot inspect ${probe}: ${(err as Error).message}` };
    }
    if (stat) break;
    const parent = path.dirname(probe);
    if (parent === probe) return { ok: false, reason: `no existing ancestor for "${relPath}"` };
    probe = parent;
  }
  let realProbe: string;
  try {
    realProbe = await fs.realpath(probe);
  } catch (err) {
    // lstat saw it but realpath cannot follow it: a dangling or looping symlink.
    return { ok: false, reason: `"${relPath}" goes through a broken symlink (${(err as Error).message})` };
  }
  if (!isInside(realFolder, realProbe)) {
    return {
      ok: false,
      reason: `"${relPath}" resolves through a symlink to ${realProbe}, outside the workspace folder`,
    };
  }
  if (isInside(path.join(realFolder, '.git'), realProbe)) {
    return { ok: false, reason: `"${relPath}" resolves through a symlink into .git; restores never touch git's data` };
  }
  return { ok: true, absPath };
}
