// The Checkpoints tree (view `shannon.checkpoints`): sessions from the hub's store with the
// checkpoints they reported, plus Shannon's on-disk checkpoints of every workspace folder. The
// shape is computed by the pure src/checkpoints/tree-model.ts; this file only maps it to
// TreeItems, watches `.shannon/checkpoints/` and keeps the badge current.
import { watch, type FSWatcher } from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { SessionStore } from '../hub/store';
import { familyOf } from '../protocol/families/index';
import { listCheckpoints, listedFiles, type FileStatus } from '../checkpoints/read';
import { CHECKPOINTS_DIR } from '../checkpoints/location';
import { formatRelativeTime } from '../checkpoints/relative-time';
import {
  buildCheckpointTree,
  checkpointDetails,
  type CheckpointNode,
  type DiskListing,
  type ErrorNode,
  type RootNode,
} from '../checkpoints/tree-model';
import type { SessionSummary } from '../protocol/session';

/** The part of the hub's SessionStore the tree needs. */
export type CheckpointSessionSource = Pick<SessionStore, 'list' | 'activeSessionId' | 'subscribe'>;

export interface CheckpointLog {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}

/** A file of a checkpoint. `folder` is undefined for a live checkpoint not found on disk. */
export interface FileElement {
  kind: 'file';
  key: string;
  folder?: string;
  checkpointId: string;
  path: string;
  status: FileStatus | 'reported';
}
export type CheckpointTreeElement = RootNode | CheckpointNode | ErrorNode | FileElement;

/** contextValue per item kind; package.json menus match these with `viewItem ==` / `=~`. */
export const CONTEXT = {
  session: 'shannon.checkpointSession',
  folder: 'shannon.checkpointFolder',
  checkpointOnDisk: 'shannon.checkpoint.onDisk',
  checkpointLive: 'shannon.checkpoint.live',
  fileOnDisk: 'shannon.checkpointFile.onDisk',
  fileLive: 'shannon.checkpointFile.live',
  error: 'shannon.checkpointError',
} as const;

const STATE_ICON: Record<SessionSummary['state'], string> = {
  pending: 'clock',
  running: 'play-circle',
  halted: 'debug-pause',
  completed: 'pass',
  failed: 'error',
  cancelled: 'circle-slash',
  lost: 'warning',
};

const DEBOUNCE_MS = 150;

