// The checkpoint commands (Compare with Current, Restore, Open Checkpoint File, Copy Checkpoint Id,
// Refresh), the read-only `shannon-checkpoint:` documents that show a snapshot's text, and
// registerCheckpoints(), which wires them and the tree into the extension.
//
// Restore is the one that changes user files, so it is careful: plan first (src/checkpoints), refuse
// the whole restore on any unsafe path, confirm with a modal, write a "before restore" checkpoint,
// and only then apply one WorkspaceEdit so open editors and undo see the change. It never runs git.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveEditedDocument } from './save';
import { CheckpointCommandTarget } from '../protocol/checkpoint-file';
import { headerFilePath } from '../checkpoints/location';
import { loadCheckpoint } from '../checkpoints/read';
import { describeChanges, sameChanges, type RestorePlan } from '../checkpoints/restore-plan';
import { prepareRestore, writeSafetyCheckpoint } from '../checkpoints/restore';
import { resolveInsideFolder } from '../checkpoints/safe-path';
import { checkpointTitle } from '../checkpoints/tree-model';
import { sameFolder } from './paths';
import type { WorkspaceTrustGuard } from './workspace-trust';
import {
  CheckpointsTreeProvider,
  type CheckpointLog,
  type CheckpointSessionSource,
  type CheckpointTreeElement,
} from './checkpoints-tree';

export const CHECKPOINT_SCHEME = 'shannon-checkpoint';
export const CHECKPOINTS_VIEW_ID = 'shannon.checkpoints';
export const COMMANDS = {
  compare: 'shannon.checkpoints.compare',
  restore: 'shannon.checkpoints.restore',
  openFile: 'shannon.checkpoints.openFile',
  copyId: 'shannon.checkpoints.copyId',
  refresh: 'shannon.checkpoints.refresh',
} as const;

export type CompareResult = { opened: true; left: string; right: string } | { opened: false; reason: string };
export type RestoreResult =
  | { restored: true; checkpointId: string; safetyCheckpointId: string; changed: string[]; repaired: string[] }
  | { restored: false; reason: string };

/** What the integration tests (through the extension's API) and extension.ts get back. */
export interface CheckpointsApi {
  tree: CheckpointsTreeProvider;
  view: vscode.TreeView<CheckpointTreeElement>;
}

// ---- targets -------------------------------------------------------------------------------

/**
 * A tree item or a plain `{ folder, checkpointId, path?, confirm? }`, validated. The folder must be
 * one of this window's workspace folders: a command argument must not aim a restore elsewhere.
 */
function resolveTarget(arg: unknown): { ok: true; target: CheckpointCommandTarget } | { ok: false; reason: string } {
  const parsed = CheckpointCommandTarget.safeParse(arg);
  if (!parsed.success) {
    const live = typeof arg === 'object' && arg !== null && (arg as { kind?: unknown }).kind === 'checkpoint';
    return {
      ok: false,
      reason: live
        ? 'This checkpoint was reported by the run but is not on disk in any workspace folder, so it cannot be compared or restored.'
        : // VS Code passes no item when the view was refreshing at the moment of the click.
          'No checkpoint was given. Pick one in the Checkpoints view (if you just did, the view was refreshing: try again).',
    };
  }
  const folder = (vscode.workspace.workspaceFolders ?? []).find((f) => sameFolder(f.uri.fsPath, parsed.data.folder));
  if (!folder) return { ok: false, reason: `${parsed.data.folder} is not a folder of this workspace.` };
  return { ok: true, target: { ...parsed.data, folder: folder.uri.fsPath } };
}

// ---- read-only snapshot documents ----------------------------------------------------------

interface SnapshotQuery {
  folder: string;
  checkpointId: string;
  path: string;
  /** An empty document: the "other side" of a diff when a file does not exist. */
  empty?: boolean;
}

export function snapshotUri(q: SnapshotQuery): vscode.Uri {
  // The path part carries the file's own name so the editor title and language mode fit.
  return vscode.Uri.from({
    scheme: CHECKPOINT_SCHEME,
    path: `/${q.checkpointId.slice(0, 8)}/${q.path}`,
    query: JSON.stringify(q),
  });
}

class SnapshotDocumentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    let json: unknown;
    try {
      json = JSON.parse(uri.query);
    } catch {
      throw new Error(`Not a Shannon checkpoint document: ${uri.toString()}`);
    }
    if (typeof json === 'object' && json !== null && (json as { empty?: unknown }).empty === true) return '';
    const target = resolveTarget(json);
    if (!target.ok) throw new Error(target.reason);
    const { folder, checkpointId, path: relPath } = target.target;
    const load = await loadCheckpoint(folder, checkpointId);
    if (!load.ok) throw new Error(`Checkpoint ${checkpointId} cannot be read: ${load.reason}`);
    const file = load.loaded.files.find((f) => f.path === relPath);
    if (!file) throw new Error(`Checkpoint ${checkpointId} holds no file ${relPath}`);
    // A file that did not exist at checkpoint time is shown as empty.
    return file.status === 'deleted' ? '' : (file.text ?? '');
  }
}

// ---- commands ------------------------------------------------------------------------------

class CheckpointCommands {
  constructor(
    private readonly tree: CheckpointsTreeProvider,
    private readonly log: CheckpointLog,
    private readonly trust?: WorkspaceTrustGuard,
  ) {}

  /** Every refusal is logged and shown; commands also return it so scripted callers see why. */
  private refuse(reason: string): { opened: false; restored: false; reason: string } {
    this.log.error(`checkpoints: ${reason}`);
    void vscode.window.showErrorMessage(reason);
    return { opened: false, restored: false, reason };
  }

  async compare(arg: unknown): Promise<CompareResult> {
    const resolved = resolveTarget(arg);
    if (!resolved.ok) return this.refuse(resolved.reason);
    const { folder, checkpointId, path: relPath } = resolved.target;
    if (!relPath) return this.refuse('Pick a file of the checkpoint to compare.');
    const load = await loadCheckpoint(folder, checkpointId);
    if (!load.ok) return this.refuse(`Checkpoint ${checkpointId} cannot be read: ${load.reason}`);
    const safe = await resolveInsideFolder(folder, relPath);
    if (!safe.ok) return this.refuse(`Cannot compare ${relPath}: ${safe.reason}`);
    const left = snapshotUri({ folder, checkpointId, path: relPath });
    let right = vscode.Uri.file(safe.absPath);
    let exists = true;
    try {
      await vscode.workspace.fs.stat(right);
    } catch {
      exists = false;
      right = snapshotUri({ folder, checkpointId, path: relPath, empty: true });
    }
    const label = checkpointTitle(checkpointId, load.loaded.checkpoint.label);
    const title = `${path.posix.basename(relPath)} (checkpoint ${label}) ↔ ${exists ? 'Current' : 'Current (missing)'}`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
    return { opened: true, left: left.toString(), right: right.toString() };
  }

