// The Changes review in the editor: a diff of each file the run changed (before the run on the
// left, the current file on the right), Keep (remembered per session in workspaceState, so it
// survives a window reload) and Undo (puts the before text back through a WorkspaceEdit, so the
// editor's own undo reverts it, after a safety checkpoint and the same path checks as Restore).
// The "before" text comes from the run's checkpoints or, failing those, from git HEAD through VS
// Code's built-in Git extension: we never start git ourselves and never write to .git.
import * as path from 'node:path';
import * as vscode from 'vscode';
import { saveEditedDocument } from './save';
import type { FileChange, SessionSummary } from '../protocol/session';
import { loadCheckpoint } from '../checkpoints/read';
import {
  chooseBeforeText,
  describeBefore,
  isReviewed,
  undoAction,
  unreviewed,
  type BeforeText,
  type GitHeadText,
  type ReviewMarks,
} from '../checkpoints/review';
import type { RestorePlan } from '../checkpoints/restore-plan';
import { writeSafetyCheckpoint } from '../checkpoints/restore';
import { resolveInsideFolder } from '../checkpoints/safe-path';
import { errorText } from './log';
import type { WorkspaceTrustGuard } from './workspace-trust';

export const REVIEW_SCHEME = 'shannon-review';
export const REVIEW_COMMANDS = {
  diff: 'shannon.review.diff',
  keep: 'shannon.review.keep',
  undo: 'shannon.review.undo',
  keepAll: 'shannon.review.keepAll',
  undoAll: 'shannon.review.undoAll',
} as const;

const MARKS_KEY_PREFIX = 'shannon.review.';

/** The sessions the review reads (the hub's store). */
export interface ReviewSessions {
  get(sessionId: string): SessionSummary | undefined;
  activeSessionId(): string | null;
}

export type ReviewResult = { ok: true; files: string[]; safetyCheckpointId?: string } | { ok: false; reason: string };

/** `{ sessionId?, path?, confirm? }` from the Monitor, a test or a keybinding. */
interface ReviewArgs {
  sessionId?: string;
  path?: string;
  confirm?: boolean;
}

function reviewArgs(arg: unknown): ReviewArgs {
  if (typeof arg !== 'object' || arg === null) return {};
  const { sessionId, path: file, confirm } = arg as Record<string, unknown>;
  return {
    sessionId: typeof sessionId === 'string' ? sessionId : undefined,
    path: typeof file === 'string' ? file : undefined,
    confirm: typeof confirm === 'boolean' ? confirm : undefined,
  };
}

interface GitRepositoryLike {
  state: { HEAD?: { commit?: string } };
  show(ref: string, absPath: string): Promise<string>;
}
interface GitApiLike {
  getRepository(uri: vscode.Uri): GitRepositoryLike | null;
}

/** The file at HEAD through the built-in Git extension (which runs git; we do not). */
async function gitHeadText(absPath: string): Promise<GitHeadText> {
  try {
    const extension = vscode.extensions.getExtension<{ getAPI(version: 1): GitApiLike }>('vscode.git');
    if (!extension) return { state: 'unknown' };
    const exports = extension.isActive ? extension.exports : await extension.activate();
    const repository = exports.getAPI(1).getRepository(vscode.Uri.file(absPath));
    if (!repository) return { state: 'unknown' };
    try {
      return { state: 'text', text: await repository.show('HEAD', absPath) };
    } catch {
      // A repository with a HEAD commit that cannot show the file has no such file at HEAD.
      return repository.state.HEAD?.commit ? { state: 'absent' } : { state: 'unknown' };
    }
  } catch {
    return { state: 'unknown' };
  }
}

