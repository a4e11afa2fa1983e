// Shannon: Do — ask for a task, check the CLI exists, create the session as pending (so the
// Monitor shows it at once), run the CLI in the Shannon terminal, and settle the session if the
// command ends without the CLI having reported an end itself.
import * as vscode from 'vscode';
import { expandArgs } from '../cli/args-template';
import { outcomeForExit } from '../cli/command-outcome';
import { resolveExecutable, terminalPathValue } from '../cli/resolve-executable';
import { validateTaskText } from '../cli/task-text';
import { FINAL_STATES } from '../protocol/session';
import { makeSessionId } from '../reporter/session-id';
import { readConfig, terminalEnvPathSetting } from './config';
import type { WorkspaceTrustGuard } from './workspace-trust';
import type { HubService } from './hub-service';
import type { LegacyDemand } from './legacy-demand';
import { errorText } from './log';
import type { CommandEnd, TerminalRunner } from './terminal-runner';

const RECENT_TASKS_KEY = 'shannon.recentTasks';
const MAX_RECENT_TASKS = 10;
const HUB_READY_TIMEOUT_MS = 15_000;
/** A final event can arrive just after the shell reports the end: give it this long. */
const FINAL_EVENT_GRACE_MS = 1500;
export const LEARN_MORE_URL = 'https://github.com/shannon/shannon-vscode#using-it';

/** Arguments accepted by `shannon.do` (for keybindings, other extensions and tests). */
export interface DoArguments {
  task?: string;
  /** Workspace folder path to run in; skips the folder question in a multi-root workspace. */
  folder?: string;
}

