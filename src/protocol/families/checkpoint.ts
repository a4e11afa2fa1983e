// Checkpoints the run reported: the summary's `checkpoints` (the Checkpoints tree reads them too).
import type { CheckpointRef } from '../session';
import { str, strings, text, type EventFamily } from './family';
import { capped, noteCheckpointedFiles } from './file';

/** The summary lists the latest 1,000 checkpoints (the files on disk and the events keep them all). */
export const MAX_CHECKPOINTS_LISTED = 1000;

export const checkpointFamily: EventFamily = {
  name: 'checkpoint',
  kinds: {
    'checkpoint:created': {
      summary: (d) =>
        `${text(d.label) ?? text(d.checkpointId) ?? ''}${Array.isArray(d.files) ? ` (${d.files.length} files)` : ''}`,
      tone: 'plain',
      legacy: 'normalize',
    },
  },
  legacy: { underscore: true },
  summaryArrays: ['checkpoints'],
  initSummary(summary) {
    summary.checkpoints = [];
  },
  reduce(next, event) {
    if (event.kind !== 'checkpoint:created') return;
    const id = str(event.data.checkpointId);
    if (!id) return;
    const ref: CheckpointRef = { id, ts: event.ts };
    const label = str(event.data.label);
    if (label !== undefined) ref.label = label;
    const skillName = str(event.data.skillName);
    if (skillName !== undefined) ref.skillName = skillName;
    const files = strings(event.data.files);
    if (files !== undefined) ref.files = files;
    next.checkpoints = capped([...next.checkpoints, ref], MAX_CHECKPOINTS_LISTED, next, 'checkpointsDropped');
    noteCheckpointedFiles(next, event);
  },
};