export class ChangesReview implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<string>();
  /** Fires with a session id when its review marks changed. */
  readonly onDidChange = this.changeEmitter.event;
  private busy = false;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly sessions: () => ReviewSessions | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly trust?: WorkspaceTrustGuard,
  ) {}

  marks(sessionId: string): ReviewMarks {
    const stored = this.context.workspaceState.get<unknown>(MARKS_KEY_PREFIX + sessionId);
    if (typeof stored !== 'object' || stored === null) return {};
    // workspaceState is ours, but an older version may have written another shape: keep what fits.
    const marks: ReviewMarks = {};
    for (const [file, mark] of Object.entries(stored as Record<string, unknown>)) {
      const { seq, action } = (mark ?? {}) as Record<string, unknown>;
      if (Number.isInteger(seq) && (action === 'kept' || action === 'undone'))
        marks[file] = { seq: seq as number, action };
    }
    return marks;
  }

  unreviewedCount(sessionId: string | null | undefined): number {
    const session = sessionId ? this.sessions()?.get(sessionId) : undefined;
    return session ? unreviewed(session.changes, this.marks(session.id)).length : 0;
  }

  private async mark(sessionId: string, changes: readonly FileChange[], action: 'kept' | 'undone'): Promise<void> {
    const marks = this.marks(sessionId);
    for (const change of changes) marks[change.path] = { seq: change.seq, action };
    await this.context.workspaceState.update(MARKS_KEY_PREFIX + sessionId, marks);
    this.changeEmitter.fire(sessionId);
  }

  private session(args: ReviewArgs): SessionSummary | undefined {
    const sessions = this.sessions();
    const id = args.sessionId ?? sessions?.activeSessionId() ?? undefined;
    return id ? sessions?.get(id) : undefined;
  }

  private refuse(reason: string): ReviewResult {
    this.log.warn(`review: ${reason}`);
    void vscode.window.showWarningMessage(`Shannon: ${reason}`);
    return { ok: false, reason };
  }

  /** Where a reported path lives: a workspace folder and the path relative to it. */
  private locate(reported: string): { folder: string; relPath: string } | undefined {
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    if (path.isAbsolute(reported)) {
      for (const folder of folders) {
        const rel = path.relative(folder, reported);
        if (rel && !rel.startsWith('..') && !path.isAbsolute(rel))
          return { folder, relPath: rel.split(path.sep).join('/') };
      }
      return undefined;
    }
    return folders.length > 0 ? { folder: folders[0], relPath: reported } : undefined;
  }

  async beforeText(
    session: SessionSummary,
    reported: string,
  ): Promise<{ before: BeforeText; folder: string; relPath: string } | undefined> {
    const located = this.locate(reported);
    if (!located) return undefined;
    const folders = (vscode.workspace.workspaceFolders ?? []).map((f) => f.uri.fsPath);
    const before = await chooseBeforeText(located.relPath, {
      checkpointIds: session.checkpoints.map((c) => c.id),
      folders: [located.folder, ...folders.filter((f) => f !== located.folder)],
      loadCheckpoint,
      gitHead: (rel) => gitHeadText(path.join(located.folder, ...rel.split('/'))),
    });
    const folder = before.source === 'checkpoint' ? before.folder : located.folder;
    return { before, folder, relPath: located.relPath };
  }

  async diff(arg: unknown): Promise<ReviewResult & { left?: string; right?: string }> {
    const args = reviewArgs(arg);
    const session = this.session(args);
    if (!session || !args.path) return this.refuse('pick a changed file of a session to compare.');
    const found = await this.beforeText(session, args.path);
    if (!found) return this.refuse(`${args.path} is not inside a folder of this workspace.`);
    const safe = await resolveInsideFolder(found.folder, found.relPath);
    if (!safe.ok) return this.refuse(`cannot compare ${args.path}: ${safe.reason}`);
    const left = beforeUri(session.id, args.path);
    let right = vscode.Uri.file(safe.absPath);
    let exists = true;
    try {
      await vscode.workspace.fs.stat(right);
    } catch {
      exists = false;
      right = beforeUri(session.id, args.path, true);
    }
    const title = `${path.posix.basename(found.relPath)} (${describeBefore(found.before)}) ↔ ${exists ? 'Current' : 'Current (deleted)'}`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
    return { ok: true, files: [args.path], left: left.toString(), right: right.toString() };
  }

  async keep(arg: unknown, all = false): Promise<ReviewResult> {
    const args = reviewArgs(arg);
    const session = this.session(args);
    if (!session) return this.refuse('there is no session to review.');
    const changes = (session.changes ?? []).filter((c) => (all ? true : c.path === args.path));
    if (changes.length === 0)
      return this.refuse(all ? 'the run changed no files.' : `the run did not change ${args.path}.`);
    await this.mark(session.id, changes, 'kept');
    this.log.info(`review: kept ${changes.map((c) => c.path).join(', ')} of ${session.id}`);
    return { ok: true, files: changes.map((c) => c.path) };
  }

  /** One undo at a time: two would each check the workspace while the other changes it. */
  async undo(arg: unknown, all = false): Promise<ReviewResult> {
    // The guard has shown its explanation (with a way to trust the workspace): only return it.
    const untrusted = this.trust?.refusal('undo');
    if (untrusted) return { ok: false, reason: untrusted };
    if (this.busy) return this.refuse('another undo is still running; try again when it has finished.');
    this.busy = true;
    try {
      return await this.undoNow(reviewArgs(arg), all);
    } catch (error) {
      return this.refuse(`undo failed: ${errorText(error)}`);
    } finally {
      this.busy = false;
    }
  }

  private async undoNow(args: ReviewArgs, all: boolean): Promise<ReviewResult> {
    const session = this.session(args);
    if (!session) return this.refuse('there is no session to review.');
    const targets = all
      ? unreviewed(session.changes, this.marks(session.id))
      : (session.changes ?? []).filter((c) => c.path === args.path);
    if (targets.length === 0)
      return this.refuse(all ? 'every changed file is already reviewed.' : `the run did not change ${args.path}.`);

    // Plan every file first (same checks as Restore); any problem refuses the whole undo.
    const plans: { change: FileChange; plan: RestorePlan }[] = [];
    const problems: string[] = [];
    for (const change of targets) {
      const found = await this.beforeText(session, change.path);
      if (!found) {
        problems.push(`${change.path}: not inside a folder of this workspace`);
        continue;
      }
      const action = undoAction(found.before);
      if (action.action === 'none') {
        problems.push(`${change.path}: no earlier version known`);
        continue;
      }
      const safe = await resolveInsideFolder(found.folder, found.relPath);
      if (!safe.ok) {
        problems.push(`${change.path}: ${safe.reason}`);
        continue;
      }
      const currentText = await currentTextOf(safe.absPath);
      const newText = action.action === 'write' ? action.text : undefined;
      if (currentText === (newText ?? null)) {
        plans.push({ change, plan: emptyPlan(found.folder) }); // already as before: just mark it
        continue;
      }
      const plan = emptyPlan(found.folder);
      plan.changes.push({
        path: found.relPath,
        absPath: safe.absPath,
        action: action.action === 'delete' ? 'delete' : currentText === null ? 'create' : 'modify',
        newText,
        currentText,
      });
      plans.push({ change, plan });
    }
    if (problems.length > 0) return this.refuse(`undo refused, nothing was changed. ${problems.join('; ')}`);

    if (all && args.confirm !== false) {
      const files = plans.map((p) => p.change.path);
      const choice = await vscode.window.showWarningMessage(
        `Undo the run's changes to ${files.length} file${files.length === 1 ? '' : 's'}?`,
        {
          modal: true,
          detail: `${files.join('\n')}\n\nA safety checkpoint of the current contents is written first, and each file can be put back with the editor's Undo. Git is not touched.`,
        },
        'Undo All',
      );
      if (choice !== 'Undo All') return { ok: false, reason: 'cancelled' };
    }

    const real = plans.filter((p) => p.plan.changes.length > 0);
    let safetyCheckpointId: string | undefined;
    if (real.length > 0) {
      // One safety checkpoint per folder holding the current text of every file about to change.
      const byFolder = new Map<string, RestorePlan>();
      for (const { plan } of real) {
        const merged = byFolder.get(plan.folder) ?? emptyPlan(plan.folder);
        merged.changes.push(...plan.changes);
        byFolder.set(plan.folder, merged);
      }
      for (const plan of byFolder.values()) safetyCheckpointId = (await writeSafetyCheckpoint(plan)).id;
      this.log.info(`review: safety checkpoint ${safetyCheckpointId} before undoing ${real.length} file(s)`);
      for (const { plan } of real) await applyChange(plan.changes[0]);
    }
    await this.mark(
      session.id,
      plans.map((p) => p.change),
      'undone',
    );
    const files = plans.map((p) => p.change.path);
    this.log.info(`review: undid ${files.join(', ')} of ${session.id}`);
    return { ok: true, files, safetyCheckpointId };
  }

  /** The before text shown on the left of the diff. */
  async provideBefore(uri: vscode.Uri): Promise<string> {
    const query = parseBeforeQuery(uri);
    if (!query) throw new Error(`Not a Shannon review document: ${uri.toString()}`);
    if (query.empty) return '';
    const session = this.sessions()?.get(query.sessionId);
    if (!session) throw new Error(`Session ${query.sessionId} is not known any more`);
    const found = await this.beforeText(session, query.path);
    return found?.before.text ?? '';
  }

  /** The items the status of the view badge counts. */
  isReviewed(sessionId: string, change: FileChange): boolean {
    return isReviewed(change, this.marks(sessionId));
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

function emptyPlan(folder: string): RestorePlan {
  return { folder, checkpointId: 'review-undo', changes: [], unchanged: [], problems: [] };
}

/** What the person would lose: an open editor's unsaved text, else the disk; null when there is no file. */
async function currentTextOf(absPath: string): Promise<string | null> {
  const open = vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'file' && d.uri.fsPath === absPath);
  if (open) return open.getText();
  try {
    return new TextDecoder().decode(await vscode.workspace.fs.readFile(vscode.Uri.file(absPath)));
  } catch {
    return null;
  }
}

