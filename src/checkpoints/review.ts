// The pure half of the Changes review: which text counts as "before the run" for a changed file,
// and which changed files the person has reviewed (kept or undone). The editor half
// (src/vscode/review.ts) reads files, asks VS Code's Git extension and applies Undo.
import type { FileChange, ReviewMarks } from '../protocol/session';
import type { LoadResult } from './read';

/** Where the "before" text of a file came from; the diff title says it. */
export type BeforeText =
  /** The run's earliest checkpoint that holds the file (`created`: it did not exist then). */
  | { source: 'checkpoint'; checkpointId: string; folder: string; text: string; created: boolean }
  /** The file at git HEAD (`created`: the repository has no such file at HEAD). */
  | { source: 'git'; text: string; created: boolean }
  /** No checkpoint holds it and git knows nothing: the diff is against an empty text. */
  | { source: 'none'; text: '' };

/** What git says about a file at HEAD: its text, that HEAD has no such file, or nothing (no repository). */
export type GitHeadText = { state: 'text'; text: string } | { state: 'absent' } | { state: 'unknown' };

export interface BeforeTextSources {
  /** The run's checkpoints in the order they were created (the session summary's `checkpoints`). */
  checkpointIds: readonly string[];
  /** Workspace folders to look for `.shannon/checkpoints` in, in order. */
  folders: readonly string[];
  loadCheckpoint(folder: string, checkpointId: string): Promise<LoadResult>;
  /** The file at git HEAD; never runs git itself (the extension asks VS Code's Git extension). */
  gitHead(relPath: string): Promise<GitHeadText>;
}

/**
 * The text the file had before the run: the earliest run checkpoint holding it (checkpoints are
 * written before a change, so the earliest is the oldest text the run saw), else git HEAD, else
 * none. A checkpoint that cannot be read is skipped rather than failing the review.
 */
export async function chooseBeforeText(relPath: string, sources: BeforeTextSources): Promise<BeforeText> {
  for (const checkpointId of sources.checkpointIds) {
    for (const folder of sources.folders) {
      const load = await sources.loadCheckpoint(folder, checkpointId);
      if (!load.ok) continue;
      const file = load.loaded.files.find((f) => f.path === relPath);
      if (!file) continue;
      const created = file.status === 'deleted';
      return { source: 'checkpoint', checkpointId, folder, text: created ? '' : (file.text ?? ''), created };
    }
  }
  const head = await sources.gitHead(relPath);
  if (head.state === 'text') return { source: 'git', text: head.text, created: false };
  if (head.state === 'absent') return { source: 'git', text: '', created: true };
  return { source: 'none', text: '' };
}

/** How the diff editor's title names the left side. */
export function describeBefore(before: BeforeText): string {
  switch (before.source) {
    case 'checkpoint':
      return before.created
        ? 'did not exist before the run'
        : `before the run (checkpoint ${before.checkpointId.slice(0, 8)})`;
    case 'git':
      return before.created ? 'not in git HEAD' : 'git HEAD';
    case 'none':
      return 'no earlier version known';
  }
}

export type { ReviewMark, ReviewMarks } from '../protocol/session';

/** Reviewed when marked at or after its latest change: a file the run changed again is unreviewed again. */
export function isReviewed(change: FileChange, marks: ReviewMarks): boolean {
  const mark = Object.hasOwn(marks, change.path) ? marks[change.path] : undefined;
  return mark !== undefined && mark.seq >= change.seq;
}

export function unreviewed(changes: readonly FileChange[] | undefined, marks: ReviewMarks): FileChange[] {
  return (changes ?? []).filter((change) => !isReviewed(change, marks));
}

/** Undo puts the before text back, or deletes a file the run created; with no before text it cannot. */
export function undoAction(
  before: BeforeText,
): { action: 'write'; text: string } | { action: 'delete' } | { action: 'none' } {
  if (before.source === 'none') return { action: 'none' };
  if (before.created) return { action: 'delete' };
  return { action: 'write', text: before.text };
}
