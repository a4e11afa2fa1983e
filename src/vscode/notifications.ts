// A notification when a session completes or fails while the window is in the background, so a
// long run can be left alone. Only real transitions count: sessions loaded from the journal, or
// seen for the first time already finished, never notify.
import * as vscode from 'vscode';
import type { SessionState, SessionSummary } from '../protocol/session';
import { readConfig } from './config';
import { noticeFor } from './session-presentation';

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
    const notice = noticeFor(before, session, windowFocused, readConfig().notificationsEnabled);
    if (!notice) return;
    this.shown.push({ sessionId: session.id, state: session.state, message: notice.message });
    const show = notice.level === 'info' ? vscode.window.showInformationMessage : vscode.window.showErrorMessage;
    void show(notice.message, 'Show').then((choice) => {
      if (choice === 'Show') void vscode.commands.executeCommand('shannon.showMonitor', session.id);
    });
  }
}
