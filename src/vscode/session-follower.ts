// Follows the store for everything outside the Monitor: the status bar, the context keys, the
// background notifications, the "waiting for the CLI" flag, and freeing the terminal of a session
// that has ended. One subscription, so all of them agree on what the active session is.
import * as vscode from 'vscode';
import type { Hub } from '../hub/hub';
import type { StoreChange } from '../hub/store';
import type { SessionSummary } from '../protocol/session';
import { FINAL_STATES } from '../protocol/session';
import { ContextKeys } from './context-keys';
import type { HubService } from './hub-service';
import { errorText } from './log';
import { RunNotifications } from './notifications';
import { contextValuesFor } from './session-presentation';
import { SessionStatusBar } from './status-bar';
import type { TerminalRunner } from './terminal-runner';

const REFRESH_COALESCE_MS = 100;

export class SessionFollower implements vscode.Disposable {
  readonly statusBar = new SessionStatusBar();
  readonly contextKeys = new ContextKeys();
  readonly notifications = new RunNotifications();
  private readonly subscriptions: { dispose(): void }[] = [];
  private hub: Hub | undefined;
  private refreshTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly hubService: HubService,
    private readonly runner: TerminalRunner,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.refresh();
    this.subscriptions.push(
      hubService.onDidChangeStatus(() => this.refresh()),
      runner.onDidEndCommand(() => this.refresh()),
    );
    hubService.ready.then(
      (hub) => this.attach(hub),
      () => this.refresh(),
    );
  }

  private attach(hub: Hub): void {
    this.hub = hub;
    this.notifications.seed(hub.store.list());
    this.subscriptions.push(hub.store.subscribe((change) => this.onChange(change)));
    this.refresh();
  }

  private onChange(change: StoreChange): void {
    try {
      if (change.type === 'removed') {
        this.notifications.forget(change.sessionIds);
      } else {
        this.onSession(change.session, change.type === 'events');
      }
      this.scheduleRefresh();
    } catch (error) {
      this.log.error(`follower: ${errorText(error)}`);
    }
  }

  private onSession(session: SessionSummary, hasNewEvents: boolean): void {
    // The CLI has reported: it is no longer awaited.
    if (hasNewEvents && session.waitingForCli) this.hub?.store.patch(session.id, { waitingForCli: undefined });
    if (FINAL_STATES.has(session.state)) this.runner.releaseSession(session.id);
    this.notifications.observe(session);
  }

  activeSession(): SessionSummary | undefined {
    const store = this.hub?.store;
    const id = store?.activeSessionId();
    return id ? store!.get(id) : undefined;
  }

  /**
   * A busy run reports hundreds of events per second, and every status bar or context key update is
   * a message to the workbench: coalesce them to a few per second (people cannot read faster).
   */
  private scheduleRefresh(): void {
    if (this.refreshTimer) return;
    this.refreshTimer = setTimeout(() => {
      this.refreshTimer = undefined;
      this.refresh();
    }, REFRESH_COALESCE_MS);
  }

  private refresh(): void {
    const session = this.activeSession();
    const status = this.hubService.status();
    this.statusBar.update(session, status);
    this.contextKeys.apply(
      contextValuesFor(
        session,
        session ? this.runner.terminalFor(session.id) !== undefined : false,
        status.state === 'running',
      ),
    );
  }

  dispose(): void {
    clearTimeout(this.refreshTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    this.statusBar.dispose();
  }
}
