// Answering the run's decisions and sending it instructions from VS Code: the commands Shannon:
// Answer Decision and Shannon: Send Instruction, and the notification that offers a new decision's
// options when the window is in the background or the Monitor is hidden. Every surface goes
// through the hub's control path, which sends at most one answer per decision.
import * as vscode from 'vscode';
import type { Hub } from '../hub/hub';
import type { StoreChange } from '../hub/store';
import { MAX_INSTRUCTION_CHARS } from '../protocol/wire';
import { FINAL_STATES, type DecisionState, type SessionSummary } from '../protocol/session';
import type { HubService } from './hub-service';
import { errorText } from './log';

export const STEERING_COMMANDS = {
  answerDecision: 'shannon.answerDecision',
  sendInstruction: 'shannon.sendInstruction',
} as const;

/** Buttons a notification offers before it falls back to "Choose…" (a quick pick). */
const MAX_NOTIFICATION_BUTTONS = 3;
const CHOOSE = 'Choose…';
/** How long a command waits for the run's control:result before saying it got none. */
export const CONTROL_RESULT_TIMEOUT_MS = 10_000;

export type SteeringOutcome =
  | { sent: true; id: string; result?: 'done' | 'refused' | 'no-answer'; message?: string }
  | { sent: false; reason: string };

export interface DecisionNotice {
  sessionId: string;
  decisionId: string;
  question: string;
  buttons: string[];
}

export interface SteeringApi {
  /** Decision notifications shown so far (for the integration tests). */
  decisionNotices: readonly DecisionNotice[];
}

export interface SteeringDeps {
  hubService: HubService;
  /** Whether the Monitor (side view or editor panel) is visible right now. */
  monitorVisible(): boolean;
  log: vscode.LogOutputChannel;
}

/** Who may answer in VS Code: native sessions whose reporter declared `decide`, still running. */
export function answerable(session: SessionSummary): boolean {
  return !session.unauthenticated && session.capabilities.includes('decide') && !FINAL_STATES.has(session.state);
}

export function openDecisions(session: SessionSummary): DecisionState[] {
  return (session.decisions ?? []).filter((d) => !d.resolved && !d.answer);
}

function optionLabel(decision: DecisionState, option: DecisionState['options'][number]): string {
  return option.id === decision.defaultOptionId ? `${option.label} (default)` : option.label;
}

class Steering {
  readonly decisionNotices: DecisionNotice[] = [];
  private readonly seen = new Set<string>();
  /**
   * Open decisions not notified because their card was in view when they came: if the Monitor is
   * hidden or the window loses focus while they wait, the notification comes then.
   */
  private readonly inView = new Map<string, { sessionId: string; decisionId: string }>();
  private subscription: { dispose(): void } | undefined;
  private hub: Hub | undefined;
  private readonly windowState: vscode.Disposable;

  constructor(private readonly deps: SteeringDeps) {
    deps.hubService.ready.then(
      (hub) => this.attach(hub),
      () => undefined,
    );
    this.windowState = vscode.window.onDidChangeWindowState(() => this.viewChanged());
  }

  /** The Monitor was shown or hidden, or the window gained or lost focus. */
  viewChanged(): void {
    const hub = this.hub;
    if (!hub || this.inView.size === 0) return;
    if (vscode.window.state.focused && this.deps.monitorVisible()) return;
    for (const [key, waiting] of [...this.inView]) {
      this.inView.delete(key);
      const session = hub.store.get(waiting.sessionId);
      const decision = session?.decisions?.find((d) => d.decisionId === waiting.decisionId);
      if (!session || !decision || decision.resolved || decision.answer || !answerable(session)) continue;
      this.notify(hub, session, decision);
    }
  }

  private attach(hub: Hub): void {
    // Decisions already in the journal were asked before this window: no notification for them.
    for (const session of hub.store.list())
      for (const decision of session.decisions ?? []) this.seen.add(`${session.id}\0${decision.decisionId}`);
    this.hub = hub;
    this.subscription = hub.store.subscribe((change) => this.onChange(hub, change));
  }

  private onChange(hub: Hub, change: StoreChange): void {
    if (change.type === 'removed') return;
    const session = change.session;
    for (const decision of session.decisions ?? []) {
      const key = `${session.id}\0${decision.decisionId}`;
      if (this.seen.has(key)) continue;
      this.seen.add(key);
      if (decision.resolved || decision.answer || !answerable(session)) continue;
      if (vscode.window.state.focused && this.deps.monitorVisible()) {
        // The card is in view; should the Monitor be hidden while it waits, notify then.
        this.inView.set(key, { sessionId: session.id, decisionId: decision.decisionId });
        continue;
      }
      this.notify(hub, session, decision);
    }
  }

