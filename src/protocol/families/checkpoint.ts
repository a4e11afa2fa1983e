// Checkpoints the run reported: the summary's `checkpoints` (the Checkpoints tree reads them too).
import type { CheckpointRef } from '../session';
import { str, strings, text, type EventFamily } from './family';
import { noteCheckpointedFiles } from './file';

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
    next.checkpoints = [...next.checkpoints, ref];
    noteCheckpointedFiles(next, event);
  },
};