export class CheckpointsTreeProvider implements vscode.TreeDataProvider<CheckpointTreeElement>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<CheckpointTreeElement | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly builtEmitter = new vscode.EventEmitter<RootNode[]>();
  /** Fires after every rebuild with the new roots (the integration tests wait on it). */
  readonly onDidRebuild = this.builtEmitter.event;

  private store: CheckpointSessionSource | undefined;
  private storeSubscription: { dispose(): void } | undefined;
  private sessionsSignature = '';
  private disk: DiskListing[] = [];
  private roots: RootNode[] = [];
  private current: Promise<RootNode[]> = Promise.resolve([]);
  private timer: NodeJS.Timeout | undefined;
  private pendingDiskReload = false;
  private watchers: vscode.Disposable[] = [];
  private readonly disposables: vscode.Disposable[] = [];
  private view: vscode.TreeView<CheckpointTreeElement> | undefined;

  constructor(private readonly log: CheckpointLog) {
    this.disposables.push(
      this.changeEmitter,
      this.builtEmitter,
      vscode.workspace.onDidChangeWorkspaceFolders(() => {
        this.watchFolders();
        this.scheduleRefresh(true);
      }),
    );
    this.watchFolders();
    this.current = this.rebuild(true);
  }

  /** The hub's store arrives after activate() (the hub starts in the background). */
  attachStore(store: CheckpointSessionSource): void {
    this.storeSubscription?.dispose();
    this.store = store;
    // Store changes arrive per event; only a change of sessions, states or checkpoints matters here.
    // The listener runs inside the hub's ingest path: skip batches that cannot change the tree.
    this.storeSubscription = store.subscribe((change) => {
      const created = change.type === 'events' && change.events.some((e) => familyOf(e.kind)?.name === 'checkpoint');
      // The CLI writes the checkpoint file as it reports it; re-read the disk too, so the live item
      // gets its on-disk details even when file events are late.
      if (created) return this.scheduleRefresh(true);
      if (
        change.type === 'events' &&
        change.fromIndex > 0 &&
        !change.events.some((e) => familyOf(e.kind)?.name === 'execution')
      )
        return;
      if (this.signatureOf(store) !== this.sessionsSignature) this.scheduleRefresh(false);
    });
    this.scheduleRefresh(false);
  }

  attachView(view: vscode.TreeView<CheckpointTreeElement>): void {
    this.view = view;
    this.updateView();
  }

  /** Re-reads every folder's checkpoints now; resolves with the new roots. */
  refresh(): Promise<RootNode[]> {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pendingDiskReload = false;
    return this.enqueueRebuild(true);
  }

  /** Rebuilds run one after the other, so an older listing never overwrites a newer one. */
  private enqueueRebuild(reloadDisk: boolean): Promise<RootNode[]> {
    this.current = this.current.then(() => this.rebuild(reloadDisk));
    return this.current;
  }

  /** The roots as of the latest rebuild (awaits one in flight). */
  rootsNow(): Promise<RootNode[]> {
    return this.current;
  }

  private scheduleRefresh(reloadDisk: boolean): void {
    this.pendingDiskReload ||= reloadDisk;
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      const reload = this.pendingDiskReload;
      this.pendingDiskReload = false;
      void this.enqueueRebuild(reload);
    }, DEBOUNCE_MS);
  }

  private signatureOf(store: CheckpointSessionSource): string {
    return `${store.activeSessionId()}|${store
      .list()
      .map((s) => `${s.id}:${s.state}:${s.checkpoints.map((c) => c.id).join(',')}:${s.task ?? ''}`)
      .join(';')}`;
  }

  private async rebuild(reloadDisk: boolean): Promise<RootNode[]> {
    try {
      if (reloadDisk) {
        const folders = vscode.workspace.workspaceFolders ?? [];
        this.disk = await Promise.all(
          folders.map(async (f): Promise<DiskListing> => ({
            folder: f.uri.fsPath,
            name: f.name,
            entries: await listCheckpoints(f.uri.fsPath),
          })),
        );
        for (const listing of this.disk) {
          for (const e of listing.entries) if (!e.ok) this.log.warn(`checkpoints: ${e.file}: ${e.reason}`);
        }
        this.watchCheckpointFoldersDirectly();
      }
      const sessions = this.store?.list() ?? [];
      const active = this.store?.activeSessionId() ?? null;
      if (this.store) this.sessionsSignature = this.signatureOf(this.store);
      this.roots = buildCheckpointTree(sessions, active, this.disk);
    } catch (err) {
      // Never break the tree: keep the last good roots and say what happened.
      this.log.error(`checkpoints: cannot rebuild the tree: ${(err as Error).message}`);
    }
    this.updateView();
    // Refresh the view only when the tree really changed. Every refresh makes VS Code forget the
    // items it handed out until it has fetched them again, and a click on an item in that moment
    // reaches the command without its checkpoint. A file watcher or a run often rebuilds an
    // identical tree (the _contents file of a checkpoint, a session event that moves nothing here).
    const signature = JSON.stringify(this.roots);
    if (signature !== this.shownSignature) {
      this.shownSignature = signature;
      this.changeEmitter.fire(undefined);
    }
    this.builtEmitter.fire(this.roots);
    return this.roots;
  }

  /** What the view was last told to show (see rebuild). */
  private shownSignature = '';

  private updateView(): void {
    if (!this.view) return;
    const activeId = this.store?.activeSessionId() ?? null;
    const active = activeId ? this.store?.list().find((s) => s.id === activeId) : undefined;
    const count = active?.checkpoints.length ?? 0;
    this.view.badge =
      count > 0
        ? { value: count, tooltip: `${count} checkpoint${count === 1 ? '' : 's'} in the active Shannon session` }
        : undefined;
    this.view.message =
      this.roots.length === 0
        ? 'No checkpoints yet. They appear when a Shannon run creates them, and from .shannon/checkpoints in a workspace folder.'
        : undefined;
  }

  private watchFolders(): void {
    for (const w of this.watchers) w.dispose();
    this.watchers = [];
    this.closeDirectWatchers();
    this.watchCheckpointFoldersDirectly();
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      // `*.json` also matches the _contents bodies: a body written after its header must refresh too.
      const watcher = vscode.workspace.createFileSystemWatcher(
        new vscode.RelativePattern(folder, `${CHECKPOINTS_DIR}/*.json`),
      );
      const onChange = () => this.scheduleRefresh(true);
      this.watchers.push(
        watcher,
        watcher.onDidCreate(onChange),
        watcher.onDidChange(onChange),
        watcher.onDidDelete(onChange),
      );
    }
  }

  /**
   * VS Code's file watcher can lag far behind on a busy machine: in code-server it has been seen to
   * deliver nothing for over a minute. So each checkpoints folder that exists is also watched
   * directly (one non-recursive watch, where the files are). A folder created later is found by VS
   * Code's watcher or the next disk reload, which try again here.
   */
  private watchCheckpointFoldersDirectly(): void {
    for (const folder of vscode.workspace.workspaceFolders ?? []) {
      const dir = path.join(folder.uri.fsPath, CHECKPOINTS_DIR);
      if (this.directWatchers.has(dir)) continue;
      try {
        const watcher = watch(dir, { persistent: false }, () => this.scheduleRefresh(true));
        // The folder went away (or cannot be watched any more): forget it, so it is watched again.
        watcher.on('error', () => this.closeDirectWatcher(dir));
        this.directWatchers.set(dir, watcher);
      } catch {
        // Not there yet (or not watchable): VS Code's watcher still covers it.
      }
    }
  }

  private closeDirectWatcher(dir: string): void {
    this.directWatchers.get(dir)?.close();
    this.directWatchers.delete(dir);
  }

  private closeDirectWatchers(): void {
    for (const dir of [...this.directWatchers.keys()]) this.closeDirectWatcher(dir);
  }

  private readonly directWatchers = new Map<string, FSWatcher>();

  async getChildren(element?: CheckpointTreeElement): Promise<CheckpointTreeElement[]> {
    if (!element) return this.current;
    switch (element.kind) {
      case 'session':
      case 'folder':
        return element.children;
      case 'checkpoint':
        return this.filesOf(element);
      default:
        return [];
    }
  }

  private async filesOf(node: CheckpointNode): Promise<Array<FileElement | ErrorNode>> {
    if (!node.folder) {
      return (node.reportedFiles ?? []).map((p) => ({
        kind: 'file',
        key: `${node.key}/file/${p}`,
        checkpointId: node.checkpointId,
        path: p,
        status: 'reported',
      }));
    }
    const folder = node.folder;
    // From the header alone: a contents file is read only when a file is compared or restored.
    if (!node.header) return [];
    return listedFiles(node.header).map((f) => ({
      kind: 'file',
      key: `${node.key}/file/${f.path}`,
      folder,
      checkpointId: node.checkpointId,
      path: f.path,
      status: f.status,
    }));
  }

  getTreeItem(element: CheckpointTreeElement): vscode.TreeItem {
    switch (element.kind) {
      case 'session':
        return this.sessionItem(element);
      case 'folder': {
        const item = new vscode.TreeItem(`On disk: ${element.name}`, vscode.TreeItemCollapsibleState.Expanded);
        item.id = element.key;
        item.description = `${element.children.length}`;
        item.tooltip = `Checkpoints in ${path.join(element.folder, CHECKPOINTS_DIR)} that no session of this window reported`;
        item.iconPath = new vscode.ThemeIcon('folder');
        item.contextValue = CONTEXT.folder;
        return item;
      }
      case 'checkpoint':
        return this.checkpointItem(element);
      case 'file':
        return this.fileItem(element);
      case 'error': {
        const item = new vscode.TreeItem(element.label, vscode.TreeItemCollapsibleState.None);
        item.id = element.key;
        item.description = element.reason;
        item.tooltip = `${element.file ?? element.folder}\n${element.reason}`;
        item.iconPath = new vscode.ThemeIcon('error', new vscode.ThemeColor('errorForeground'));
        item.contextValue = CONTEXT.error;
        return item;
      }
    }
  }

  private sessionItem(node: Extract<RootNode, { kind: 'session' }>): vscode.TreeItem {
    const item = new vscode.TreeItem(
      node.label,
      node.children.length > 0 ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.key;
    const count = node.children.length;
    item.description = `${node.active ? 'active · ' : ''}${node.state} · ${count === 0 ? 'no checkpoints yet' : `${count} checkpoint${count === 1 ? '' : 's'}`}`;
    item.tooltip = `Session ${node.sessionId} (${node.state})`;
    item.iconPath = new vscode.ThemeIcon(STATE_ICON[node.state]);
    item.contextValue = CONTEXT.session;
    return item;
  }

  private checkpointItem(node: CheckpointNode): vscode.TreeItem {
    const hasFiles = node.folder !== undefined || (node.reportedFiles?.length ?? 0) > 0;
    const item = new vscode.TreeItem(
      node.label,
      hasFiles ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None,
    );
    item.id = node.key;
    const when = formatRelativeTime(Date.parse(node.ts), Date.now());
    item.description = node.skillName ? `${node.skillName} · ${when}` : when;
    item.tooltip = checkpointDetails(node).join('\n');
    const isSafety = Boolean(node.header?.restored_from);
    item.iconPath = new vscode.ThemeIcon(node.folder ? (isSafety ? 'shield' : 'history') : 'cloud');
    item.contextValue = node.folder ? CONTEXT.checkpointOnDisk : CONTEXT.checkpointLive;
    return item;
  }

  private fileItem(file: FileElement): vscode.TreeItem {
    const item = new vscode.TreeItem(path.posix.basename(file.path), vscode.TreeItemCollapsibleState.None);
    item.id = file.key;
    const dir = path.posix.dirname(file.path);
    const where = dir === '.' ? '' : dir;
    const what = file.status === 'deleted' ? 'did not exist' : file.status === 'modified' ? '' : 'reported';
    item.description = [where, what].filter(Boolean).join(' · ');
    item.tooltip =
      file.status === 'deleted'
        ? `${file.path}: did not exist at this checkpoint (restore deletes it)`
        : file.status === 'modified'
          ? `${file.path}: text saved in the checkpoint`
          : `${file.path}: named by the live event; the checkpoint is not on disk`;
    if (file.folder) item.resourceUri = vscode.Uri.file(path.join(file.folder, file.path));
    if (file.status === 'deleted') item.iconPath = new vscode.ThemeIcon('diff-removed');
    item.contextValue = file.folder ? CONTEXT.fileOnDisk : CONTEXT.fileLive;
    if (file.folder) {
      item.command = {
        command: 'shannon.checkpoints.compare',
        title: 'Compare with Current',
        arguments: [{ folder: file.folder, checkpointId: file.checkpointId, path: file.path }],
      };
    }
    return item;
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.storeSubscription?.dispose();
    for (const w of this.watchers) w.dispose();
    this.closeDirectWatchers();
    for (const d of this.disposables) d.dispose();
  }
}