  /** The current text of open editors wins over the disk: unsaved edits are part of "now". */
  private readCurrentFromEditors = async (absPath: string): Promise<string | undefined> => {
    const doc = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === absPath);
    return doc?.isDirty ? doc.getText() : undefined;
  };

  private restoring = false;

  /** One restore at a time: two interleaved restores would each plan against a moving workspace. */
  async restore(arg: unknown): Promise<RestoreResult> {
    // The guard has shown its explanation (with a way to trust the workspace): only return it.
    const untrusted = this.trust?.refusal('restore');
    if (untrusted) return { restored: false, reason: untrusted };
    if (this.restoring) return this.refuse('Another restore is still running; try again when it has finished.');
    this.restoring = true;
    try {
      return await this.restoreNow(arg);
    } finally {
      this.restoring = false;
    }
  }

  private async restoreNow(arg: unknown): Promise<RestoreResult> {
    const resolved = resolveTarget(arg);
    if (!resolved.ok) return this.refuse(resolved.reason);
    const { folder, checkpointId, confirm } = resolved.target;
    const prepared = await prepareRestore(folder, checkpointId, this.readCurrentFromEditors);
    if (!prepared.ok) return this.refuse(prepared.reason);
    const title = checkpointTitle(checkpointId, prepared.loaded.checkpoint.label);
    if (prepared.plan.changes.length === 0) {
      void vscode.window.showInformationMessage(
        `The workspace already matches checkpoint "${title}"; nothing to restore.`,
      );
      return { restored: false, reason: 'nothing to change' };
    }
    if (confirm !== false) {
      const lines = describeChanges(prepared.plan);
      const choice = await vscode.window.showWarningMessage(
        `Restore checkpoint "${title}"? ${lines.length} file${lines.length === 1 ? '' : 's'} will change.`,
        {
          modal: true,
          detail: `${lines.join('\n')}\n\nA "before restore" checkpoint of the current contents is written first, so this restore can itself be restored away. Git is not touched.`,
        },
        'Restore',
      );
      if (choice !== 'Restore') return { restored: false, reason: 'cancelled' };
    }
    // The modal may have been open for a while: plan again and make sure it is what was shown.
    const fresh = await prepareRestore(folder, checkpointId, this.readCurrentFromEditors);
    if (!fresh.ok) return this.refuse(fresh.reason);
    if (!sameChanges(prepared.plan, fresh.plan)) {
      return this.refuse(
        `Files changed while the restore was being confirmed; nothing was written. Run Restore again to see the new list.`,
      );
    }
    let safetyId: string;
    try {
      safetyId = (await writeSafetyCheckpoint(fresh.plan)).id;
    } catch (err) {
      return this.refuse(
        `Could not write the "before restore" checkpoint, so nothing was restored: ${(err as Error).message}`,
      );
    }
    this.log.info(`checkpoints: wrote safety checkpoint ${safetyId} before restoring ${checkpointId}`);
    const applied = await this.apply(fresh.plan).catch((err: unknown) => ({
      ok: false as const,
      reason: (err as Error).message,
    }));
    if (!applied.ok) {
      return this.refuse(
        `Restore of ${checkpointId} failed: ${applied.reason}. The safety checkpoint ${safetyId} holds the contents from before.`,
      );
    }
    const changed = describeChanges(fresh.plan);
    this.log.info(`checkpoints: restored ${checkpointId}: ${changed.join(', ')}`);
    await this.tree.refresh();
    void vscode.window
      .showInformationMessage(
        `Restored checkpoint "${title}" (${changed.length} file${changed.length === 1 ? '' : 's'}).`,
        'Undo Restore',
      )
      .then((choice) => {
        if (choice) void vscode.commands.executeCommand(COMMANDS.restore, { folder, checkpointId: safetyId });
      });
    return { restored: true, checkpointId, safetyCheckpointId: safetyId, changed, repaired: applied.repaired };
  }

  /**
   * Applies the plan through WorkspaceEdits so open editors and undo see it, then makes sure the
   * disk holds exactly the planned text. Files open in an editor get a whole-text replace (their
   * undo stack keeps it); other files are written by createFile/deleteFile operations. The two kinds
   * go in separate edits: in code-server a replace on a dirty document applied together with file
   * operations was seen to end up "saved" in the editor while the disk kept the older text.
   */
  private async apply(plan: RestorePlan): Promise<{ ok: true; repaired: string[] } | { ok: false; reason: string }> {
    const openDocs = new Map(
      vscode.workspace.textDocuments.filter((d) => d.uri.scheme === 'file').map((d) => [d.uri.fsPath, d]),
    );
    const textEdit = new vscode.WorkspaceEdit();
    const fileEdit = new vscode.WorkspaceEdit();
    let fileOperations = 0;
    for (const change of plan.changes) {
      const uri = vscode.Uri.file(change.absPath);
      const doc = openDocs.get(uri.fsPath);
      if (change.action === 'delete') {
        fileEdit.deleteFile(uri, { ignoreIfNotExists: true });
        fileOperations++;
      } else if (doc && change.action === 'modify') {
        textEdit.replace(
          uri,
          new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length)),
          change.newText ?? '',
        );
      } else {
        fileEdit.createFile(uri, { overwrite: true, contents: new TextEncoder().encode(change.newText ?? '') });
        fileOperations++;
      }
    }
    if (textEdit.size > 0) {
      if (!(await vscode.workspace.applyEdit(textEdit)))
        return { ok: false, reason: 'VS Code did not apply the edit to the open editors' };
      for (const [uri] of textEdit.entries()) {
        const doc = vscode.workspace.textDocuments.find((d) => d.uri.toString() === uri.toString());
        if (doc && !(await saveEditedDocument(doc))) return { ok: false, reason: `could not save ${uri.fsPath}` };
      }
    }
    // WorkspaceEdit.size counts only text edits, so file operations are counted here.
    if (fileOperations > 0 && !(await vscode.workspace.applyEdit(fileEdit))) {
      return { ok: false, reason: 'VS Code did not apply the file operations' };
    }
    return this.verifyOnDisk(plan);
  }

  /**
   * The plan is about disk state: check it, and write a file directly when the editor path did not
   * get it there exactly, e.g. an editor with CRLF line endings converts the LF text it is given
   * (logged, and reported in the result so tests can insist it stays empty when it should).
   */
  private async verifyOnDisk(plan: RestorePlan): Promise<{ ok: true; repaired: string[] }> {
    const repaired: string[] = [];
    for (const change of plan.changes) {
      const uri = vscode.Uri.file(change.absPath);
      let onDisk: string | null;
      try {
        onDisk = new TextDecoder().decode(await vscode.workspace.fs.readFile(uri));
      } catch {
        onDisk = null;
      }
      const wanted = change.action === 'delete' ? null : (change.newText ?? '');
      if (onDisk === wanted) continue;
      this.log.warn(`checkpoints: ${change.path} did not reach the disk through the editor; writing it directly`);
      if (wanted === null) await vscode.workspace.fs.delete(uri, { useTrash: false });
      else await vscode.workspace.fs.writeFile(uri, new TextEncoder().encode(wanted));
      repaired.push(change.path);
    }
    return { ok: true, repaired };
  }

  async openFile(arg: unknown): Promise<void> {
    const a = (typeof arg === 'object' && arg !== null ? arg : {}) as { kind?: string; file?: string };
    let file: string | undefined;
    if (a.kind === 'error' && typeof a.file === 'string') {
      file = a.file;
    } else {
      const resolved = resolveTarget(arg);
      if (!resolved.ok) return void this.refuse(resolved.reason);
      file = headerFilePath(resolved.target.folder, resolved.target.checkpointId);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file), { preview: true });
  }

  async copyId(arg: unknown): Promise<string | undefined> {
    const id = typeof arg === 'object' && arg !== null ? (arg as { checkpointId?: unknown }).checkpointId : undefined;
    if (typeof id !== 'string' || id.length === 0)
      return void this.refuse('Pick a checkpoint in the Checkpoints view.');
    await vscode.env.clipboard.writeText(id);
    return id;
  }
}

