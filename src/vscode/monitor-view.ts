// The Monitor in VS Code: the `shannon.monitor` webview view in the Shannon side panel, and the
// same page as an editor panel ("Shannon: Open Monitor in Editor") that comes back after a window
// reload. Each open webview gets its own MonitorConnection (snapshot, numbered deltas, commands).
import * as vscode from 'vscode';
import type { WebviewCommand } from '../protocol/webview';
import {
  MonitorConnection,
  type MonitorHubStatus,
  type MonitorLog,
  type MonitorReview,
  type MonitorStore,
  type SteeringMessage,
} from './monitor-connection';
import { renderWebviewHtml } from './webview-html';

export const MONITOR_VIEW_ID = 'shannon.monitor';
export const MONITOR_PANEL_TYPE = 'shannon.monitorPanel';
export const OPEN_MONITOR_IN_EDITOR_COMMAND = 'shannon.openMonitorInEditor';

export interface MonitorDeps {
  /** The hub's session store, or a promise of it: the hub starts after activate() has returned. */
  store: MonitorStore | PromiseLike<MonitorStore>;
  /** Hub status: a started Hub, or `{ status: () => service.status(), onStatusChange: service.onDidChangeStatus }`. */
  hub: MonitorHubStatus;
  log: MonitorLog;
  /** The Changes review: marks shown in the page, and the view badge's count of unreviewed files. */
  review?: MonitorReview & { unreviewedCount(sessionId: string | null): number };
  /** Carries out the page's steering requests (decide, instruct, review). */
  steer?(message: SteeringMessage): void;
  /** The side view or the editor panel was shown or hidden. */
  visibilityChanged?(): void;
}

/** What the rest of the extension needs to know about the Monitor. */
export interface MonitorHandle {
  /** The side view or the editor panel is visible. */
  isVisible(): boolean;
  /** The view's badge as last set (the count of files not yet reviewed). */
  badge(): number;
}

const BADGE_COALESCE_MS = 200;

/** Webview commands -> VS Code commands (implemented in commands.ts) and whether they take the session id. */
const COMMANDS: Record<WebviewCommand, { id: string; withSession: boolean }> = {
  do: { id: 'shannon.do', withSession: false },
  halt: { id: 'shannon.halt', withSession: true },
  resume: { id: 'shannon.resume', withSession: true },
  cancel: { id: 'shannon.cancel', withSession: true },
  showTerminal: { id: 'shannon.showTerminal', withSession: true },
  openLog: { id: 'shannon.openSessionLog', withSession: true },
  showCheckpoints: { id: 'shannon.checkpoints.focus', withSession: false },
};

function isPromiseLike(value: unknown): value is PromiseLike<MonitorStore> {
  return typeof (value as PromiseLike<unknown> | undefined)?.then === 'function';
}

class MonitorHost {
  private store: MonitorStore | undefined;
  private readonly connections = new Set<MonitorConnection>();
  private panel: vscode.WebviewPanel | undefined;
  private view: vscode.WebviewView | undefined;
  private badgeValue = 0;
  private badgeTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly subscriptions: { dispose(): void }[] = [];

  constructor(
    private readonly extensionUri: vscode.Uri,
    private readonly deps: MonitorDeps,
  ) {
    if (isPromiseLike(deps.store)) {
      deps.store.then(
        (store) => this.setStore(store),
        (error: unknown) =>
          deps.log.warn(
            `monitor: no session store (hub did not start): ${error instanceof Error ? error.message : String(error)}`,
          ),
      );
    } else {
      this.store = deps.store;
    }
  }

  private setStore(store: MonitorStore): void {
    this.store = store;
    for (const connection of this.connections) connection.attachStore(store);
    this.subscriptions.push(store.subscribe(() => this.scheduleBadge()));
    if (this.deps.review) this.subscriptions.push(this.deps.review.onDidChange(() => this.scheduleBadge()));
    this.updateBadge();
  }

  isVisible(): boolean {
    return this.view?.visible === true || this.panel?.visible === true;
  }

  get badge(): number {
    return this.badgeValue;
  }

  private scheduleBadge(): void {
    if (this.badgeTimer !== undefined) return;
    this.badgeTimer = setTimeout(() => {
      this.badgeTimer = undefined;
      this.updateBadge();
    }, BADGE_COALESCE_MS);
  }

  /** The view's badge counts the active session's changed files nobody has kept or undone yet. */
  private updateBadge(): void {
    const count = this.store && this.deps.review ? this.deps.review.unreviewedCount(this.store.activeSessionId()) : 0;
    this.badgeValue = count;
    if (!this.view) return;
    this.view.badge =
      count > 0 ? { value: count, tooltip: `${count} changed file${count === 1 ? '' : 's'} to review` } : undefined;
  }

  webviewOptions(): vscode.WebviewOptions {
    const root = this.extensionUri;
    return {
      enableScripts: true,
      localResourceRoots: [
        vscode.Uri.joinPath(root, 'dist', 'webview'),
        vscode.Uri.joinPath(root, 'dist', 'codicons'),
        vscode.Uri.joinPath(root, 'media'),
      ],
    };
  }

