// Tells the hub when a run needs the legacy port (shannon.legacy.listen "auto"): a command typed
// into any integrated terminal of this window that runs the Shannon CLI (shell integration reports
// it as it starts), and runs started with Shannon: Do (do-command.ts calls needForSession). The
// need ends when the command ends, its terminal closes, or its session reaches a final state; the
// hub keeps the port a grace period longer.
import * as vscode from 'vscode';
import { matchShannonCommand } from '../cli/shannon-command-line';
import { legacySessionId } from '../protocol/legacy';
import { FINAL_STATES } from '../protocol/session';
import { readConfig } from './config';
import type { HubService } from './hub-service';
import { errorText } from './log';

/** How many listen latencies are kept for tests and the bench. */
const MAX_LATENCIES = 20;

interface TerminalRun {
  id: string;
  terminal: vscode.Terminal;
  sessionId?: string;
}

export class LegacyDemand implements vscode.Disposable {
  private readonly subscriptions: vscode.Disposable[] = [];
  private readonly runs = new Map<vscode.TerminalShellExecution, TerminalRun>();
  /** Session ids with an open need, so a final state can end it. */
  private readonly sessionNeeds = new Map<string, Set<string>>();
  private storeSubscription: { dispose(): void } | undefined;
  private nextId = 1;
  /** Milliseconds from a shell-execution start event to the endpoint's answer (listening or not). */
  readonly listenLatencies: number[] = [];

  constructor(
    private readonly hubService: HubService,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.subscriptions.push(
      vscode.window.onDidStartTerminalShellExecution((event) => this.onStarted(event)),
      vscode.window.onDidEndTerminalShellExecution((event) => this.onEnded(event.execution)),
      vscode.window.onDidCloseTerminal((terminal) => this.onTerminalClosed(terminal)),
    );
    void hubService.ready.then(
      (hub) => {
        this.storeSubscription = hub.store.subscribe((change) => {
          if (change.type !== 'removed' && FINAL_STATES.has(change.session.state)) this.sessionEnded(change.session.id);
        });
      },
      () => undefined,
    );
  }

  /** Shannon: Do is about to start the CLI for `sessionId`; resolves once the port was tried. */
  async needForSession(sessionId: string): Promise<void> {
    await this.need(`do:${sessionId}`, sessionId, sessionId);
  }

  /** The Shannon: Do command of `sessionId` ended. */
  releaseSession(sessionId: string): void {
    this.release(`do:${sessionId}`, sessionId);
  }

  private onStarted(event: vscode.TerminalShellExecutionStartEvent): void {
    const startedAt = performance.now();
    const commandLine = event.execution.commandLine.value;
    let match;
    try {
      match = matchShannonCommand(commandLine, readConfig().cliPath);
    } catch (error) {
      this.log.error(`legacy: could not read a terminal command line: ${errorText(error)}`);
      return;
    }
    if (!match) return;
    const sessionId = match.sessionId !== undefined ? legacySessionId(match.sessionId) : undefined;
    const run: TerminalRun = { id: `terminal:${this.nextId++}`, terminal: event.terminal, sessionId };
    this.runs.set(event.execution, run);
    const label = sessionId ?? `"${shorten(commandLine, 60)}" in terminal ${event.terminal.name}`;
    void this.need(run.id, label, sessionId).then(() => {
      const elapsed = performance.now() - startedAt;
      this.listenLatencies.push(elapsed);
      if (this.listenLatencies.length > MAX_LATENCIES) this.listenLatencies.shift();
      this.log.debug(`legacy: terminal run ${label}: port answered ${elapsed.toFixed(1)} ms after the command started`);
    });
  }

  private onEnded(execution: vscode.TerminalShellExecution): void {
    const run = this.runs.get(execution);
    if (!run) return;
    this.runs.delete(execution);
    this.release(run.id, run.sessionId);
  }

  private onTerminalClosed(terminal: vscode.Terminal): void {
    for (const [execution, run] of [...this.runs]) {
      if (run.terminal === terminal) this.onEnded(execution);
    }
  }

  private sessionEnded(sessionId: string): void {
    const ids = this.sessionNeeds.get(sessionId);
    if (!ids) return;
    for (const id of [...ids]) this.release(id, sessionId);
  }

  private async need(id: string, label: string, sessionId: string | undefined): Promise<void> {
    if (sessionId) {
      let ids = this.sessionNeeds.get(sessionId);
      if (!ids) this.sessionNeeds.set(sessionId, (ids = new Set()));
      ids.add(id);
    }
    try {
      // Normally the hub is up long before the first run; right after start-up, wait for it.
      const hub = this.hubService.current ?? (await this.hubService.ready);
      await hub.legacy.need(id, { label, sessionId });
    } catch (error) {
      this.log.warn(`legacy: could not open the legacy port for ${label}: ${errorText(error)}`);
    }
  }

  private release(id: string, sessionId: string | undefined): void {
    if (sessionId) {
      const ids = this.sessionNeeds.get(sessionId);
      ids?.delete(id);
      if (ids?.size === 0) this.sessionNeeds.delete(sessionId);
    }
    this.hubService.current?.legacy.release(id);
  }

  dispose(): void {
    for (const subscription of this.subscriptions) subscription.dispose();
    this.storeSubscription?.dispose();
    this.runs.clear();
    this.sessionNeeds.clear();
  }
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}