// ---- wiring --------------------------------------------------------------------------------

export interface CheckpointsDeps {
  /** The hub's SessionStore, or a promise of it (the hub starts after activate() returns). */
  store: CheckpointSessionSource | PromiseLike<CheckpointSessionSource> | undefined;
  log: CheckpointLog;
  /** Restore refuses in Restricted Mode (explained by the guard). */
  trust?: WorkspaceTrustGuard;
}

function isThenable<T>(value: unknown): value is PromiseLike<T> {
  return typeof (value as PromiseLike<T> | undefined)?.then === 'function';
}

export function registerCheckpoints(context: vscode.ExtensionContext, deps: CheckpointsDeps): CheckpointsApi {
  const tree = new CheckpointsTreeProvider(deps.log);
  const view = vscode.window.createTreeView(CHECKPOINTS_VIEW_ID, { treeDataProvider: tree, showCollapseAll: true });
  tree.attachView(view);
  const commands = new CheckpointCommands(tree, deps.log, deps.trust);
  context.subscriptions.push(
    tree,
    view,
    vscode.workspace.registerTextDocumentContentProvider(CHECKPOINT_SCHEME, new SnapshotDocumentProvider()),
    vscode.commands.registerCommand(COMMANDS.compare, (arg: unknown) => commands.compare(arg)),
    vscode.commands.registerCommand(COMMANDS.restore, (arg: unknown) => commands.restore(arg)),
    vscode.commands.registerCommand(COMMANDS.openFile, (arg: unknown) => commands.openFile(arg)),
    vscode.commands.registerCommand(COMMANDS.copyId, (arg: unknown) => commands.copyId(arg)),
    vscode.commands.registerCommand(COMMANDS.refresh, () => tree.refresh().then(() => undefined)),
  );
  if (isThenable<CheckpointSessionSource>(deps.store)) {
    deps.store.then(
      (store) => tree.attachStore(store),
      // The hub failing to start is reported by the hub service; on-disk checkpoints still show.
      (err: unknown) => deps.log.warn(`checkpoints: no live sessions (hub unavailable: ${String(err)})`),
    );
  } else if (deps.store) {
    tree.attachStore(deps.store);
  }
  return { tree, view };
}
