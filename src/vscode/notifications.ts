// A notification when a session completes or fails while the window is in the background, so a
// long run can be left alone. Only real transitions count: sessions loaded from the journal, or
// seen for the first time already finished, never notify.
import * as vscode from 'vscode';
import type { SessionState, SessionSummary } from '../protocol/session';
import { FINAL_STATES } from '../protocol/session';
import { readConfig } from './config';

export class RunNotifications {
  private readonly lastStates = new Map<string, SessionState>();
  /** Every notification shown, newest last (read by the integration tests). */
  readonly shown: { sessionId: string; state: SessionState; message: string }[] = [];

  seed(sessions: readonly SessionSummary[]): void {
    for (const session of sessions) this.lastStates.set(session.id, session.state);
  }

  forget(sessionIds: readonly string[]): void {
    for (const id of sessionIds) this.lastStates.delete(id);
  }

  observe(session: SessionSummary, windowFocused: boolean = vscode.window.state.focused): void {
    const before = this.lastStates.get(session.id);
    this.lastStates.set(session.id, session.state);
    if (before === undefined || before === session.state || FINAL_STATES.has(before)) return;
    if (session.state !== 'completed' && session.state !== 'failed') return;
    if (windowFocused || !readConfig().notificationsEnabled) return;
    const task = session.task ? `: ${session.task.length > 80 ? `${session.task.slice(0, 79)}…` : session.task}` : '';
    const message = session.state === 'completed' ? `Shannon finished${task}` : `Shannon failed${task}${session.error ? ` (${session.error})` : ''}`;
    this.shown.push({ sessionId: session.id, state: session.state, message });
    const show = session.state === 'completed' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(message, 'Show').then((choice) => {
      if (choice === 'Show') void vscode.commands.executeCommand('shannon.showMonitor', session.id);
    });
  }
}
