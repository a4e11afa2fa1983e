// What a restore would do, worked out before anything is written: which files change, which are
// deleted, which already match, and which paths are refused. The modal shows this plan, the safety
// checkpoint records the "current" side of it, and the editor applies exactly its changes.
import { readUntrustedFile } from '../files/safe-read';
import { CHECKPOINT_CONTENTS_MAX_BYTES, type LoadedCheckpoint } from './read';
import { resolveInsideFolder } from './safe-path';

export type RestoreAction = 'create' | 'modify' | 'delete';
export interface RestoreChange {
  path: string;
  absPath: string;
  action: RestoreAction;
  /** The text the file gets (create/modify). */
  newText?: string;
  /** What is there now; null when the file does not exist. */
  currentText: string | null;
}
export interface RestoreProblem {
  path: string;
  reason: string;
}
export interface RestorePlan {
  folder: string;
  checkpointId: string;
  changes: RestoreChange[];
  unchanged: string[];
  /** Any problem refuses the whole restore: a partial restore is worse than none. */
  problems: RestoreProblem[];
}

/**
 * How to read a file's current text. The extension passes one that prefers an open editor's
 * (possibly unsaved) text, because that is what the user would lose. undefined = use the disk.
 */
export type CurrentTextReader = (absPath: string) => Promise<string | null | undefined>;

/**
 * The file's text now, or null when it does not exist. The path passed the checks of safe-path.ts,
 * but what is there may still be a FIFO or a huge file: read without blocking, at most the size a
 * checkpoint may hold (the safety checkpoint has to store it).
 */
async function readFromDisk(absPath: string): Promise<string | null> {
  const read = await readUntrustedFile(absPath, { maxBytes: CHECKPOINT_CONTENTS_MAX_BYTES, followSymlinks: true });
  if (read.ok) return read.text;
  if (read.problem === 'missing') return null;
  throw new Error(read.problem === 'not-regular' ? `exists but ${read.reason}` : read.reason);
}

export async function planRestore(loaded: LoadedCheckpoint, readCurrent?: CurrentTextReader): Promise<RestorePlan> {
  const plan: RestorePlan = {
    folder: loaded.folder,
    checkpointId: loaded.checkpoint.id,
    changes: [],
    unchanged: [],
    problems: [],
  };
  for (const file of loaded.files) {
    const resolved = await resolveInsideFolder(loaded.folder, file.path);
    if (!resolved.ok) {
      plan.problems.push({ path: file.path, reason: resolved.reason });
      continue;
    }
    let currentText: string | null;
    try {
      const fromEditor = readCurrent ? await readCurrent(resolved.absPath) : undefined;
      currentText = fromEditor !== undefined ? fromEditor : await readFromDisk(resolved.absPath);
    } catch (err) {
      plan.problems.push({ path: file.path, reason: `cannot read current file: ${(err as Error).message}` });
      continue;
    }
    if (file.status === 'deleted') {
      if (currentText === null) plan.unchanged.push(file.path);
      else plan.changes.push({ path: file.path, absPath: resolved.absPath, action: 'delete', currentText });
    } else if (currentText === file.text) {
      plan.unchanged.push(file.path);
    } else {
      plan.changes.push({
        path: file.path,
        absPath: resolved.absPath,
        action: currentText === null ? 'create' : 'modify',
        newText: file.text ?? '',
        currentText,
      });
    }
  }
  return plan;
}

/** One line per change, for the confirmation modal and the log. */
export function describeChanges(plan: RestorePlan): string[] {
  const verb: Record<RestoreAction, string> = { create: 'create', modify: 'change', delete: 'delete' };
  return plan.changes.map((c) => `${verb[c.action]} ${c.path}`);
}

/** Same files, same actions: used to notice that the workspace moved while the modal was open. */
export function sameChanges(a: RestorePlan, b: RestorePlan): boolean {
  const key = (p: RestorePlan) => p.changes.map((c) => `${c.action}:${c.path}`).join('\n');
  return key(a) === key(b);
}
