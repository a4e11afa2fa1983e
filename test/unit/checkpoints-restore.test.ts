// Restore planning, path-escape refusal and the "before restore" safety checkpoint, on real files
// in temp folders.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointFile, DELETED_SNAPSHOT } from '../../src/protocol/checkpoint-file';
import { listCheckpoints, loadCheckpoint } from '../../src/checkpoints/read';
import { describeChanges, planRestore } from '../../src/checkpoints/restore-plan';
import { prepareRestore, writeSafetyCheckpoint } from '../../src/checkpoints/restore';
import { checkRelativePath, resolveInsideFolder } from '../../src/checkpoints/safe-path';
import { buildSafetyCheckpoint, localIsoTimestamp, snapshotHash, writeCheckpoint } from '../../src/checkpoints/write';

const CP_ID = '11111111-2222-4333-8444-555555555555';

async function writeShannonCheckpoint(
  folder: string,
  id: string,
  snapshots: Record<string, string>,
  contents: Record<string, string>,
) {
  const dir = path.join(folder, '.shannon', 'checkpoints');
  await fs.mkdir(dir, { recursive: true });
  const header = {
    id,
    label: 'before_write_file',
    timestamp: '2025-11-16T15:33:20.481920',
    skill_stack: ['write_file'],
    current_skill: 'write_file',
    file_snapshots: snapshots,
    git_state: {
      branch: 'main',
      commit: 'abc123',
      stash_id: null,
      status: '',
      staged_files: [],
      modified_files: [],
      untracked_files: [],
    },
    metadata: { project_root: folder, tracked_files_count: 3 },
  };
  await fs.writeFile(path.join(dir, `${id}.json`), JSON.stringify(header, null, 2));
  await fs.writeFile(path.join(dir, `${id}_contents.json`), JSON.stringify(contents, null, 2));
}

/** Every file under `root` with its text (symlinks as their target): proof that nothing was written. */
async function treeState(root: string): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  async function walk(dir: string) {
    for (const e of await fs.readdir(dir, { withFileTypes: true })) {
      const p = path.join(dir, e.name);
      const rel = path.relative(root, p);
      if (e.isSymbolicLink()) out[rel] = `-> ${await fs.readlink(p)}`;
      else if (e.isDirectory()) await walk(p);
      else out[rel] = await fs.readFile(p, 'utf8');
    }
  }
  await walk(root);
  return out;
}

describe('checkpoints: restore plan', () => {
  let work: string;
  let folder: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'cp-restore-'));
    folder = path.join(work, 'project');
    await fs.mkdir(path.join(folder, 'src'), { recursive: true });
  });
  afterEach(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  it('sorts files into change, create, delete and unchanged', async () => {
    await fs.writeFile(path.join(folder, 'src', 'app.py'), 'print("edited")\n');
    await fs.writeFile(path.join(folder, 'same.txt'), 'same\n');
    await fs.writeFile(path.join(folder, 'new.txt'), 'created after the checkpoint\n');
    await writeShannonCheckpoint(
      folder,
      CP_ID,
      {
        'src/app.py': snapshotHash('print("original")\n'),
        'same.txt': snapshotHash('same\n'),
        'gone.txt': snapshotHash('was there\n'),
        'new.txt': DELETED_SNAPSHOT,
        'never.txt': DELETED_SNAPSHOT,
      },
      { 'src/app.py': 'print("original")\n', 'same.txt': 'same\n', 'gone.txt': 'was there\n' },
    );
    const prepared = await prepareRestore(folder, CP_ID);
    assert.ok(prepared.ok, !prepared.ok ? prepared.reason : '');
    const { plan } = prepared;
    assert.deepEqual(plan.problems, []);
    assert.deepEqual(
      plan.changes.map((c) => [c.path, c.action, c.newText ?? null, c.currentText]),
      [
        ['gone.txt', 'create', 'was there\n', null],
        ['new.txt', 'delete', null, 'created after the checkpoint\n'],
        ['src/app.py', 'modify', 'print("original")\n', 'print("edited")\n'],
      ],
    );
    assert.deepEqual(plan.unchanged.sort(), ['never.txt', 'same.txt']);
    assert.deepEqual(describeChanges(plan), ['create gone.txt', 'delete new.txt', 'change src/app.py']);
  });

  it('prefers the text an editor reports over the disk (unsaved edits are what the user would lose)', async () => {
    await fs.writeFile(path.join(folder, 'a.txt'), 'on disk\n');
    await writeShannonCheckpoint(folder, CP_ID, { 'a.txt': snapshotHash('old\n') }, { 'a.txt': 'old\n' });
    const load = await loadCheckpoint(folder, CP_ID);
    assert.ok(load.ok);
    const abs = path.join(folder, 'a.txt');
    const plan = await planRestore(load.loaded, async (p) => (p === abs ? 'unsaved in editor\n' : undefined));
    assert.equal(plan.changes[0].currentText, 'unsaved in editor\n');
  });

  it('reports a path that is a directory now as a problem instead of overwriting it', async () => {
    await fs.mkdir(path.join(folder, 'dir.txt'));
    await writeShannonCheckpoint(folder, CP_ID, { 'dir.txt': snapshotHash('x') }, { 'dir.txt': 'x' });
    const prepared = await prepareRestore(folder, CP_ID);
    assert.equal(prepared.ok, false);
    assert.match(
      !prepared.ok ? prepared.reason : '',
      /dir\.txt: cannot read current file: exists but is a directory, not a regular file/,
    );
  });
});

