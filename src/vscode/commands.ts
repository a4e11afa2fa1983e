// Every `shannon.*` command of the palette and the Monitor. Session commands take an optional
// session id (a string or `{ sessionId }`, as the Monitor and menus pass it) and otherwise act on
// the active session. Each returns something a test or another extension can check.
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { SimpleControlCommand } from '../protocol/wire';
import type { HubStatus } from '../protocol/session';
import { FINAL_STATES } from '../protocol/session';
import type { DoArguments, DoCommand } from './do-command';
import type { HubService } from './hub-service';
import { legacyHolderText, legacyStateLabel } from './session-presentation';
import type { TerminalRunner } from './terminal-runner';

export const MONITOR_FOCUS_COMMAND = 'shannon.monitor.focus';

export interface CommandServices {
  doCommand: DoCommand;
  hubService: HubService;
  runner: TerminalRunner;
  log: vscode.LogOutputChannel;
}

/** Result of Halt / Resume / Cancel. */
export type SteerResult = 'sent' | 'ctrl-c' | 'unsupported' | 'no-session';

function sessionIdFrom(argument: unknown): string | undefined {
  if (typeof argument === 'string') return argument;
  if (argument && typeof argument === 'object' && typeof (argument as { sessionId?: unknown }).sessionId === 'string') {
    return (argument as { sessionId: string }).sessionId;
  }
  return undefined;
}

export function registerCommands(services: CommandServices): vscode.Disposable[] {
  const { doCommand, hubService, runner, log } = services;

  const targetSession = (argument: unknown) => {
    const store = hubService.current?.store;
    const id = sessionIdFrom(argument) ?? store?.activeSessionId() ?? undefined;
    return id ? store?.get(id) : undefined;
  };

  const steer = (command: SimpleControlCommand, argument: unknown): SteerResult => {
    const session = targetSession(argument);
    const hub = hubService.current;
    if (!session || !hub) {
      void vscode.window.showInformationMessage('Shannon: there is no session to steer.');
      return 'no-session';
    }
    if (FINAL_STATES.has(session.state)) {
      void vscode.window.showInformationMessage(`Shannon: session ${session.id} has already ended (${session.state}).`);
      return 'unsupported';
    }
    if (!session.unauthenticated && hub.sendControl(session.id, command)) {
      log.info(`control: ${command} sent to ${session.id}`);
      return 'sent';
    }
    if (command === 'cancel' && runner.interrupt(session.id)) return 'ctrl-c';
    const why = session.unauthenticated
      ? 'it reports through the legacy endpoint, which accepts no commands'
      : `its CLI did not declare that it can ${command}`;
    log.warn(`control: ${command} for ${session.id} not possible: ${why}`);
    void vscode.window.showWarningMessage(`Shannon: cannot ${command} session ${session.id}: ${why}.`);
    return 'unsupported';
  };

  const showMonitor = async (argument?: unknown): Promise<void> => {
    // The Monitor follows the active session; the view itself handles pinning a specific one.
    void argument;
    await vscode.commands.executeCommand(MONITOR_FOCUS_COMMAND);
  };

  const showTerminal = (argument: unknown): boolean => {
    const session = targetSession(argument);
    const terminal = session && runner.terminalFor(session.id);
    if (!terminal) {
      void vscode.window.showInformationMessage('Shannon: this session has no open terminal in this window.');
      return false;
    }
    terminal.show();
    return true;
  };

  const openSessionLog = async (argument: unknown): Promise<string | undefined> => {
    const session = targetSession(argument);
    const hub = hubService.current;
    if (!session || !hub || !hubService.journalDir) {
      void vscode.window.showInformationMessage('Shannon: there is no session log to open.');
      return undefined;
    }
    const file = hub.journalPathOf(session.id);
    if (!file || !existsSync(file)) {
      void vscode.window.showInformationMessage(`Shannon: session ${session.id} has no events on disk yet.`);
      return undefined;
    }
    const document = await vscode.workspace.openTextDocument(vscode.Uri.file(file));
    await vscode.window.showTextDocument(document, { preview: true });
    return file;
  };

  const showHubStatus = (): HubStatus => {
    const status = hubService.status();
    type Item = vscode.QuickPickItem & { copy?: string; run?: () => void };
    const items: Item[] = [
      { label: `$(radio-tower) Hub: ${status.state}`, detail: status.url ?? status.error, copy: status.url },
      { label: `$(plug) Connected clients: ${status.clients}` },
      {
        label: `$(history) Legacy endpoint: ${legacyStateLabel(status.legacy)}`,
        detail:
          status.legacy.state === 'disabled'
            ? 'shannon.legacy.listen is off'
            : `127.0.0.1:${status.legacy.port}${status.legacy.mode ? ` (${status.legacy.mode})` : ''}${status.legacy.message ? ` - ${status.legacy.message}` : ''}`,
        copy: status.legacy.message,
      },
      ...(legacyHolderText(status.legacy)
        ? [
            {
              label: `$(person) Port ${status.legacy.port} held by`,
              detail: legacyHolderText(status.legacy),
              copy: legacyHolderText(status.legacy),
            },
          ]
        : []),
      { label: `$(file) Lock file`, detail: status.lockFile ?? 'none', copy: status.lockFile },
      { label: '$(output) Show the Shannon log', run: () => log.show() },
    ];
    const picker = vscode.window.createQuickPick<Item>();
    picker.title = 'Shannon Hub Status (select a line to copy it)';
    picker.items = items;
    picker.onDidAccept(() => {
      const item = picker.selectedItems[0];
      if (item?.copy) void vscode.env.clipboard.writeText(item.copy);
      item?.run?.();
      picker.hide();
    });
    picker.onDidHide(() => picker.dispose());
    picker.show();
    return status;
  };

  const clearHistory = async (argument?: { skipConfirmation?: boolean }): Promise<boolean> => {
    const hub = hubService.current;
    if (!hub) return false;
    if (!argument?.skipConfirmation) {
      const choice = await vscode.window.showWarningMessage(
        'Clear the Shannon session history?',
        {
          modal: true,
          detail: 'Finished sessions and their logs are deleted from this workspace. Running sessions stay.',
        },
        'Clear History',
      );
      if (choice !== 'Clear History') return false;
    }
    await hub.store.clearHistory();
    log.info('history: cleared by the user');
    return true;
  };

  return [
    vscode.commands.registerCommand('shannon.do', (argument?: DoArguments) =>
      doCommand.run(argument && typeof argument === 'object' ? argument : undefined),
    ),
    vscode.commands.registerCommand('shannon.showMonitor', showMonitor),
    vscode.commands.registerCommand('shannon.halt', (argument?: unknown) => steer('halt', argument)),
    vscode.commands.registerCommand('shannon.resume', (argument?: unknown) => steer('resume', argument)),
    vscode.commands.registerCommand('shannon.cancel', (argument?: unknown) => steer('cancel', argument)),
    vscode.commands.registerCommand('shannon.showTerminal', showTerminal),
    vscode.commands.registerCommand('shannon.openSessionLog', openSessionLog),
    vscode.commands.registerCommand('shannon.showHubStatus', showHubStatus),
    vscode.commands.registerCommand('shannon.clearHistory', clearHistory),
  ];
}
