// Context keys that drive command enablement and menus (package.json `when` clauses), derived from
// the active session. Set only when a value changes: setContext is a round trip to the workbench.
import * as vscode from 'vscode';
import type { ContextValues } from './session-presentation';

export class ContextKeys {
  private readonly last = new Map<string, unknown>();

  apply(values: ContextValues): void {
    for (const [key, value] of Object.entries(values)) {
      if (this.last.get(key) === value) continue;
      this.last.set(key, value);
      void vscode.commands.executeCommand('setContext', key, value);
    }
  }

  get values(): Record<string, unknown> {
    return Object.fromEntries(this.last);
  }
}