  private notify(hub: Hub, session: SessionSummary, decision: DecisionState): void {
    const buttons =
      decision.options.length <= MAX_NOTIFICATION_BUTTONS
        ? decision.options.map((option) => optionLabel(decision, option))
        : [CHOOSE];
    this.decisionNotices.push({
      sessionId: session.id,
      decisionId: decision.decisionId,
      question: decision.question,
      buttons,
    });
    void vscode.window.showInformationMessage(`Shannon asks: ${decision.question}`, ...buttons).then(async (choice) => {
      if (!choice) return;
      const optionId =
        choice === CHOOSE
          ? await this.pickOption(decision)
          : decision.options.find((option) => optionLabel(decision, option) === choice)?.id;
      if (optionId) this.answer(hub, session.id, decision.decisionId, optionId, true);
    });
  }

  private async pickOption(decision: DecisionState): Promise<string | undefined> {
    const picked = await vscode.window.showQuickPick(
      decision.options.map((option) => ({
        label: optionLabel(decision, option),
        description: option.description,
        id: option.id,
      })),
      { title: decision.question, placeHolder: 'Choose an answer for Shannon' },
    );
    return picked?.id;
  }

  /** The single way an answer leaves VS Code; a late answer from another surface is refused here. */
  answer(
    hub: Hub,
    sessionId: string,
    decisionId: string,
    optionId: string,
    quietWhenAnswered = false,
  ): SteeringOutcome {
    const outcome = hub.control(sessionId, { command: 'decide', decisionId, optionId });
    if (outcome.sent) {
      this.deps.log.info(`decision ${decisionId} of ${sessionId}: answered ${optionId} (control ${outcome.id})`);
      return { sent: true, id: outcome.id };
    }
    const already = outcome.reason === 'already-answered' || outcome.reason === 'already-resolved';
    this.deps.log.info(`decision ${decisionId} of ${sessionId}: answer ${optionId} not sent: ${outcome.message}`);
    if (!(already && quietWhenAnswered))
      void vscode.window.showWarningMessage(`Shannon: the answer was not sent: ${outcome.message}.`);
    return { sent: false, reason: outcome.reason };
  }

  /** Shannon: Answer Decision. With `{ sessionId, decisionId, optionId }` it answers without asking. */
  async answerDecisionCommand(arg: unknown): Promise<SteeringOutcome> {
    const hub = this.deps.hubService.current;
    if (!hub) return { sent: false, reason: 'the hub is not running' };
    const given = (typeof arg === 'object' && arg !== null ? arg : {}) as Record<string, unknown>;
    if (
      typeof given.sessionId === 'string' &&
      typeof given.decisionId === 'string' &&
      typeof given.optionId === 'string'
    )
      return this.answer(hub, given.sessionId, given.decisionId, given.optionId);
    const open = hub.store
      .list()
      .filter(answerable)
      .flatMap((session) => openDecisions(session).map((decision) => ({ session, decision })));
    if (open.length === 0) {
      void vscode.window.showInformationMessage('Shannon: no decision is waiting for an answer.');
      return { sent: false, reason: 'no open decision' };
    }
    let chosen = open[0];
    if (open.length > 1) {
      const picked = await vscode.window.showQuickPick(
        open.map((entry) => ({
          label: entry.decision.question,
          description: entry.session.task ?? entry.session.id,
          entry,
        })),
        { title: 'Shannon: Answer Decision', placeHolder: 'Which question?' },
      );
      if (!picked) return { sent: false, reason: 'cancelled' };
      chosen = picked.entry;
    }
    const optionId = await this.pickOption(chosen.decision);
    if (!optionId) return { sent: false, reason: 'cancelled' };
    return this.answer(hub, chosen.session.id, chosen.decision.decisionId, optionId);
  }

