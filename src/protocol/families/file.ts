// Files the run changed: the summary's `filesChanged`, each path once, and `changes`, what the
// Changes review lists: each path with its operation and the seq of its latest change (a file kept
// before that change is unreviewed again). A checkpoint names files the run is about to change,
// so they enter `changes` too (the checkpoint family calls noteCheckpointedFiles).
import type { FileChange, SessionSummary } from '../session';
import type { EventEnvelope } from '../wire';
import { str, text, type EventFamily } from './family';

/**
 * The summary lists the latest 2,000 changed files (the events keep them all). Every file event
 * copies the lists; unbounded, a run (or a hostile client) naming 100,000 files would make each
 * event cost as much as all before it, and the summary too big to send or store.
 */
export const MAX_FILES_LISTED = 2000;

/** Keep the newest `max` entries; count what was dropped in `dropped`. */
function capped<T>(
  list: T[],
  max: number,
  next: SessionSummary,
  counter: 'changesDropped' | 'checkpointsDropped' | 'agentsDropped',
): T[] {
  if (list.length <= max) return list;
  next[counter] = (next[counter] ?? 0) + list.length - max;
  return list.slice(list.length - max);
}

function touchChange(next: SessionSummary, path: string, seq: number, operation: string | undefined): void {
  const changes = next.changes ?? [];
  const index = changes.findIndex((c) => c.path === path);
  const change: FileChange = { path, seq };
  const op = operation ?? (index >= 0 ? changes[index].operation : undefined);
  if (op !== undefined) change.operation = op;
  if (index < 0) {
    next.changes = capped([...changes, change], MAX_FILES_LISTED, next, 'changesDropped');
  } else {
    const copy = changes.slice();
    copy[index] = change;
    next.changes = copy;
  }
}

/** checkpoint:created with `files`: those not yet listed enter the review (a checkpoint is not a change). */
export { capped };

export function noteCheckpointedFiles(next: SessionSummary, event: EventEnvelope): void {
  const files = event.data.files;
  if (!Array.isArray(files)) return;
  for (const file of files) {
    if (typeof file !== 'string' || file.length === 0) continue;
    if ((next.changes ?? []).some((c) => c.path === file)) continue;
    touchChange(next, file, event.seq, undefined);
  }
}

export const fileFamily: EventFamily = {
  name: 'file',
  kinds: {
    'file:changed': {
      summary: (d) => `${text(d.operation) ? `${d.operation as string} ` : ''}${text(d.path) ?? ''}`,
      tone: 'plain',
      legacy: 'normalize',
    },
  },
  legacy: {
    underscore: true,
    // The CLI's `file:modified`, the old dashboard's `file_changed`, the orchestrator's `file:created`.
    aliases: {
      'file:modified': 'file:changed',
      'file:created': 'file:changed',
      'file:written': 'file:changed',
      'file:edited': 'file:changed',
    },
    mapData(_kind, fields, data, eventType) {
      const path = fields.file_path ?? fields.filePath ?? fields.path ?? fields.file;
      if (typeof path === 'string') data.path = path;
      delete data.filePath;
      if (data.file === path) delete data.file;
      // The orchestrator's `file:created` names no operation; say what happened rather than nothing.
      if (data.operation === undefined && /created$/.test(eventType)) data.operation = 'created';
    },
  },
  summaryArrays: ['filesChanged', 'changes'],
  initSummary(summary) {
    summary.filesChanged = [];
    summary.changes = [];
  },
  reduce(next, event) {
    if (event.kind !== 'file:changed') return;
    const path = str(event.data.path);
    if (path && !next.filesChanged.includes(path))
      next.filesChanged = [...next.filesChanged.slice(1 - MAX_FILES_LISTED), path];
    if (path) touchChange(next, path, event.seq, str(event.data.operation));
  },
};
