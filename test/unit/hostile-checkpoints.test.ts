// Hostile checkpoint folders, as real files: a FIFO as a header or a contents file, files over the
// size caps (sparse, so nothing large is written), one file under several spellings, duplicate
// JSON keys, and a FIFO where a restore would read the current file. Every case ends in a reason
// the tree or the restore shows; nothing hangs and nothing large is read to list the tree.
import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { findDuplicateKeys } from '../../src/checkpoints/duplicate-keys';
import {
  CHECKPOINT_CONTENTS_MAX_BYTES,
  CHECKPOINT_HEADER_MAX_BYTES,
  listCheckpoints,
  listedFiles,
  loadCheckpoint,
  normalizeCheckpointPath,
} from '../../src/checkpoints/read';
import { CheckpointFile } from '../../src/protocol/checkpoint-file';
import { planRestore } from '../../src/checkpoints/restore-plan';
import { buildCheckpointTree } from '../../src/checkpoints/tree-model';

const ID = '11111111-2222-4333-8444-555555555555';

function header(id: string, snapshots: Record<string, string>): Record<string, unknown> {
  return {
    id,
    label: 'before_write_file',
    timestamp: '2025-11-16T15:33:20.481920',
    skill_stack: ['write_file'],
    file_snapshots: snapshots,
    git_state: { branch: 'main', commit: 'abc123' },
  };
}

