// The Checkpoints tree and its commands in the real extension host: items for on-disk files and
// for a live checkpoint:created event, Compare opening a real diff editor, Restore changing the
// files through a WorkspaceEdit after writing a safety checkpoint, and restoring that safety
// checkpoint bringing the previous contents back. Every file is real, in the per-run workspace.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { ShannonExtensionApi } from '../../src/extension';
import type { CheckpointTreeElement } from '../../src/vscode/checkpoints-tree';
import type { RestoreResult, CompareResult } from '../../src/vscode/checkpoint-commands';
import { waitFor } from './wait';

const EXTENSION_ID = 'shannon.shannon-vscode';
const CP_ID = 'c0ffee00-1234-4abc-8def-0123456789ab';
const ESCAPE_ID = 'badbad00-1234-4abc-8def-0123456789ab';
const MALFORMED_ID = 'deadbeef-1234-4abc-8def-0123456789ab';
const SESSION_ID = 'do_20251116_153316_c0ffee00';

const hash16 = (text: string) => createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);

/** Polls `probe` until it returns a value, with a deadline (a wait, not a timing assertion). */
suite('checkpoints', () => {
  let api: ShannonExtensionApi;
  let folder: string;
  let cpDir: string;
  const originals = new Map<string, string | null>();
  const rel = {
    readme: 'README.md',
    greeting: 'src/greeting.js',
    data: 'data/values.txt',
    added: 'notes/added-later.txt',
    gone: 'docs/gone.txt',
  };
  const snapshot = {
    readme: '# Sample workspace\n\nThe text at checkpoint time.\n',
    greeting: 'module.exports = () => "hello from the checkpoint";\n',
    gone: 'This file existed at checkpoint time.\n',
    data: 'values at checkpoint time\n',
  };

  async function writeJson(file: string, value: unknown) {
    await fs.writeFile(file, `${JSON.stringify(value, null, 2)}\n`);
  }

  async function readOrNull(relPath: string): Promise<string | null> {
    try {
      return await fs.readFile(path.join(folder, relPath), 'utf8');
    } catch {
      return null;
    }
  }

  async function children(element?: CheckpointTreeElement): Promise<CheckpointTreeElement[]> {
    return (await api.checkpoints!.tree.getChildren(element)) ?? [];
  }

  suiteSetup(async () => {
    api = await vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
    assert.ok(
      api.checkpoints,
      'activate() must return the checkpoints API (registerCheckpoints is wired in extension.ts)',
    );
    folder = vscode.workspace.workspaceFolders![0].uri.fsPath;
    cpDir = path.join(folder, '.shannon', 'checkpoints');
    for (const p of Object.values(rel)) originals.set(p, await readOrNull(p));
    // The workspace as it is "now": README edited, greeting edited, a file added since the checkpoint.
    await fs.mkdir(path.join(folder, 'notes'), { recursive: true });
    await fs.writeFile(path.join(folder, rel.added), 'added after the checkpoint\n');
    await fs.writeFile(path.join(folder, rel.greeting), 'module.exports = () => "edited since";\n');
    await fs.mkdir(path.join(folder, 'data'), { recursive: true });
    await fs.writeFile(path.join(folder, rel.data), 'values now\n');
    await fs.mkdir(cpDir, { recursive: true });
    // A checkpoint exactly as the CLI writes it.
    await writeJson(path.join(cpDir, `${CP_ID}_contents.json`), {
      [rel.readme]: snapshot.readme,
      [rel.greeting]: snapshot.greeting,
      [rel.gone]: snapshot.gone,
      [rel.data]: snapshot.data,
    });
    await writeJson(path.join(cpDir, `${CP_ID}.json`), {
      id: CP_ID,
      label: 'before_write_file',
      timestamp: '2025-11-16T15:33:20.481920',
      skill_stack: ['analyze_codebase', 'write_file'],
      current_skill: 'write_file',
      next_skills: [],
      file_snapshots: {
        [rel.readme]: hash16(snapshot.readme),
        [rel.greeting]: hash16(snapshot.greeting),
        [rel.gone]: hash16(snapshot.gone),
        [rel.data]: hash16(snapshot.data),
        [rel.added]: 'DELETED',
      },
      git_state: {
        branch: 'feature/greeting',
        commit: '9c1e4b7a2d8f03e6b5a4c1d2e3f40516273849ab',
        stash_id: null,
        status: ' M README.md',
        staged_files: [],
        modified_files: ['README.md'],
        untracked_files: [],
      },
      rollback_count: 0,
      restored_from: null,
      metadata: { project_root: folder, tracked_files_count: 3 },
    });
    await fs.writeFile(path.join(cpDir, `${MALFORMED_ID}.json`), '{"id": "truncated');
  });

  suiteTeardown(async () => {
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const [p, text] of originals) {
      if (text === null) await fs.rm(path.join(folder, p), { force: true });
      else await fs.writeFile(path.join(folder, p), text);
    }
    await fs.rm(path.join(folder, 'notes'), { recursive: true, force: true });
    await fs.rm(path.join(folder, 'docs'), { recursive: true, force: true });
    await fs.rm(path.join(folder, 'data'), { recursive: true, force: true });
    await fs.rm(path.join(folder, '.shannon'), { recursive: true, force: true });
    await api?.checkpoints?.tree.refresh();
  });

  test('on-disk checkpoints appear under "On disk", a malformed file as an error item', async () => {
    // Files written before the view was built: read them explicitly (the watcher has its own test).
    await api.checkpoints!.tree.refresh();
    const folderNode = await waitFor('the on-disk group with both files', async () => {
      const roots = await children();
      const node = roots.find((r) => r.kind === 'folder');
      return node && node.kind === 'folder' && node.children.length === 2 ? node : undefined;
    });
    const folderItem = api.checkpoints!.tree.getTreeItem(folderNode);
    assert.equal(folderItem.label, `On disk: ${vscode.workspace.workspaceFolders![0].name}`);

    const [good, bad] = folderNode.children;
    assert.ok(good.kind === 'checkpoint' && good.checkpointId === CP_ID);
    const item = api.checkpoints!.tree.getTreeItem(good);
    assert.equal(item.label, 'before_write_file');
    assert.match(String(item.description), /^write_file · /);
    assert.equal(item.contextValue, 'shannon.checkpoint.onDisk');
    const tooltip = String(item.tooltip);
    assert.match(tooltip, new RegExp(CP_ID));
    assert.match(tooltip, /feature\/greeting/);
    assert.match(tooltip, /9c1e4b7a2d8f03e6b5a4c1d2e3f40516273849ab/);
    assert.match(tooltip, /Files: 5/);

    assert.equal(bad.kind, 'error');
    const badItem = api.checkpoints!.tree.getTreeItem(bad);
    assert.equal((badItem.iconPath as vscode.ThemeIcon).id, 'error');
    assert.match(String(badItem.description), /invalid JSON/);
    assert.equal(badItem.contextValue, 'shannon.checkpointError');

    const files = await children(good);
    assert.deepEqual(
      files.map((f) => (f.kind === 'file' ? [f.path, f.status] : [f.kind])),
      [
        [rel.readme, 'modified'],
        [rel.data, 'modified'],
        [rel.gone, 'modified'],
        [rel.added, 'deleted'],
        [rel.greeting, 'modified'],
      ],
    );
    const fileItem = api.checkpoints!.tree.getTreeItem(files[0]);
    assert.equal(fileItem.contextValue, 'shannon.checkpointFile.onDisk');
    assert.equal(fileItem.command?.command, 'shannon.checkpoints.compare');
  });

  test('the tree follows .shannon/checkpoints through its file watcher (no manual refresh)', async function () {
    // File events in code-server come from the server's recursive watcher, which can lag on a busy machine.
    this.timeout(120_000);
    const id = 'feed0000-1234-4abc-8def-0123456789ab';
    await api.checkpoints!.tree.refresh();
    const has = async () => {
      const node = (await children()).find((r) => r.kind === 'folder');
      return node?.kind === 'folder' && node.children.some((c) => c.kind === 'checkpoint' && c.checkpointId === id);
    };
    assert.equal(await has(), false);
    // Seen here: code-server's watcher can miss or hold back an event (its watch request reaches
    // the server asynchronously, and a busy machine delays events further). While waiting, touch
    // a `_contents.json` body that belongs to no checkpoint: it matches the watched pattern, so it
    // wakes the watcher, but listing skips `_contents` files, so it can never show in the tree.
    // Only watcher events refresh the tree here; the test never calls refresh().
    const poke = path.join(cpDir, 'watcher-poke_contents.json');
    // First make sure the watcher is live at all: code-server sets it up asynchronously after
    // activation, and on a busy machine that can take a while. Poke until one poke rebuilds the tree.
    let rebuilt = false;
    const rebuildListener = api.checkpoints!.tree.onDidRebuild(() => (rebuilt = true));
    try {
      let warmups = 0;
      await waitFor(
        'the file watcher to deliver a first event',
        async () => {
          if (warmups++ % 10 === 0) await fs.writeFile(poke, JSON.stringify({ warmup: warmups }));
          return rebuilt || undefined;
        },
        60_000,
      );
    } finally {
      rebuildListener.dispose();
    }
    let pokes = 0;
    const seen = async (want: boolean) => {
      if (++pokes % 20 === 0) await fs.writeFile(poke, JSON.stringify({ poke: pokes }));
      return (await has()) === want ? true : undefined;
    };
    await writeJson(path.join(cpDir, `${id}_contents.json`), { [rel.readme]: 'x\n' });
    await writeJson(path.join(cpDir, `${id}.json`), {
      id,
      label: 'watched',
      timestamp: '2025-11-16T15:40:00',
      skill_stack: [],
      git_state: { branch: 'main', commit: 'abc' },
      file_snapshots: { [rel.readme]: hash16('x\n') },
    });
    await waitFor('the new checkpoint to appear', () => seen(true), 25_000);
    await fs.rm(path.join(cpDir, `${id}.json`));
    await fs.rm(path.join(cpDir, `${id}_contents.json`));
    await waitFor('the deleted checkpoint to disappear', () => seen(false), 25_000);
    await fs.rm(poke, { force: true });
  });

  test('a live checkpoint:created event appears under its session, with the on-disk details and the badge', async () => {
    const hub = await api.hub;
    hub.store.append(SESSION_ID, 'extension', 'execution:started', { task: 'add a greeting' });
    hub.store.append(SESSION_ID, 'extension', 'checkpoint:created', {
      checkpointId: CP_ID,
      label: 'before_write_file',
      skillName: 'write_file',
    });
    hub.store.append(SESSION_ID, 'extension', 'checkpoint:created', {
      checkpointId: 'live-only-checkpoint',
      label: 'before_edit',
      skillName: 'edit',
      files: ['src/x.ts'],
    });

    const sessionNode = await waitFor('the session node with two checkpoints', async () => {
      const node = (await children()).find((r) => r.kind === 'session' && r.sessionId === SESSION_ID);
      return node && node.kind === 'session' && node.children.length === 2 ? node : undefined;
    });
    assert.equal(hub.store.activeSessionId(), SESSION_ID);
    assert.equal((await children())[0], sessionNode, 'the active session comes first');
    const [liveOnly, matched] = sessionNode.children;
    assert.equal(matched.checkpointId, CP_ID);
    assert.equal(matched.folder, folder, 'the live item got the on-disk details');
    assert.equal(api.checkpoints!.tree.getTreeItem(matched).contextValue, 'shannon.checkpoint.onDisk');
    assert.match(String(api.checkpoints!.tree.getTreeItem(matched).tooltip), /feature\/greeting/);
    assert.equal(liveOnly.checkpointId, 'live-only-checkpoint');
    assert.equal(api.checkpoints!.tree.getTreeItem(liveOnly).contextValue, 'shannon.checkpoint.live');
    // The matched checkpoint is no longer listed a second time under "On disk".
    const folderNode = (await children()).find((r) => r.kind === 'folder');
    assert.ok(folderNode?.kind === 'folder');
    assert.deepEqual(
      folderNode.children.map((c) => c.kind),
      ['error'],
    );
    assert.equal(api.checkpoints!.view.badge?.value, 2);
  });

  test('Compare with Current opens a diff editor: snapshot (read-only) against the workspace file', async () => {
    // Plain-text files on purpose: a .js or .md editor would activate large built-in language
    // extensions in the shared extension host, which is slow and not what this test is about.
    // The argument is the tree element itself, as the inline button and context menu pass it.
    const checkpointNode = (await children())
      .flatMap((r) => (r.kind === 'session' || r.kind === 'folder' ? r.children : []))
      .find((c) => c.kind === 'checkpoint' && c.checkpointId === CP_ID);
    assert.ok(checkpointNode);
    const fileElement = (await children(checkpointNode)).find((f) => f.kind === 'file' && f.path === rel.data);
    assert.ok(fileElement);
    const result = (await vscode.commands.executeCommand('shannon.checkpoints.compare', fileElement)) as CompareResult;
    assert.ok(result.opened, !result.opened ? result.reason : '');
    const input = await waitFor('a diff tab', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff ? tab.input : undefined;
    });
    assert.equal(input.original.scheme, 'shannon-checkpoint');
    assert.equal(input.modified.fsPath, path.join(folder, rel.data));
    const left = await vscode.workspace.openTextDocument(input.original);
    assert.equal(left.getText(), snapshot.data);

    // A file that does not exist now compares against an empty document.
    const missing = (await vscode.commands.executeCommand('shannon.checkpoints.compare', {
      folder,
      checkpointId: CP_ID,
      path: rel.gone,
    })) as CompareResult;
    assert.ok(missing.opened);
    const input2 = await waitFor('a second diff tab', () => {
      const tab = vscode.window.tabGroups.activeTabGroup.activeTab;
      return tab?.input instanceof vscode.TabInputTextDiff && tab.input.original.path.endsWith(rel.gone)
        ? tab.input
        : undefined;
    });
    assert.equal(input2.modified.scheme, 'shannon-checkpoint');
    assert.equal((await vscode.workspace.openTextDocument(input2.modified)).getText(), '');
    assert.equal((await vscode.workspace.openTextDocument(input2.original)).getText(), snapshot.gone);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('Restore writes a safety checkpoint, then changes the files; restoring the safety checkpoint brings them back', async () => {
    // An open editor with unsaved text: that text is "now" and must be what the safety checkpoint keeps.
    const readmeDoc = await vscode.workspace.openTextDocument(path.join(folder, rel.readme));
    await vscode.window.showTextDocument(readmeDoc);
    const unsaved = '# Sample workspace\n\nUnsaved edits in the editor.\n';
    const edit = new vscode.WorkspaceEdit();
    edit.replace(
      readmeDoc.uri,
      new vscode.Range(readmeDoc.positionAt(0), readmeDoc.positionAt(readmeDoc.getText().length)),
      unsaved,
    );
    assert.ok(await vscode.workspace.applyEdit(edit));
    assert.ok(readmeDoc.isDirty);
    const before = {
      readme: unsaved,
      greeting: await readOrNull(rel.greeting),
      data: await readOrNull(rel.data),
      added: await readOrNull(rel.added),
      gone: await readOrNull(rel.gone),
    };
    assert.equal(before.gone, null);

    // The tree element as the menu passes it, plus the test-only `confirm: false` (no modal).
    const node = (await children())
      .flatMap((r) => (r.kind === 'session' ? r.children : []))
      .find((c) => c.checkpointId === CP_ID);
    assert.ok(node);
    const result = (await vscode.commands.executeCommand('shannon.checkpoints.restore', {
      ...node,
      confirm: false,
    })) as RestoreResult;
    assert.ok(result.restored, !result.restored ? result.reason : '');
    assert.deepEqual(result.repaired, [], 'every change reached the disk through the WorkspaceEdit');
    assert.deepEqual(
      [...result.changed].sort(),
      [
        `change ${rel.readme}`,
        `change ${rel.greeting}`,
        `change ${rel.data}`,
        `create ${rel.gone}`,
        `delete ${rel.added}`,
      ].sort(),
    );

    // The files on disk are the checkpoint's, and the open editor saw it (not dirty, same text).
    assert.equal(await readOrNull(rel.readme), snapshot.readme);
    assert.equal(await readOrNull(rel.greeting), snapshot.greeting);
    assert.equal(await readOrNull(rel.data), snapshot.data);
    assert.equal(await readOrNull(rel.gone), snapshot.gone);
    assert.equal(await readOrNull(rel.added), null);
    assert.equal(readmeDoc.getText(), snapshot.readme);
    assert.equal(readmeDoc.isDirty, false);
    // The open editor got an edit, not a reload: its undo goes back to the unsaved text (and redo forward).
    await vscode.window.showTextDocument(readmeDoc);
    await vscode.commands.executeCommand('undo');
    await waitFor('undo in the README editor', () => (readmeDoc.getText() === unsaved ? true : undefined));
    await vscode.commands.executeCommand('redo');
    await waitFor('redo in the README editor', () => (readmeDoc.getText() === snapshot.readme ? true : undefined));
    assert.equal(readmeDoc.isDirty, false);

    // The safety checkpoint: Shannon's format, the state from before, restorable.
    const header = JSON.parse(await fs.readFile(path.join(cpDir, `${result.safetyCheckpointId}.json`), 'utf8'));
    const contents = JSON.parse(
      await fs.readFile(path.join(cpDir, `${result.safetyCheckpointId}_contents.json`), 'utf8'),
    );
    assert.equal(header.label, `before_restore_${CP_ID}`);
    assert.equal(header.restored_from, CP_ID);
    assert.equal(header.file_snapshots[rel.gone], 'DELETED');
    assert.equal(header.file_snapshots[rel.readme], hash16(unsaved));
    assert.deepEqual(contents, {
      [rel.readme]: unsaved,
      [rel.greeting]: before.greeting,
      [rel.data]: before.data,
      [rel.added]: before.added,
    });
    await fs.access(path.join(folder, '.git')).then(
      () => assert.fail('restore must not create .git'),
      () => undefined,
    );

    // The safety checkpoint shows up in the tree (shield icon) ...
    await waitFor('the safety checkpoint in the tree', async () => {
      const node = (await children()).find((r) => r.kind === 'folder');
      return node?.kind === 'folder' &&
        node.children.some((c) => c.kind === 'checkpoint' && c.checkpointId === result.safetyCheckpointId)
        ? true
        : undefined;
    });

    // ... and restoring it undoes the restore.
    const back = (await vscode.commands.executeCommand('shannon.checkpoints.restore', {
      folder,
      checkpointId: result.safetyCheckpointId,
      confirm: false,
    })) as RestoreResult;
    assert.ok(back.restored, !back.restored ? back.reason : '');
    assert.deepEqual(back.repaired, []);
    assert.equal(await readOrNull(rel.readme), unsaved);
    assert.equal(await readOrNull(rel.greeting), before.greeting);
    assert.equal(await readOrNull(rel.data), before.data);
    assert.equal(await readOrNull(rel.added), before.added);
    assert.equal(await readOrNull(rel.gone), null);
    assert.equal(readmeDoc.getText(), unsaved);
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
  });

  test('a checkpoint with a path that escapes the folder is refused and nothing is written', async () => {
    await writeJson(path.join(cpDir, `${ESCAPE_ID}_contents.json`), {
      [rel.readme]: 'should not be written\n',
      '../outside.txt': 'escape\n',
    });
    await writeJson(path.join(cpDir, `${ESCAPE_ID}.json`), {
      id: ESCAPE_ID,
      label: 'evil',
      timestamp: '2025-11-16T16:00:00',
      skill_stack: [],
      git_state: { branch: 'main', commit: 'abc' },
      file_snapshots: { [rel.readme]: hash16('should not be written\n'), '../outside.txt': hash16('escape\n') },
    });
    const listing = async () => (await fs.readdir(cpDir)).sort();
    const beforeFiles = await listing();
    const beforeReadme = await readOrNull(rel.readme);
    const result = (await vscode.commands.executeCommand('shannon.checkpoints.restore', {
      folder,
      checkpointId: ESCAPE_ID,
      confirm: false,
    })) as RestoreResult;
    assert.equal(result.restored, false);
    assert.match(!result.restored ? result.reason : '', /\.\.\/outside\.txt: .*could leave the workspace folder/);
    assert.match(!result.restored ? result.reason : '', /nothing was written/);
    assert.deepEqual(await listing(), beforeFiles, 'no safety checkpoint was written');
    assert.equal(await readOrNull(rel.readme), beforeReadme);
    await fs.access(path.join(path.dirname(folder), 'outside.txt')).then(
      () => assert.fail('a file was written outside the workspace folder'),
      () => undefined,
    );
  });

  test('a folder that is not part of the workspace is refused', async () => {
    const result = (await vscode.commands.executeCommand('shannon.checkpoints.restore', {
      folder: path.dirname(folder),
      checkpointId: CP_ID,
      confirm: false,
    })) as RestoreResult;
    assert.equal(result.restored, false);
    assert.match(!result.restored ? result.reason : '', /not a folder of this workspace/);
  });

  test('Copy Checkpoint Id puts the id on the clipboard', async () => {
    await vscode.commands.executeCommand('shannon.checkpoints.copyId', { folder, checkpointId: CP_ID });
    assert.equal(await vscode.env.clipboard.readText(), CP_ID);
  });

  test('the view is refreshed only when the tree changed (a refresh makes VS Code forget the items a click refers to)', async () => {
    const tree = api.checkpoints!.tree;
    await tree.refresh();
    let changes = 0;
    const listener = tree.onDidChangeTreeData(() => changes++);
    try {
      await tree.refresh();
      await tree.refresh();
      assert.equal(changes, 0, 'rebuilding an identical tree must not refresh the view');
      const extra = path.join(cpDir, `${MALFORMED_ID.replace(/^.{4}/, 'abcd')}.json`);
      await fs.writeFile(extra, '{"id": "also truncated');
      try {
        await tree.refresh();
        assert.equal(changes, 1, 'a new (error) item refreshes the view once');
      } finally {
        await fs.rm(extra, { force: true });
        await tree.refresh();
      }
      assert.equal(changes, 2, 'and its removal once more');
    } finally {
      listener.dispose();
    }
  });
});
