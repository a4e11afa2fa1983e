// Controls sent to the run (halt, resume, cancel, decide, instruct) and the run's answers to
// them (control:result): the summary's `controls`. A control enters the slice when the hub sends
// it (there is no event for that: the reporter numbers the session's events), and its result
// event completes it. The Monitor shows each as sent, then done or refused, or "no answer from
// the CLI" after 10 s.
import type { ControlState, SessionSummary } from '../session';
import type { EventEnvelope } from '../wire';
import { str, text, type EventFamily } from './family';

/** A long run may get many controls; the summary keeps the latest ones (the events keep them all). */
export const MAX_CONTROLS_KEPT = 200;
/** After this long without a control:result, the Monitor says the CLI did not answer. */
export const CONTROL_ANSWER_TIMEOUT_MS = 10_000;

/** control:result completes the control with that id; a result for an unknown id is still kept. */
function result(next: SessionSummary, event: EventEnvelope): void {
  const id = str(event.data.id);
  const ok = event.data.ok;
  if (!id || typeof ok !== 'boolean') return;
  const outcome: NonNullable<ControlState['result']> = { ok, at: event.ts };
  const message = str(event.data.message);
  if (message !== undefined) outcome.message = message;
  const controls = next.controls ?? [];
  const index = controls.findIndex((c) => c.id === id);
  if (index >= 0) {
    const copy = controls.slice();
    copy[index] = { ...controls[index], result: outcome };
    next.controls = copy;
  } else {
    next.controls = [...controls, { id, result: outcome }].slice(-MAX_CONTROLS_KEPT);
  }
}

/** A sent control enters the summary (the store calls this when the hub sent it). */
export function withControlSent(summary: SessionSummary, control: ControlState): SessionSummary {
  const next: SessionSummary = {
    ...summary,
    controls: [...(summary.controls ?? []), control].slice(-MAX_CONTROLS_KEPT),
  };
  const { decisionId, optionId, sentAt } = control;
  if (control.command === 'decide' && decisionId && optionId && sentAt) {
    next.decisions = (summary.decisions ?? []).map((d) =>
      d.decisionId === decisionId ? { ...d, answer: { optionId, controlId: control.id, at: sentAt } } : d,
    );
  }
  return next;
}

export type ControlProgress = 'sent' | 'done' | 'refused' | 'no-answer';

/** Where a control stands at `now`: sent, done, refused, or unanswered for too long. */
export function controlProgress(control: ControlState, now: number): ControlProgress {
  if (control.result) return control.result.ok ? 'done' : 'refused';
  const sent = control.sentAt ? Date.parse(control.sentAt) : NaN;
  return Number.isFinite(sent) && now - sent >= CONTROL_ANSWER_TIMEOUT_MS ? 'no-answer' : 'sent';
}

export const controlFamily: EventFamily = {
  name: 'control',
  kinds: {
    'control:result': {
      summary: (d) =>
        `${d.ok === true ? 'done' : d.ok === false ? 'refused' : ''}${text(d.message) ? `: ${d.message as string}` : ''}`,
      tone: (d) => (d.ok === false ? 'bad' : 'good'),
      // The legacy CLI receives no controls, so it never answers one.
      legacy: 'as-sent',
    },
  },
  summaryArrays: ['controls'],
  initSummary(summary) {
    summary.controls = [];
  },
  reduce(next, event) {
    if (event.kind === 'control:result') result(next, event);
  },
};