/**
 * Through the editor, so its undo stack holds the change: the document is opened (in the
 * background) and its whole text replaced, then saved. A file the run created is deleted with a
 * file operation (which the workbench's undo also reverts).
 */
async function applyChange(change: RestorePlan['changes'][number]): Promise<void> {
  const uri = vscode.Uri.file(change.absPath);
  const edit = new vscode.WorkspaceEdit();
  if (change.action === 'delete') {
    edit.deleteFile(uri, { ignoreIfNotExists: true });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not delete ${change.path}`);
    return;
  }
  if (change.action === 'create') {
    edit.createFile(uri, { overwrite: true, contents: new TextEncoder().encode(change.newText ?? '') });
    if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not create ${change.path}`);
    return;
  }
  const document = await vscode.workspace.openTextDocument(uri);
  edit.replace(
    uri,
    new vscode.Range(document.positionAt(0), document.positionAt(document.getText().length)),
    change.newText ?? '',
  );
  if (!(await vscode.workspace.applyEdit(edit))) throw new Error(`VS Code did not apply the edit to ${change.path}`);
  if (!(await saveEditedDocument(document))) throw new Error(`could not save ${change.path}`);
}

interface BeforeQuery {
  sessionId: string;
  path: string;
  empty?: boolean;
}

export function beforeUri(sessionId: string, reported: string, empty = false): vscode.Uri {
  const query: BeforeQuery = empty ? { sessionId, path: reported, empty } : { sessionId, path: reported };
  return vscode.Uri.from({
    scheme: REVIEW_SCHEME,
    path: `/${empty ? 'deleted' : 'before'}/${reported.replace(/^\/+/, '')}`,
    query: JSON.stringify(query),
  });
}