  /** Shannon: Send Instruction. With `{ sessionId?, text }` it sends without asking. */
  async sendInstructionCommand(arg: unknown): Promise<SteeringOutcome> {
    const hub = this.deps.hubService.current;
    if (!hub) return { sent: false, reason: 'the hub is not running' };
    const given = (typeof arg === 'object' && arg !== null ? arg : {}) as Record<string, unknown>;
    const sessionId = typeof given.sessionId === 'string' ? given.sessionId : hub.store.activeSessionId();
    const session = sessionId ? hub.store.get(sessionId) : undefined;
    if (!session) {
      void vscode.window.showInformationMessage('Shannon: there is no session to instruct.');
      return { sent: false, reason: 'no session' };
    }
    let text = typeof given.text === 'string' ? given.text : undefined;
    if (text === undefined) {
      text = await vscode.window.showInputBox({
        title: 'Shannon: Send Instruction',
        prompt: `Tell the run "${session.task ?? session.id}" what to do`,
        placeHolder: 'e.g. Also update the tests',
        validateInput: (value) =>
          value.trim().length === 0
            ? 'Type an instruction'
            : value.length > MAX_INSTRUCTION_CHARS
              ? `At most ${MAX_INSTRUCTION_CHARS} characters`
              : undefined,
      });
      if (text === undefined) return { sent: false, reason: 'cancelled' };
    }
    text = text.trim();
    if (text.length === 0 || text.length > MAX_INSTRUCTION_CHARS) {
      void vscode.window.showWarningMessage(`Shannon: an instruction has 1-${MAX_INSTRUCTION_CHARS} characters.`);
      return { sent: false, reason: 'invalid text' };
    }
    const outcome = hub.control(session.id, { command: 'instruct', text });
    if (!outcome.sent) {
      void vscode.window.showWarningMessage(`Shannon: cannot send the instruction: ${outcome.message}.`);
      return { sent: false, reason: outcome.reason };
    }
    this.deps.log.info(`instruction sent to ${session.id} (control ${outcome.id})`);
    vscode.window.setStatusBarMessage('Shannon: instruction sent', 3_000);
    // The Monitor shows the result; here a refusal or silence is worth a message.
    const result = await waitForControlResult(hub, session.id, outcome.id, CONTROL_RESULT_TIMEOUT_MS);
    if (result.result === 'refused')
      void vscode.window.showWarningMessage(
        `Shannon: the run refused the instruction${result.message ? `: ${result.message}` : ''}.`,
      );
    else if (result.result === 'no-answer')
      void vscode.window.showWarningMessage('Shannon: no answer from the CLI to the instruction within 10 s.');
    return { sent: true, id: outcome.id, ...result };
  }

  dispose(): void {
    this.windowState.dispose();
    this.subscription?.dispose();
  }
}

/** Wait for the control:result of a control, up to `timeoutMs`. */
export function waitForControlResult(
  hub: Hub,
  sessionId: string,
  controlId: string,
  timeoutMs: number,
): Promise<{ result: 'done' | 'refused' | 'no-answer'; message?: string }> {
  return new Promise((resolve) => {
    const check = () => {
      const control = hub.store.get(sessionId)?.controls?.find((c) => c.id === controlId);
      if (!control?.result) return false;
      finish({ result: control.result.ok ? 'done' : 'refused', message: control.result.message });
      return true;
    };
    const subscription = hub.store.subscribe(() => check());
    const timer = setTimeout(() => finish({ result: 'no-answer' }), timeoutMs);
    function finish(value: { result: 'done' | 'refused' | 'no-answer'; message?: string }) {
      clearTimeout(timer);
      subscription.dispose();
      resolve(value);
    }
    check();
  });
}

export function registerSteering(deps: SteeringDeps): {
  disposables: vscode.Disposable[];
  api: SteeringApi;
  /** Tell steering the Monitor was shown or hidden (a waiting decision may need its notification). */
  monitorVisibilityChanged(): void;
} {
  const steering = new Steering(deps);
  const run = <T>(what: string, action: () => Promise<T>) =>
    action().catch((error: unknown) => {
      deps.log.error(`${what} failed: ${errorText(error)}`);
      throw error;
    });
  return {
    disposables: [
      steering,
      vscode.commands.registerCommand(STEERING_COMMANDS.answerDecision, (arg?: unknown) =>
        run('Answer Decision', () => steering.answerDecisionCommand(arg)),
      ),
      vscode.commands.registerCommand(STEERING_COMMANDS.sendInstruction, (arg?: unknown) =>
        run('Send Instruction', () => steering.sendInstructionCommand(arg)),
      ),
    ],
    api: steering,
    monitorVisibilityChanged: () => steering.viewChanged(),
  };
}
