// Runs the Shannon CLI in an integrated terminal named "Shannon" and reports when the command ends.
//
// The command line is always quoted by us, for the detected shell (src/cli/shell-quote.ts). With
// shell integration it goes through executeCommand(commandLine), which also tells us the exit code;
// without it (after ~3 s) it is typed with sendText and we only notice the end when the terminal
// closes. We deliberately do NOT use executeCommand(executable, args): VS Code 1.139 builds that
// command line by wrapping an argument in double quotes only when it has whitespace and no quote
// character, and appends it raw otherwise, so `"; touch pwned #` or `` `touch pwned` `` would run
// as shell code, and "$(touch pwned)" is expanded inside the double quotes. Our integration test
// caught this (test/integration/shannon-do.test.ts, hostile task strings).
import * as vscode from 'vscode';
import { buildCommandLine, detectShellKind } from '../cli/shell-quote';
import { errorText } from './log';
import { sameFolder } from './paths';

export const TERMINAL_NAME = 'Shannon';
export const SESSION_ID_VARIABLE = 'SHANNON_SESSION_ID';
const SHELL_INTEGRATION_WAIT_MS = 3000;

export interface RunRequest {
  sessionId: string;
  executable: string;
  args: string[];
  cwd: vscode.Uri | undefined;
}

export interface CommandEnd {
  sessionId: string;
  exitCode: number | undefined;
  how: 'command-ended' | 'terminal-closed';
}

export interface RunInfo {
  terminal: vscode.Terminal;
  /** How the command was started: VS Code's shell integration, or text typed into the shell. */
  via: 'shell-integration' | 'send-text';
  reused: boolean;
  commandLine: string;
}

interface TrackedTerminal {
  terminal: vscode.Terminal;
  /** The session whose command is (or may still be) running in it. */
  busyWith: string | undefined;
  /** The execution executeCommand returned. */
  execution: vscode.TerminalShellExecution | undefined;
  /**
   * The execution VS Code reported as started next in this terminal. VS Code only reuses the
   * object it returned when the shell echoes the command line back exactly; otherwise the start
   * and end events carry a new object, so we recognise our command by being the next one to start.
   */
  startedExecution: vscode.TerminalShellExecution | undefined;
  awaitingStart: boolean;
  /** The folder the terminal was opened in (fsPath), to reuse it only for runs in the same folder. */
  openedIn: string | undefined;
}

