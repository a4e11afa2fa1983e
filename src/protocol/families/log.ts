// Free-form log lines. They only count: no summary slice.
import { text, type EventFamily } from './family';

export const logFamily: EventFamily = {
  name: 'log',
  kinds: {
    log: {
      summary: (d) => `${text(d.level) ? `[${d.level as string}] ` : ''}${text(d.message) ?? ''}`,
      tone: 'plain',
      // Today's CLI has no `log` event; one that arrives anyway is kept as sent.
      legacy: 'as-sent',
    },
  },
  summaryArrays: [],
};
