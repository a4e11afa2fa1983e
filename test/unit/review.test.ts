// The Changes review's pure half: the choice of the "before" text (the run's earliest checkpoint
// holding the file, read from real checkpoint files on disk; else git HEAD; else none) and the
// reviewed/unreviewed rule (a file changed again after it was kept is unreviewed again).
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { loadCheckpoint } from '../../src/checkpoints/read';
import {
  chooseBeforeText,
  describeBefore,
  isReviewed,
  undoAction,
  unreviewed,
  type GitHeadText,
} from '../../src/checkpoints/review';
import { snapshotHash, writeCheckpoint } from '../../src/checkpoints/write';
import { DELETED_SNAPSHOT } from '../../src/protocol/checkpoint-file';

describe('review: the before text', () => {
  let folder: string;
  const gitAsked: string[] = [];
  const git =
    (answers: Record<string, GitHeadText>) =>
    async (relPath: string): Promise<GitHeadText> => {
      gitAsked.push(relPath);
      return answers[relPath] ?? { state: 'unknown' };
    };

  async function checkpoint(id: string, files: Record<string, string | null>): Promise<void> {
    const snapshots: Record<string, string> = {};
    const contents: Record<string, string> = {};
    for (const [file, text] of Object.entries(files)) {
      snapshots[file] = text === null ? DELETED_SNAPSHOT : snapshotHash(text);
      if (text !== null) contents[file] = text;
    }
    await writeCheckpoint(folder, {
      checkpoint: {
        id,
        label: `before_${id}`,
        timestamp: '2026-01-01T10:00:00.000',
        skill_stack: [],
        git_state: { branch: '', commit: '' },
        file_snapshots: snapshots,
      },
      contents,
    });
  }

  beforeEach(() => {
    folder = mkdtempSync(join(tmpdir(), 'shannon-review-'));
    gitAsked.length = 0;
  });
  afterEach(() => rmSync(folder, { recursive: true, force: true }));

  it("takes the run's earliest checkpoint that holds the file, without asking git", async () => {
    await checkpoint('cp1', { 'a.txt': 'first' });
    await checkpoint('cp2', { 'a.txt': 'second', 'b.txt': 'b before' });
    const sources = { folders: [folder], loadCheckpoint, gitHead: git({ 'a.txt': { state: 'text', text: 'head' } }) };
    const a = await chooseBeforeText('a.txt', { ...sources, checkpointIds: ['cp1', 'cp2'] });
    assert.deepEqual(a, { source: 'checkpoint', checkpointId: 'cp1', folder, text: 'first', created: false });
    const b = await chooseBeforeText('b.txt', { ...sources, checkpointIds: ['cp1', 'cp2'] });
    assert.equal(b.source === 'checkpoint' && b.checkpointId, 'cp2');
    assert.equal(b.text, 'b before');
    assert.deepEqual(gitAsked, []);
    assert.match(describeBefore(a), /before the run \(checkpoint cp1/);
  });

  it('a checkpoint that lists the file as DELETED means the run created it: before is empty, undo deletes', async () => {
    await checkpoint('cp1', { 'new.txt': null });
    const before = await chooseBeforeText('new.txt', {
      checkpointIds: ['cp1'],
      folders: [folder],
      loadCheckpoint,
      gitHead: git({}),
    });
    assert.deepEqual(before, { source: 'checkpoint', checkpointId: 'cp1', folder, text: '', created: true });
    assert.deepEqual(undoAction(before), { action: 'delete' });
  });

  it('falls back to git HEAD for files no checkpoint holds, skipping unreadable checkpoints', async () => {
    await checkpoint('cp1', { 'other.txt': 'x' });
    const sources = {
      checkpointIds: ['missing-checkpoint', 'cp1'],
      folders: [folder],
      loadCheckpoint,
      gitHead: git({ 'a.txt': { state: 'text', text: 'at HEAD' }, 'added.txt': { state: 'absent' } }),
    };
    const a = await chooseBeforeText('a.txt', sources);
    assert.deepEqual(a, { source: 'git', text: 'at HEAD', created: false });
    assert.deepEqual(undoAction(a), { action: 'write', text: 'at HEAD' });
    assert.equal(describeBefore(a), 'git HEAD');
    const added = await chooseBeforeText('added.txt', sources);
    assert.deepEqual(added, { source: 'git', text: '', created: true });
    assert.deepEqual(undoAction(added), { action: 'delete' });
  });

  it('says "no earlier version known" when neither knows the file, and then cannot undo', async () => {
    const none = await chooseBeforeText('a.txt', {
      checkpointIds: [],
      folders: [folder],
      loadCheckpoint,
      gitHead: git({}),
    });
    assert.deepEqual(none, { source: 'none', text: '' });
    assert.equal(describeBefore(none), 'no earlier version known');
    assert.deepEqual(undoAction(none), { action: 'none' });
  });
});

describe('review: reviewed or not', () => {
  it('a kept file is unreviewed again once the run changes it after the keep', () => {
    const marks = { 'a.txt': { seq: 5, action: 'kept' as const } };
    assert.equal(isReviewed({ path: 'a.txt', seq: 5 }, marks), true);
    assert.equal(isReviewed({ path: 'a.txt', seq: 9 }, marks), false);
    assert.equal(isReviewed({ path: 'b.txt', seq: 1 }, marks), false);
    assert.equal(isReviewed({ path: 'constructor', seq: 1 }, marks), false, 'no prototype keys');
    assert.deepEqual(
      unreviewed(
        [
          { path: 'a.txt', seq: 5 },
          { path: 'b.txt', seq: 6 },
        ],
        marks,
      ).map((c) => c.path),
      ['b.txt'],
    );
    assert.deepEqual(unreviewed(undefined, marks), []);
  });
});