export class TerminalRunner implements vscode.Disposable {
  private readonly tracked = new Map<vscode.Terminal, TrackedTerminal>();
  private readonly bySession = new Map<string, vscode.Terminal>();
  private readonly endEmitter = new vscode.EventEmitter<CommandEnd>();
  readonly onDidEndCommand = this.endEmitter.event;
  private readonly subscriptions: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    this.subscriptions.push(
      this.endEmitter,
      vscode.window.onDidStartTerminalShellExecution((event) => this.onExecutionStarted(event)),
      vscode.window.onDidEndTerminalShellExecution((event) => this.onExecutionEnded(event)),
      vscode.window.onDidCloseTerminal((terminal) => this.onTerminalClosed(terminal)),
    );
  }

  terminalFor(sessionId: string): vscode.Terminal | undefined {
    const terminal = this.bySession.get(sessionId);
    return terminal && terminal.exitStatus === undefined ? terminal : undefined;
  }

  /** Called when a session reached a final state: its terminal may take the next run. */
  releaseSession(sessionId: string): void {
    const terminal = this.bySession.get(sessionId);
    const entry = terminal && this.tracked.get(terminal);
    // With shell integration we wait for the command's real end instead.
    if (entry && entry.busyWith === sessionId && !entry.execution) entry.busyWith = undefined;
  }

  async run(request: RunRequest): Promise<RunInfo> {
    const idle = this.findIdleTerminal(request.cwd);
    const terminal = idle ?? this.createTerminal(request);
    const entry = this.tracked.get(terminal)!;
    entry.busyWith = request.sessionId;
    entry.execution = undefined;
    entry.startedExecution = undefined;
    entry.awaitingStart = false;
    this.bySession.set(request.sessionId, terminal);
    terminal.show(true);

    // A reused terminal was created with an earlier session's id: pass this one on the command line.
    let executable = request.executable;
    let args = request.args;
    if (idle) {
      args = [`${SESSION_ID_VARIABLE}=${request.sessionId}`, executable, ...args];
      executable = 'env';
    }

    const shellIntegration = await this.waitForShellIntegration(terminal);
    if (entry.busyWith !== request.sessionId || terminal.exitStatus !== undefined) {
      throw new Error('the Shannon terminal was closed before the command could start');
    }
    const shellKind = detectShellKind(shellOf(terminal));
    const commandLine = buildCommandLine(shellKind, executable, args);
    const reusedNote = idle ? ' (reused terminal)' : '';
    if (shellIntegration) {
      entry.awaitingStart = true;
      entry.execution = shellIntegration.executeCommand(commandLine);
      this.log.info(
        `terminal: ${request.sessionId}: started with shell integration, ${shellKind} quoting${reusedNote}: ${commandLine}`,
      );
      return { terminal, via: 'shell-integration', reused: !!idle, commandLine };
    }
    terminal.sendText(commandLine, true);
    this.log.info(
      `terminal: ${request.sessionId}: no shell integration; typed a ${shellKind} command line${reusedNote}: ${commandLine}`,
    );
    return { terminal, via: 'send-text', reused: !!idle, commandLine };
  }

  /** Ctrl-C to the session's terminal, for CLIs that cannot be cancelled over the protocol. */
  interrupt(sessionId: string): boolean {
    const terminal = this.terminalFor(sessionId);
    // A reused terminal may be running a newer session by now: never interrupt that one.
    if (!terminal || this.tracked.get(terminal)?.busyWith !== sessionId) return false;
    terminal.sendText('\u0003', false);
    this.log.info(`terminal: ${sessionId}: sent Ctrl-C`);
    return true;
  }

  /**
   * An idle Shannon terminal that will run the command in `cwd`: opened in that folder and, when
   * shell integration knows, still there (the user may have typed `cd` in it since).
   */
  private findIdleTerminal(cwd: vscode.Uri | undefined): vscode.Terminal | undefined {
    // `env VAR=value cmd` (how a reused terminal gets the new session id) exists only on POSIX.
    if (process.platform === 'win32') return undefined;
    for (const entry of this.tracked.values()) {
      if (entry.busyWith !== undefined || entry.terminal.exitStatus !== undefined) continue;
      if (entry.openedIn !== cwd?.fsPath) continue;
      const current = entry.terminal.shellIntegration?.cwd;
      if (current && cwd && !sameFolder(current.fsPath, cwd.fsPath)) continue;
      return entry.terminal;
    }
    return undefined;
  }

  private createTerminal(request: RunRequest): vscode.Terminal {
    const terminal = vscode.window.createTerminal({
      name: TERMINAL_NAME,
      cwd: request.cwd,
      env: { [SESSION_ID_VARIABLE]: request.sessionId },
      iconPath: new vscode.ThemeIcon('pulse'),
    });
    this.tracked.set(terminal, {
      terminal,
      busyWith: undefined,
      execution: undefined,
      startedExecution: undefined,
      awaitingStart: false,
      openedIn: request.cwd?.fsPath,
    });
    return terminal;
  }

  private waitForShellIntegration(terminal: vscode.Terminal): Promise<vscode.TerminalShellIntegration | undefined> {
    if (terminal.shellIntegration) return Promise.resolve(terminal.shellIntegration);
    return new Promise((resolve) => {
      const done = (value: vscode.TerminalShellIntegration | undefined) => {
        clearTimeout(timer);
        listener.dispose();
        closed.dispose();
        resolve(value);
      };
      const timer = setTimeout(() => done(terminal.shellIntegration), SHELL_INTEGRATION_WAIT_MS);
      const listener = vscode.window.onDidChangeTerminalShellIntegration((event) => {
        if (event.terminal === terminal) done(event.shellIntegration);
      });
      const closed = vscode.window.onDidCloseTerminal((closedTerminal) => {
        if (closedTerminal === terminal) done(undefined);
      });
    });
  }

  private onExecutionStarted(event: vscode.TerminalShellExecutionStartEvent): void {
    const entry = this.tracked.get(event.terminal);
    if (!entry || !entry.awaitingStart) return;
    entry.awaitingStart = false;
    entry.startedExecution = event.execution;
  }

  private onExecutionEnded(event: vscode.TerminalShellExecutionEndEvent): void {
    const entry = this.tracked.get(event.terminal);
    if (!entry || !entry.busyWith || !entry.execution) return;
    if (event.execution !== entry.execution && event.execution !== entry.startedExecution) return;
    const sessionId = entry.busyWith;
    entry.busyWith = undefined;
    entry.execution = undefined;
    entry.startedExecution = undefined;
    this.log.info(`terminal: ${sessionId}: command ended with exit code ${event.exitCode ?? 'unknown'}`);
    this.fireEnd({ sessionId, exitCode: event.exitCode, how: 'command-ended' });
  }

  private onTerminalClosed(terminal: vscode.Terminal): void {
    const entry = this.tracked.get(terminal);
    if (!entry) return;
    this.tracked.delete(terminal);
    for (const [sessionId, sessionTerminal] of this.bySession) {
      if (sessionTerminal === terminal) this.bySession.delete(sessionId);
    }
    const sessionId = entry.busyWith;
    if (!sessionId) return;
    // The shell's exit status, not the CLI's: only a hint, so a close counts as an interrupted run.
    this.log.info(`terminal: ${sessionId}: terminal closed (${terminal.exitStatus?.reason ?? 'unknown reason'})`);
    this.fireEnd({ sessionId, exitCode: undefined, how: 'terminal-closed' });
  }

  private fireEnd(end: CommandEnd): void {
    try {
      this.endEmitter.fire(end);
    } catch (error) {
      this.log.error(`terminal: end handler failed: ${errorText(error)}`);
    }
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.tracked.clear();
    this.bySession.clear();
  }
}

/**
 * The shell a terminal runs: VS Code >= 1.96 reports it (`terminal.state.shell`, e.g. 'bash', 'pwsh');
 * on older versions we fall back to the default shell, which is what our terminals are created with.
 */
function shellOf(terminal: vscode.Terminal): string | undefined {
  const reported = (terminal.state as { shell?: unknown }).shell;
  return typeof reported === 'string' && reported.length > 0 ? reported : vscode.env.shell;
}
