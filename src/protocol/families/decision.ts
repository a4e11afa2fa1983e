// Decisions the run asks the person watching (decision:requested) and how each was resolved
// (decision:resolved): the summary's `decisions`, which the Monitor's decision card, the
// notification and Shannon: Answer Decision read. The answer itself travels as a `decide` control
// (the control family records it).
import type { DecisionState, SessionSummary } from '../session';
import type { EventEnvelope } from '../wire';
import { str, text, type EventFamily } from './family';

function decisionOptions(value: unknown): DecisionState['options'] {
  if (!Array.isArray(value)) return [];
  const options: DecisionState['options'] = [];
  for (const item of value) {
    if (typeof item !== 'object' || item === null) continue;
    const { id, label, description } = item as Record<string, unknown>;
    if (typeof id !== 'string' || typeof label !== 'string') continue;
    options.push(typeof description === 'string' ? { id, label, description } : { id, label });
  }
  return options;
}

/** decision:requested adds a pending decision (a repeated id replaces the earlier one). */
function requested(next: SessionSummary, event: EventEnvelope): void {
  const decisionId = str(event.data.decisionId);
  const question = str(event.data.question);
  const options = decisionOptions(event.data.options);
  if (!decisionId || question === undefined || options.length === 0) return;
  const decision: DecisionState = { decisionId, question, options, requestedAt: event.ts };
  const defaultOptionId = str(event.data.defaultOptionId);
  if (defaultOptionId !== undefined) decision.defaultOptionId = defaultOptionId;
  const autoResolveAt = str(event.data.autoResolveAt);
  if (autoResolveAt !== undefined) decision.autoResolveAt = autoResolveAt;
  next.decisions = [...(next.decisions ?? []).filter((d) => d.decisionId !== decisionId), decision];
}

function resolved(next: SessionSummary, event: EventEnvelope): void {
  const decisionId = str(event.data.decisionId);
  const optionId = str(event.data.optionId);
  const by = str(event.data.by);
  if (!decisionId || !optionId || (by !== 'user' && by !== 'default' && by !== 'cli')) return;
  const decisions = next.decisions ?? [];
  const index = decisions.findIndex((d) => d.decisionId === decisionId);
  if (index < 0) return; // resolved before we saw it asked: there is no card to fold
  const copy = decisions.slice();
  copy[index] = { ...decisions[index], resolved: { optionId, by, at: event.ts } };
  next.decisions = copy;
}

export const decisionFamily: EventFamily = {
  name: 'decision',
  kinds: {
    'decision:requested': {
      summary: (d) => {
        const count = Array.isArray(d.options) ? d.options.length : 0;
        return `${text(d.question) ?? ''}${count ? ` (${count} option${count === 1 ? '' : 's'})` : ''}`;
      },
      tone: 'warn',
      legacy: 'normalize',
    },
    'decision:resolved': {
      summary: (d) => {
        const by = str(d.by);
        const who = by === 'default' ? 'default taken' : by === 'cli' ? 'decided by the CLI' : 'chosen';
        return `${who}: ${text(d.optionId) ?? ''}`;
      },
      tone: 'plain',
      legacy: 'normalize',
    },
  },
  legacy: {
    mapData(kind, fields, data, _eventType, ts) {
      if (kind === 'decision:requested') {
        // The orchestrator says how long it waits (`auto_resolve_seconds`); natively it is a point in time.
        const seconds = fields.auto_resolve_seconds;
        const at = Date.parse(ts);
        if (data.autoResolveAt === undefined && typeof seconds === 'number' && seconds >= 0 && Number.isFinite(at))
          data.autoResolveAt = new Date(at + Math.round(seconds * 1000)).toISOString();
        // The orchestrator lists options as plain strings: each is its own id and label.
        if (Array.isArray(fields.options))
          data.options = fields.options.map((option) =>
            typeof option === 'string' ? { id: option, label: option } : option,
          );
        if (data.defaultOptionId === undefined && typeof fields.default === 'string')
          data.defaultOptionId = fields.default;
        delete data.default;
      } else if (kind === 'decision:resolved') {
        const optionId = fields.option_id ?? fields.optionId ?? fields.choice;
        if (typeof optionId === 'string') data.optionId = optionId;
        delete data.choice;
        if (data.by === undefined) data.by = 'cli';
      }
    },
  },
  summaryArrays: ['decisions'],
  initSummary(summary) {
    summary.decisions = [];
  },
  reduce(next, event) {
    if (event.kind === 'decision:requested') requested(next, event);
    else if (event.kind === 'decision:resolved') resolved(next, event);
  },
};