describe('checkpoints: path-escape refusal', () => {
  let work: string;
  let folder: string;
  let outside: string;
  beforeEach(async () => {
    work = await fs.mkdtemp(path.join(os.tmpdir(), 'cp-escape-'));
    folder = path.join(work, 'project');
    outside = path.join(work, 'outside');
    await fs.mkdir(path.join(folder, '.git'), { recursive: true });
    await fs.writeFile(path.join(folder, '.git', 'config'), '[core]\n');
    await fs.writeFile(path.join(folder, 'ok.txt'), 'current\n');
    await fs.mkdir(outside);
    await fs.writeFile(path.join(outside, 'secret.txt'), 'outside\n');
    await fs.symlink(outside, path.join(folder, 'linked'));
  });
  afterEach(async () => {
    await fs.rm(work, { recursive: true, force: true });
  });

  const escapes: Array<[string, RegExp]> = [
    ['../x', /contains "\.\."/],
    ['src/../../x', /contains "\.\."/],
    ['/etc/passwd', /absolute path/],
    ['C:\\Windows\\win.ini', /absolute path/],
    ['linked/secret.txt', /symlink .*outside the workspace folder/],
    ['linked/new/deeper.txt', /symlink .*outside the workspace folder/],
    ['.git/config', /inside \.git/],
    ['sub/.GIT/hooks/pre-commit', /inside \.git/],
  ];
  for (const [bad, reason] of escapes) {
    it(`refuses "${bad}" and writes nothing, not even the safety checkpoint`, async () => {
      await writeShannonCheckpoint(
        folder,
        CP_ID,
        { 'ok.txt': snapshotHash('restored\n'), [bad]: snapshotHash('pwned\n') },
        { 'ok.txt': 'restored\n', [bad]: 'pwned\n' },
      );
      const before = await treeState(work);
      const prepared = await prepareRestore(folder, CP_ID);
      assert.equal(prepared.ok, false);
      assert.match(!prepared.ok ? prepared.reason : '', /refused, nothing was written/);
      assert.match(!prepared.ok ? prepared.reason : '', reason);
      assert.deepEqual(await treeState(work), before);
      assert.equal((await listCheckpoints(folder)).length, 1, 'no safety checkpoint appeared');
    });
  }

  it('refuses a file that is itself a symlink to outside', async () => {
    await fs.symlink(path.join(outside, 'secret.txt'), path.join(folder, 'innocent.txt'));
    const r = await resolveInsideFolder(folder, 'innocent.txt');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /outside the workspace folder/);
  });

  it('refuses a symlink into .git', async () => {
    await fs.symlink(path.join(folder, '.git'), path.join(folder, 'gitlink'));
    const r = await resolveInsideFolder(folder, 'gitlink/config');
    assert.equal(r.ok, false);
    assert.match(!r.ok ? r.reason : '', /into \.git/);
  });

  it('accepts ordinary nested paths, existing or not', async () => {
    assert.deepEqual(await resolveInsideFolder(folder, 'ok.txt'), { ok: true, absPath: path.join(folder, 'ok.txt') });
    assert.deepEqual(await resolveInsideFolder(folder, 'a/b/c.ts'), {
      ok: true,
      absPath: path.join(folder, 'a', 'b', 'c.ts'),
    });
    assert.deepEqual(checkRelativePath('./src//x.ts'), { ok: true, segments: ['src', 'x.ts'] });
  });
});