  /** Fill a webview with the Monitor page and connect it; dispose the result with the webview. */
  connect(webview: vscode.Webview, where: string): { connection: MonitorConnection; dispose(): void } {
    const asUri = (...parts: string[]) =>
      webview.asWebviewUri(vscode.Uri.joinPath(this.extensionUri, ...parts)).toString();
    webview.options = this.webviewOptions();
    const log = this.deps.log;
    const connection = new MonitorConnection(this.deps.hub, {
      post: (message) => {
        // A hidden view's page may be gone; the next `ready` re-syncs it, so a dropped post is harmless.
        // A disposed webview throws instead of rejecting: same treatment.
        try {
          webview
            .postMessage(message)
            .then(undefined, (error: unknown) => log.debug?.(`monitor (${where}): post failed: ${String(error)}`));
        } catch (error) {
          log.debug?.(`monitor (${where}): post failed: ${String(error)}`);
        }
      },
      runCommand: (command, sessionId) => this.runCommand(command, sessionId),
      steer: this.deps.steer,
      review: this.deps.review,
      copy: (text) => {
        vscode.env.clipboard
          .writeText(text)
          .then(undefined, (error: unknown) => log.warn(`monitor: copy failed: ${String(error)}`));
      },
      log,
    });
    if (this.store) connection.attachStore(this.store);
    this.connections.add(connection);
    const received = webview.onDidReceiveMessage((message: unknown) => connection.receive(message));
    webview.html = renderWebviewHtml({
      cspSource: webview.cspSource,
      scriptUri: asUri('dist', 'webview', 'main.js'),
      styleUris: [asUri('dist', 'codicons', 'codicon.css'), asUri('media', 'monitor.css')],
      title: 'Shannon Monitor',
    });
    return {
      connection,
      dispose: () => {
        received.dispose();
        this.connections.delete(connection);
        connection.dispose();
      },
    };
  }

  private runCommand(command: WebviewCommand, sessionId: string | undefined): void {
    const target = COMMANDS[command];
    const args = target.withSession && sessionId ? [sessionId] : [];
    vscode.commands.executeCommand(target.id, ...args).then(undefined, (error: unknown) => {
      const reason = error instanceof Error ? error.message : String(error);
      this.deps.log.error(`monitor: command ${target.id} failed: ${reason}`);
      void vscode.window.showErrorMessage(`Shannon: ${reason}`);
    });
  }

  resolveView(view: vscode.WebviewView): void {
    this.view = view;
    this.updateBadge();
    const { connection, dispose } = this.connect(view.webview, 'view');
    const visibility = view.onDidChangeVisibility(() => {
      if (view.visible) connection.resume();
      else connection.pause();
      this.deps.visibilityChanged?.();
    });
    view.onDidDispose(() => {
      visibility.dispose();
      dispose();
      if (this.view === view) this.view = undefined;
    });
  }

  /** Adopt an editor panel (new, or restored by the serializer after a reload). */
  adoptPanel(panel: vscode.WebviewPanel): void {
    this.panel = panel;
    panel.iconPath = vscode.Uri.joinPath(this.extensionUri, 'media', 'shannon.svg');
    const { connection, dispose } = this.connect(panel.webview, 'editor');
    let wasVisible = panel.visible;
    // View state also changes when the panel only gains or loses focus; only visibility matters here.
    const state = panel.onDidChangeViewState(() => {
      if (panel.visible === wasVisible) return;
      wasVisible = panel.visible;
      if (panel.visible) connection.resume();
      else connection.pause();
      this.deps.visibilityChanged?.();
    });
    panel.onDidDispose(() => {
      state.dispose();
      dispose();
      if (this.panel === panel) this.panel = undefined;
    });
  }

  openInEditor(): void {
    if (this.panel) {
      this.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(
      MONITOR_PANEL_TYPE,
      'Shannon Monitor',
      vscode.ViewColumn.Active,
      this.webviewOptions(),
    );
    this.adoptPanel(panel);
  }

  dispose(): void {
    clearTimeout(this.badgeTimer);
    for (const subscription of this.subscriptions) subscription.dispose();
    for (const connection of this.connections) connection.dispose();
    this.connections.clear();
  }
}

/**
 * Register the side-panel view, the "Open Monitor in Editor" command and the panel serializer.
 * Everything is pushed to context.subscriptions.
 */
export function registerMonitor(context: vscode.ExtensionContext, deps: MonitorDeps): MonitorHandle {
  const host = new MonitorHost(context.extensionUri, deps);
  context.subscriptions.push(
    host,
    vscode.window.registerWebviewViewProvider(MONITOR_VIEW_ID, {
      resolveWebviewView: (view) => host.resolveView(view),
    }),
    vscode.commands.registerCommand(OPEN_MONITOR_IN_EDITOR_COMMAND, () => host.openInEditor()),
    vscode.window.registerWebviewPanelSerializer(MONITOR_PANEL_TYPE, {
      deserializeWebviewPanel: async (panel) => host.adoptPanel(panel),
    }),
  );
  return { isVisible: () => host.isVisible(), badge: () => host.badge };
}
