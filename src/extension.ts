// Entry point: build the services, register them, push every disposable. Nothing else lives here.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  context.subscriptions.push(
    vscode.commands.registerCommand('shannon.do', () => undefined),
  );
}

export function deactivate(): void {}
