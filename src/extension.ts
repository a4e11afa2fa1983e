// Entry point: build the services, register them, push every disposable. Nothing else lives here.
import * as vscode from 'vscode';

/** What activate() returns to other extensions and to the integration tests. */
export interface ShannonExtensionApi {
  /** How long activate() itself took, measured here so tests and bench can log it. */
  activationMs: number;
}

export function activate(context: vscode.ExtensionContext): ShannonExtensionApi {
  const started = performance.now();
  context.subscriptions.push(
    vscode.commands.registerCommand('shannon.do', () => undefined),
  );
  return { activationMs: performance.now() - started };
}

export function deactivate(): void {}