export class DoCommand implements vscode.Disposable {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly hubService: HubService,
    private readonly runner: TerminalRunner,
    private readonly log: vscode.LogOutputChannel,
    private readonly legacyDemand?: LegacyDemand,
    private readonly trust?: WorkspaceTrustGuard,
  ) {
    this.subscriptions.push(runner.onDidEndCommand((end) => this.onCommandEnded(end)));
  }

  /** Returns the new session's id, or undefined when nothing was started. */
  async run(input?: DoArguments): Promise<string | undefined> {
    // Before asking for a task: in Restricted Mode nothing would be run with it.
    if (this.trust?.refusal('do')) return undefined;
    // A task given as an argument (keybinding, another extension, tests) skips the input box.
    const task = typeof input?.task === 'string' ? input.task : await this.askForTask();
    const validation = validateTaskText(task);
    if (!validation.ok) {
      if (validation.reason !== 'empty') void vscode.window.showErrorMessage(`Shannon: ${validation.message}`);
      return undefined;
    }

    const folder = await this.pickFolder(typeof input?.folder === 'string' ? input.folder : undefined);
    if (folder === null) return undefined;
    const config = readConfig();
    const cwd = folder?.uri.fsPath ?? process.cwd();
    const resolved = await resolveExecutable(config.cliPath, {
      pathValue: terminalPathValue(process.env.PATH, terminalEnvPathSetting()),
      pathExt: process.env.PATHEXT,
      cwd,
    });
    if (!resolved.found) {
      this.log.warn(
        `do: the Shannon CLI "${config.cliPath}" was not found (looked at ${resolved.searched.length} places)`,
      );
      this.showCliMissing(config.cliPath);
      return undefined;
    }

    let hub;
    try {
      hub = await withTimeout(this.hubService.ready, HUB_READY_TIMEOUT_MS, 'the Shannon hub did not start in time');
    } catch (error) {
      void vscode.window.showErrorMessage(`Shannon: cannot start a run: ${errorText(error)}`);
      return undefined;
    }

    const sessionId = makeSessionId();
    const expanded = expandArgs(config.cliArgs, { task: validation.task, sessionId, workspaceFolder: cwd });
    if (expanded.unknownVariables.length > 0) {
      this.log.warn(
        `do: shannon.cli.args uses unknown variables: ${expanded.unknownVariables.map((name) => `\${${name}}`).join(', ')}`,
      );
    }
    if (!expanded.usesTask) this.log.warn('do: shannon.cli.args has no ${task}: the CLI will not receive the task');
    // A bare name is run as typed (the shell finds the same file on PATH); a path runs what we checked.
    const executable = resolved.viaPath ? config.cliPath : resolved.path;

    hub.store.createPending(sessionId, { task: validation.task, source: 'extension' });
    this.log.info(`do: session ${sessionId} for task ${JSON.stringify(validation.task)} in ${cwd}`);
    void this.rememberTask(validation.task);
    void vscode.commands
      .executeCommand('shannon.monitor.focus')
      .then(undefined, (error) => this.log.debug(`do: could not reveal the Monitor: ${errorText(error)}`));

    // Today's CLI connects to the legacy port once, about a second after it starts: open it first.
    await this.legacyDemand?.needForSession(sessionId);
    try {
      await this.runner.run({ sessionId, executable, args: expanded.args, cwd: folder?.uri });
    } catch (error) {
      this.log.error(`do: ${sessionId}: could not start the CLI: ${errorText(error)}`);
      hub.store.append(sessionId, 'extension', 'execution:failed', {
        error: `could not start the Shannon CLI: ${errorText(error)}`,
      });
      return sessionId;
    }
    this.watchForFirstReport(sessionId, config.connectTimeoutMs);
    return sessionId;
  }

  private async askForTask(): Promise<string | undefined> {
    const recent = this.context.globalState.get<string[]>(RECENT_TASKS_KEY, []);
    const picker = vscode.window.createQuickPick<vscode.QuickPickItem & { task: string }>();
    picker.title = 'Shannon: Do';
    picker.placeholder = 'What should Shannon do? (type a task, or pick a recent one)';
    picker.matchOnDescription = false;
    const recentItems = recent.map((task) => ({ label: task, description: 'recent', task }));
    const refresh = () => {
      const typed = picker.value.trim();
      // The typed text comes first so Enter runs exactly what was typed, not a filtered recent task.
      picker.items = typed
        ? [
            { label: typed, description: 'run this task', alwaysShow: true, task: typed },
            ...recentItems.filter((item) => item.task !== typed),
          ]
        : recentItems;
    };
    refresh();
    return new Promise<string | undefined>((resolve) => {
      let result: string | undefined;
      picker.onDidChangeValue(refresh);
      picker.onDidAccept(() => {
        result = picker.selectedItems[0]?.task ?? picker.value;
        picker.hide();
      });
      picker.onDidHide(() => {
        picker.dispose();
        resolve(result);
      });
      picker.show();
    });
  }

  /** undefined: no workspace folder (run in the host's cwd); null: the user cancelled. */
  private async pickFolder(requested: string | undefined): Promise<vscode.WorkspaceFolder | undefined | null> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    if (requested !== undefined) {
      const match = folders.find((folder) => folder.uri.fsPath === requested);
      if (match) return match;
    }
    if (folders.length <= 1) return folders[0];
    const picked = await vscode.window.showWorkspaceFolderPick({ placeHolder: 'Run Shannon in which folder?' });
    return picked ?? null;
  }

  private showCliMissing(cliPath: string): void {
    const message = `Shannon: the Shannon CLI was not found ("${cliPath}" is not on the terminal's PATH or is not an executable file). Install it or set shannon.cli.path.`;
    void vscode.window.showErrorMessage(message, 'Open Settings', 'Learn More').then((choice) => {
      if (choice === 'Open Settings')
        void vscode.commands.executeCommand('workbench.action.openSettings', 'shannon.cli.path');
      if (choice === 'Learn More') void vscode.env.openExternal(vscode.Uri.parse(LEARN_MORE_URL));
    });
  }

  private async rememberTask(task: string): Promise<void> {
    const recent = this.context.globalState.get<string[]>(RECENT_TASKS_KEY, []).filter((item) => item !== task);
    await this.context.globalState.update(RECENT_TASKS_KEY, [task, ...recent].slice(0, MAX_RECENT_TASKS));
  }

  private watchForFirstReport(sessionId: string, timeoutMs: number): void {
    this.later(timeoutMs, () => {
      const store = this.hubService.current?.store;
      const session = store?.get(sessionId);
      if (!store || !session || session.state !== 'pending' || session.eventCount > 0 || session.reporterConnected)
        return;
      this.log.warn(`do: ${sessionId}: no report from the CLI after ${Math.round(timeoutMs / 1000)} s`);
      store.patch(sessionId, { waitingForCli: true });
    });
  }

  private onCommandEnded(end: CommandEnd): void {
    this.legacyDemand?.releaseSession(end.sessionId);
    this.later(FINAL_EVENT_GRACE_MS, () => {
      const store = this.hubService.current?.store;
      const session = store?.get(end.sessionId);
      if (!store || !session || FINAL_STATES.has(session.state)) return;
      const outcome = outcomeForExit(end.exitCode, end.how);
      if (outcome.kind === 'lost') {
        this.log.warn(`do: ${end.sessionId}: ${outcome.reason}`);
        // The store turns an unfinished session without a connected reporter into `lost` after its grace period.
        store.setReporter(end.sessionId, { connected: false, capabilities: [] });
        return;
      }
      this.log.warn(
        `do: ${end.sessionId}: ${outcome.kind} (exit code ${outcome.data.exitCode}) reported by the extension: no final event from the CLI`,
      );
      store.append(end.sessionId, 'extension', outcome.kind, outcome.data);
    });
  }

  private later(ms: number, action: () => void): void {
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      try {
        action();
      } catch (error) {
        this.log.error(`do: ${errorText(error)}`);
      }
    }, ms);
    this.timers.add(timer);
  }

  dispose(): void {
    for (const timer of this.timers) clearTimeout(timer);
    this.timers.clear();
    for (const subscription of this.subscriptions) subscription.dispose();
  }
}

function withTimeout<T>(promise: Promise<T>, ms: number, message: string): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(message)), ms);
    promise.then(
      (value) => {
        clearTimeout(timer);
        resolve(value);
      },
      (error) => {
        clearTimeout(timer);
        reject(error);
      },
    );
  });
}