describe('checkpoints from a hostile folder', () => {
  let folder: string;
  let dir: string;
  beforeEach(async () => {
    folder = await fs.mkdtemp(path.join(os.tmpdir(), 'shannon-hostile-cp-'));
    dir = path.join(folder, '.shannon', 'checkpoints');
    await fs.mkdir(dir, { recursive: true });
  });
  afterEach(() => fs.rm(folder, { recursive: true, force: true }));

  const headerPath = (id = ID) => path.join(dir, `${id}.json`);
  const contentsPath = (id = ID) => path.join(dir, `${id}_contents.json`);
  /** Header and contents as JSON text (so tests can write what JSON.stringify never would). */
  async function write(headerText: string, contentsText: string, id = ID): Promise<void> {
    await fs.writeFile(headerPath(id), headerText);
    await fs.writeFile(contentsPath(id), contentsText);
  }

  it('lists a FIFO header or a FIFO contents file as an error item, without blocking', async () => {
    const other = '22222222-2222-4333-8444-555555555555';
    execFileSync('mkfifo', [headerPath()]);
    await fs.writeFile(headerPath(other), JSON.stringify(header(other, {})));
    execFileSync('mkfifo', [contentsPath(other)]);
    const entries = await listCheckpoints(folder);
    assert.deepEqual(
      entries.map((e) => [e.id, e.ok ? 'ok' : e.reason]),
      [
        [ID, 'checkpoint file: is a FIFO (named pipe), not a regular file'],
        [other, `contents file ${other}_contents.json: is a FIFO (named pipe), not a regular file`],
      ].sort((a, b) => a[0].localeCompare(b[0])),
    );
    const load = await loadCheckpoint(folder, other);
    assert.equal(load.ok, false);
  });

  it('makes an over-size contents file or header an error item that says so, reading neither', async () => {
    await fs.writeFile(headerPath(), JSON.stringify(header(ID, { 'a.txt': 'abc' })));
    // Sparse: 500 MiB on paper, nothing on disk; reading it whole would take seconds and ~1 GB.
    await fs.writeFile(contentsPath(), '');
    await fs.truncate(contentsPath(), 500 * 1024 * 1024);
    const big = '33333333-2222-4333-8444-555555555555';
    await fs.writeFile(headerPath(big), '');
    await fs.truncate(headerPath(big), CHECKPOINT_HEADER_MAX_BYTES + 1);
    await fs.writeFile(contentsPath(big), '{}');

    const entries = await listCheckpoints(folder);
    const reasons = Object.fromEntries(entries.map((e) => [e.id, e.ok ? 'ok' : e.reason]));
    assert.equal(reasons[ID], `contents file ${ID}_contents.json: is 500.0 MiB, over the 64.0 MiB limit; not read`);
    assert.equal(reasons[big], 'checkpoint file: is 4194305 bytes, over the 4194304-byte limit; not read');
    assert.equal(CHECKPOINT_CONTENTS_MAX_BYTES, 64 * 1024 * 1024);
    // In the tree: error items under the folder, with the reason as their description.
    const roots = buildCheckpointTree([], null, [{ folder, name: 'ws', entries }]);
    const errors = roots.flatMap((r) => (r.kind === 'folder' ? r.children : [])).filter((c) => c.kind === 'error');
    assert.equal(errors.length, 2);
    assert.ok(errors.some((e) => e.kind === 'error' && /500\.0 MiB, over the 64\.0 MiB limit/.test(e.reason)));
    const load = await loadCheckpoint(folder, ID);
    assert.match(!load.ok ? load.reason : '', /is 500\.0 MiB, over the 64\.0 MiB limit; not read/);
  });

  it("lists a checkpoint's files from its header alone, under normalized paths", () => {
    const files = listedFiles(
      CheckpointFile.parse(header(ID, { './src//a.txt': 'abc', 'src\\b.txt': 'DELETED', 'c.txt': 'def' })),
    );
    assert.deepEqual(files, [
      { path: 'c.txt', status: 'modified' },
      { path: 'src/a.txt', status: 'modified' },
      { path: 'src/b.txt', status: 'deleted' },
    ]);
  });

  it('refuses a checkpoint naming one file four ways with different texts, naming every spelling', async () => {
    const spellings = ['src/a.txt', './src/a.txt', 'src//a.txt', 'src\\a.txt'];
    await write(
      JSON.stringify(header(ID, Object.fromEntries(spellings.map((s) => [s, 'abc'])))),
      JSON.stringify(Object.fromEntries(spellings.map((s, i) => [s, `text ${i}`]))),
    );
    const load = await loadCheckpoint(folder, ID);
    assert.equal(load.ok, false);
    assert.equal(
      !load.ok && load.reason,
      'checkpoint names one file several ways: src/a.txt is named 4 times ' +
        '("src/a.txt", "./src/a.txt", "src//a.txt", "src\\\\a.txt") with different contents',
    );
  });

  it('takes one file under several spellings with the same text as one file, and plans one change', async () => {
    await write(
      JSON.stringify(header(ID, { 'src/a.txt': 'abc', './src/a.txt': 'abc' })),
      JSON.stringify({ 'src/a.txt': 'same', 'src\\a.txt': 'same' }),
    );
    const load = await loadCheckpoint(folder, ID);
    assert.ok(load.ok, !load.ok ? load.reason : '');
    assert.deepEqual(
      load.loaded.files.map((f) => [f.path, f.status, f.text]),
      [['src/a.txt', 'modified', 'same']],
    );
    const plan = await planRestore(load.loaded);
    assert.deepEqual(
      plan.changes.map((c) => [c.path, c.action, c.absPath]),
      [['src/a.txt', 'create', path.join(folder, 'src', 'a.txt')]],
    );
    assert.equal(normalizeCheckpointPath('/etc/passwd'), '/etc/passwd', 'absolute paths stay for the path check');
    assert.equal(normalizeCheckpointPath('./../x'), '../x');
  });

  it('refuses a file deleted under one spelling and saved under another', async () => {
    await write(
      JSON.stringify(header(ID, { 'a.txt': 'DELETED', './a.txt': 'abc' })),
      JSON.stringify({ './a.txt': 'text' }),
    );
    const load = await loadCheckpoint(folder, ID);
    assert.match(
      !load.ok ? load.reason : '',
      /a\.txt is named 2 times \("a\.txt", "\.\/a\.txt"\) with different contents/,
    );
  });

  it('refuses duplicate JSON keys in the contents file and in the header, naming them', async () => {
    await write(
      JSON.stringify(header(ID, { 'a.txt': 'abc' })),
      '{"a.txt": "shown in a review", "a.txt": "written by a restore"}',
    );
    const load = await loadCheckpoint(folder, ID);
    assert.equal(!load.ok && load.reason, `contents file ${ID}_contents.json: duplicate key "a.txt"`);

    await fs.writeFile(
      headerPath(),
      JSON.stringify(header(ID, { 'a.txt': 'abc' })).replace('"a.txt":"abc"', '"a.txt":"abc","a\\u002etxt":"DELETED"'),
    );
    const [entry] = await listCheckpoints(folder);
    assert.equal(!entry.ok && entry.reason, 'checkpoint file: duplicate key "a.txt" in file_snapshots');
  });

  it('finds duplicate keys at any depth, through escapes, and nowhere else', () => {
    assert.deepEqual(findDuplicateKeys('{"a":1,"b":{"c":[{"d":1,"d":2}],"e":"\\"a\\""},"a":3}'), [
      { key: 'd', where: 'b.c.[]' },
      { key: 'a', where: '' },
    ]);
    assert.deepEqual(findDuplicateKeys('{"x":"a,\\"x\\":1","y":["x","x"],"z":{"x":1}}'), []);
    assert.deepEqual(findDuplicateKeys('{"\\u0041":1,"A":2}'), [{ key: 'A', where: '' }]);
    const deep = `${'['.repeat(100_000)}${']'.repeat(100_000)}`;
    assert.deepEqual(findDuplicateKeys(deep), []);
  });

  it('does not block on a FIFO where a restore would read the current file', async () => {
    await write(JSON.stringify(header(ID, { 'pipe.txt': 'abc' })), JSON.stringify({ 'pipe.txt': 'text' }));
    execFileSync('mkfifo', [path.join(folder, 'pipe.txt')]);
    const load = await loadCheckpoint(folder, ID);
    assert.ok(load.ok);
    const plan = await planRestore(load.loaded);
    assert.deepEqual(plan.problems, [
      { path: 'pipe.txt', reason: 'cannot read current file: exists but is a FIFO (named pipe), not a regular file' },
    ]);
  });
});
