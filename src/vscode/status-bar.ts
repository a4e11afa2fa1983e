// The status bar item: the active session's state (and current skill and step), the hub's state in
// the tooltip; a click reveals the Monitor.
import * as vscode from 'vscode';
import type { HubStatus, SessionSummary } from '../protocol/session';
import { presentStatus } from './session-presentation';

export class SessionStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('shannon.status', vscode.StatusBarAlignment.Left, 10);
  /** What is on screen, so unchanged updates cost nothing (each property set is a message to the workbench). */
  private shown = { text: '', tooltip: '', tone: '' };

  constructor() {
    this.item.name = 'Shannon';
    this.item.command = 'shannon.showMonitor';
  }

  update(session: SessionSummary | undefined, hub: HubStatus): void {
    const presentation = presentStatus(session, hub);
    if (
      presentation.text === this.shown.text &&
      presentation.tooltip === this.shown.tooltip &&
      presentation.tone === this.shown.tone
    )
      return;
    this.shown = { text: presentation.text, tooltip: presentation.tooltip, tone: presentation.tone };
    this.item.text = presentation.text;
    const tooltip = new vscode.MarkdownString(presentation.tooltip);
    tooltip.supportThemeIcons = true;
    this.item.tooltip = tooltip;
    this.item.backgroundColor =
      presentation.tone === 'normal'
        ? undefined
        : new vscode.ThemeColor(`statusBarItem.${presentation.tone}Background`);
    this.item.show();
  }

  get text(): string {
    return this.item.text;
  }

  get tooltipText(): string {
    const tooltip = this.item.tooltip;
    return typeof tooltip === 'string' ? tooltip : (tooltip?.value ?? '');
  }

  dispose(): void {
    this.item.dispose();
  }
}