function parseBeforeQuery(uri: vscode.Uri): BeforeQuery | undefined {
  try {
    const json = JSON.parse(uri.query) as Record<string, unknown>;
    if (typeof json.sessionId !== 'string' || typeof json.path !== 'string') return undefined;
    return { sessionId: json.sessionId, path: json.path, empty: json.empty === true };
  } catch {
    return undefined;
  }
}

export function registerReview(
  context: vscode.ExtensionContext,
  sessions: () => ReviewSessions | undefined,
  log: vscode.LogOutputChannel,
  trust?: WorkspaceTrustGuard,
): ChangesReview {
  const review = new ChangesReview(context, sessions, log, trust);
  context.subscriptions.push(
    review,
    vscode.workspace.registerTextDocumentContentProvider(REVIEW_SCHEME, {
      provideTextDocumentContent: (uri) => review.provideBefore(uri),
    }),
    vscode.commands.registerCommand(REVIEW_COMMANDS.diff, (arg: unknown) => review.diff(arg)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.keep, (arg: unknown) => review.keep(arg)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.undo, (arg: unknown) => review.undo(arg)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.keepAll, (arg: unknown) => review.keep(arg, true)),
    vscode.commands.registerCommand(REVIEW_COMMANDS.undoAll, (arg: unknown) => review.undo(arg, true)),
  );
  return review;
}
