// Restricted Mode (VS Code's Workspace Trust): a folder the user has not trusted must not make us
// run a program or rewrite files. The package declares `untrustedWorkspaces: limited`, with the CLI
// settings as restricted configurations (VS Code then ignores a repository's values for them), so
// the Monitor, the history and the Checkpoints views keep working; the two actions that run the CLI
// or write the workspace, Shannon: Do and Restore, explain instead that the workspace must be trusted.
import * as vscode from 'vscode';

export type TrustedAction = 'do' | 'restore' | 'undo';

const MESSAGES: Record<TrustedAction, string> = {
  do: 'Shannon: Do runs the Shannon CLI, so it needs a trusted workspace. This window is in Restricted Mode: trust the workspace to run it.',
  restore:
    'Restore writes files of this workspace, so it needs a trusted workspace. This window is in Restricted Mode: trust the workspace to restore a checkpoint. Compare with Current still works.',
  undo: "Undo writes files of this workspace, so it needs a trusted workspace. This window is in Restricted Mode: trust the workspace to undo the run's changes. Compare and Keep still work.",
};
const MANAGE_TRUST = 'Manage Workspace Trust';

export class WorkspaceTrustGuard {
  /** Every explanation shown, in order (the integration tests read them through the API). */
  readonly refusals: string[] = [];

  constructor(private readonly log: { warn(message: string): void }) {}

  /** undefined when the workspace is trusted; otherwise shows and returns why the action cannot run. */
  refusal(action: TrustedAction): string | undefined {
    if (vscode.workspace.isTrusted) return undefined;
    const message = MESSAGES[action];
    this.refusals.push(message);
    this.log.warn(`restricted mode: ${message}`);
    void vscode.window.showWarningMessage(message, MANAGE_TRUST).then((choice) => {
      if (choice === MANAGE_TRUST) void vscode.commands.executeCommand('workbench.trust.manage');
    });
    return message;
  }
}
