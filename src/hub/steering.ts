// Steering a run from any surface (the Monitor, a notification, a command, `shannon-hub ask`'s
// person): every control goes through here, is checked against the session's summary, sent by the
// server to reporters that declared it, and recorded in the summary so every view shows it as
// sent until the reporter's control:result arrives. A decision is answered at most once: the
// first answer marks it in the summary and every later one is refused, whichever surface sends it.
import type { ControlRequest } from '../protocol/wire';
import { FINAL_STATES, type ControlState, type SessionSummary } from '../protocol/session';
import type { HubLogger } from './logger';

export type ControlOutcome = { sent: true; id: string } | { sent: false; reason: ControlRefusal; message: string };
export type ControlRefusal =
  | 'no-session'
  | 'ended'
  | 'legacy'
  | 'unsupported'
  | 'unknown-decision'
  | 'already-resolved'
  | 'already-answered'
  | 'unknown-option';

interface SteeringStore {
  get(sessionId: string): SessionSummary | undefined;
  recordControl(sessionId: string, control: ControlState): void;
}

interface ControlSender {
  sendControl(sessionId: string, request: ControlRequest): string | undefined;
}

const refuse = (reason: ControlRefusal, message: string): ControlOutcome => ({ sent: false, reason, message });

/** Why a control cannot be sent to this session right now, or undefined when it can be tried. */
export function checkControl(session: SessionSummary | undefined, request: ControlRequest): ControlOutcome | undefined {
  if (!session) {
    // A reporter may be connected before its first event: halt, resume and cancel can still reach it.
    const simple = request.command !== 'decide' && request.command !== 'instruct';
    return simple ? undefined : refuse('no-session', 'there is no such session');
  }
  if (session.unauthenticated)
    return refuse('legacy', 'it reports through the legacy endpoint, which accepts no commands');
  if (FINAL_STATES.has(session.state)) return refuse('ended', `the session has already ended (${session.state})`);
  if (request.command === 'decide') {
    const decision = (session.decisions ?? []).find((d) => d.decisionId === request.decisionId);
    if (!decision) return refuse('unknown-decision', `the run asked no decision ${request.decisionId}`);
    if (decision.resolved) return refuse('already-resolved', 'the decision was already resolved');
    if (decision.answer) return refuse('already-answered', 'the decision was already answered');
    if (!decision.options.some((o) => o.id === request.optionId))
      return refuse('unknown-option', `the decision has no option ${request.optionId}`);
  }
  return undefined;
}

export class Steering {
  constructor(
    private readonly store: SteeringStore,
    private readonly server: ControlSender,
    private readonly log: HubLogger,
  ) {}

  send(sessionId: string, request: ControlRequest): ControlOutcome {
    const refusal = checkControl(this.store.get(sessionId), request);
    if (refusal) {
      this.log.info(`control ${request.command} for ${sessionId} refused: ${refusal.sent ? '' : refusal.message}`);
      return refusal;
    }
    const id = this.server.sendControl(sessionId, request);
    if (id === undefined)
      return refuse('unsupported', `its CLI did not declare that it can ${describeCommand(request.command)}`);
    // Recorded synchronously, before any other surface can act: the next answer sees it.
    const control: ControlState = { id, command: request.command, sentAt: new Date().toISOString() };
    if (request.command === 'decide') {
      control.decisionId = request.decisionId;
      control.optionId = request.optionId;
    } else if (request.command === 'instruct') {
      control.text = request.text;
    }
    this.store.recordControl(sessionId, control);
    return { sent: true, id };
  }
}

function describeCommand(command: ControlRequest['command']): string {
  switch (command) {
    case 'decide':
      return 'take answers to its decisions';
    case 'instruct':
      return 'take instructions';
    default:
      return command;
  }
}