describe('checkpoints: safety checkpoint', () => {
  let folder: string;
  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'cp-safety-'));
  });
  afterEach(async () => {
    await fs.rm(folder, { recursive: true, force: true });
  });

  it('records the current text of every affected file and DELETED for files the restore creates', async () => {
    await fs.writeFile(path.join(folder, 'edited.txt'), 'edited now\n');
    await fs.writeFile(path.join(folder, 'added.txt'), 'added later\n');
    await fs.writeFile(path.join(folder, 'same.txt'), 'same\n');
    await writeShannonCheckpoint(
      folder,
      CP_ID,
      {
        'edited.txt': snapshotHash('original\n'),
        'added.txt': DELETED_SNAPSHOT,
        'gone.txt': snapshotHash('gone\n'),
        'same.txt': snapshotHash('same\n'),
      },
      { 'edited.txt': 'original\n', 'gone.txt': 'gone\n', 'same.txt': 'same\n' },
    );
    const prepared = await prepareRestore(folder, CP_ID);
    assert.ok(prepared.ok);
    const now = new Date(2025, 10, 16, 16, 5, 7, 42);
    const { id } = await writeSafetyCheckpoint(prepared.plan, now);

    // Written in the on-disk format: our own parser (the same the CLI's files go through) reads it.
    const load = await loadCheckpoint(folder, id);
    assert.ok(load.ok, !load.ok ? load.reason : '');
    const { checkpoint, contents } = load.loaded;
    assert.equal(checkpoint.label, `before_restore_${CP_ID}`);
    assert.equal(checkpoint.restored_from, CP_ID);
    assert.equal(checkpoint.timestamp, '2025-11-16T16:05:07.042000');
    assert.match(checkpoint.id, /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    assert.deepEqual(checkpoint.file_snapshots, {
      'added.txt': snapshotHash('added later\n'),
      'edited.txt': snapshotHash('edited now\n'),
      'gone.txt': DELETED_SNAPSHOT,
    });
    assert.deepEqual(contents, { 'added.txt': 'added later\n', 'edited.txt': 'edited now\n' });
    assert.equal(checkpoint.git_state.commit, '', 'never runs git, so no commit is claimed');
    // The raw file keeps Shannon's snake_case names.
    const raw = JSON.parse(await fs.readFile(path.join(folder, '.shannon', 'checkpoints', `${id}.json`), 'utf8'));
    for (const key of ['id', 'label', 'timestamp', 'skill_stack', 'git_state', 'file_snapshots', 'restored_from'])
      assert.ok(key in raw, key);
    // And it is listed next to the original, newest first.
    assert.deepEqual(
      (await listCheckpoints(folder)).map((e) => e.id),
      [id, CP_ID],
    );
  });

  it('restoring the safety checkpoint plans the exact inverse of the restore', async () => {
    await fs.writeFile(path.join(folder, 'edited.txt'), 'edited now\n');
    await fs.writeFile(path.join(folder, 'added.txt'), 'added later\n');
    await writeShannonCheckpoint(
      folder,
      CP_ID,
      { 'edited.txt': snapshotHash('original\n'), 'added.txt': DELETED_SNAPSHOT, 'gone.txt': snapshotHash('gone\n') },
      { 'edited.txt': 'original\n', 'gone.txt': 'gone\n' },
    );
    const first = await prepareRestore(folder, CP_ID);
    assert.ok(first.ok);
    const safety = await writeSafetyCheckpoint(first.plan);
    // Apply the first plan to disk the plain way (the extension does it through a WorkspaceEdit).
    for (const c of first.plan.changes) {
      if (c.action === 'delete') await fs.rm(c.absPath);
      else await fs.writeFile(c.absPath, c.newText ?? '');
    }
    const back = await prepareRestore(folder, safety.id);
    assert.ok(back.ok);
    assert.deepEqual(
      back.plan.changes.map((c) => [c.path, c.action, c.newText ?? null]),
      [
        ['added.txt', 'create', 'added later\n'],
        ['edited.txt', 'modify', 'edited now\n'],
        ['gone.txt', 'delete', null],
      ],
    );
  });

  it('refuses to write through a .shannon symlinked outside the folder', async () => {
    const outside = await fs.mkdtemp(path.join(os.tmpdir(), 'cp-outside-'));
    try {
      await fs.symlink(outside, path.join(folder, '.shannon'));
      const safety = buildSafetyCheckpoint({ folder, checkpointId: CP_ID, changes: [], unchanged: [], problems: [] });
      await assert.rejects(writeCheckpoint(folder, safety), /outside the workspace folder/);
      assert.deepEqual(await fs.readdir(outside), []);
    } finally {
      await fs.rm(outside, { recursive: true, force: true });
    }
  });

  it('formats timestamps like the CLI (local, no zone, microseconds) and they parse', () => {
    const ts = localIsoTimestamp(new Date(2025, 0, 2, 3, 4, 5, 6));
    assert.equal(ts, '2025-01-02T03:04:05.006000');
    assert.equal(CheckpointFile.shape.timestamp.safeParse(ts).success, true);
  });
});
