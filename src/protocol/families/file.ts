// Files the run changed: the summary's `filesChanged`, each path once.
import { str, text, type EventFamily } from './family';

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
  summaryArrays: ['filesChanged'],
  initSummary(summary) {
    summary.filesChanged = [];
  },
  reduce(next, event) {
    if (event.kind !== 'file:changed') return;
    const path = str(event.data.path);
    if (path && !next.filesChanged.includes(path)) next.filesChanged = [...next.filesChanged, path];
  },
};
