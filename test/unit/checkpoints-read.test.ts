// Parsing Shannon's on-disk checkpoints: the current format and the malformed cases the tree
// must show as error items instead of breaking.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs/promises';
import * as os from 'node:os';
import * as path from 'node:path';
import { CheckpointFile, DELETED_SNAPSHOT } from '../../src/protocol/checkpoint-file';
import { listCheckpoints, loadCheckpoint } from '../../src/checkpoints/read';
import { checkpointIdFromAnyFileName, headerIdFromFileName } from '../../src/checkpoints/location';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'checkpoints');
const CURRENT = path.join(FIXTURES, 'current');
const CURRENT_ID = '3f6c2a9e-8b1d-4c57-9e2f-6a1b0c4d7e85';
const OLDER_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';
const malformed = (name: string) => path.join(FIXTURES, 'malformed', name);

describe('checkpoints: reading the on-disk format', () => {
  it('parses a current checkpoint with git_state, snapshots, DELETED entries and metadata', async () => {
    const result = await loadCheckpoint(CURRENT, CURRENT_ID);
    assert.ok(result.ok, !result.ok ? result.reason : '');
    const { checkpoint, files } = result.loaded;
    assert.equal(checkpoint.label, 'before_write_file');
    assert.equal(checkpoint.git_state.branch, 'main');
    assert.equal(checkpoint.git_state.commit, '9c1e4b7a2d8f03e6b5a4c1d2e3f40516273849ab');
    assert.deepEqual(checkpoint.git_state.modified_files, ['README.md', 'src/app.py']);
    assert.deepEqual(checkpoint.git_state.untracked_files, ['notes/']);
    assert.equal(checkpoint.metadata?.tracked_files_count, 14);
    assert.equal(checkpoint.file_snapshots?.['notes/todo.txt'], DELETED_SNAPSHOT);
    // Unknown fields survive (loose objects): a newer CLI never loses data on its way to the tree.
    assert.deepEqual(checkpoint.execution_context, {
      task: 'add a greeting',
      session_id: 'do_20251116_153316_856369b4',
    });
    assert.deepEqual(
      files.map((f) => [f.path, f.status]),
      [
        ['README.md', 'modified'],
        ['notes/todo.txt', 'deleted'],
        ['src/app.py', 'modified'],
      ],
    );
    assert.equal(files.find((f) => f.path === 'README.md')?.text, '# Demo\n\nA small project.\n');
  });

  it('lists checkpoints newest first and never lists the _contents files', async () => {
    const entries = await listCheckpoints(CURRENT);
    assert.deepEqual(
      entries.map((e) => [e.id, e.ok]),
      [
        [CURRENT_ID, true],
        [OLDER_ID, true],
      ],
    );
    const names = await fs.readdir(path.join(CURRENT, '.shannon', 'checkpoints'));
    assert.equal(names.filter((n) => n.endsWith('_contents.json')).length, 2, 'the fixture does hold contents files');
    assert.equal(headerIdFromFileName(`${CURRENT_ID}_contents.json`), undefined);
    assert.equal(headerIdFromFileName(`${CURRENT_ID}.json`), CURRENT_ID);
    assert.equal(checkpointIdFromAnyFileName(`${CURRENT_ID}_contents.json`), CURRENT_ID);
  });

  it('returns no entries (and no error) for a folder without .shannon/checkpoints', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cp-empty-'));
    try {
      assert.deepEqual(await listCheckpoints(dir), []);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  const cases: Array<[string, RegExp]> = [
    ['invalid-json', /invalid JSON/],
    ['missing-field', /git_state/],
    ['contents-missing', /_contents\.json: file not found/],
    ['id-mismatch', /does not match the file name/],
  ];
  for (const [name, reason] of cases) {
    it(`lists a malformed checkpoint (${name}) as an error entry with its reason`, async () => {
      const entries = await listCheckpoints(malformed(name));
      assert.equal(entries.length, 1);
      const [entry] = entries;
      assert.equal(entry.ok, false);
      assert.match(!entry.ok ? entry.reason : '', reason);
    });
  }

  it('refuses to load a checkpoint whose contents file is not an object', async () => {
    const dir = malformed('contents-not-object');
    const [entry] = await listCheckpoints(dir);
    const result = await loadCheckpoint(dir, entry.id);
    assert.equal(result.ok, false);
    assert.match(!result.ok ? result.reason : '', /contents file .*_contents\.json: .*expected record/i);
  });

  it('refuses a snapshot path that has no text in the contents file', async () => {
    const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'cp-gap-'));
    try {
      await fs.cp(CURRENT, dir, { recursive: true });
      const contentsFile = path.join(dir, '.shannon', 'checkpoints', `${CURRENT_ID}_contents.json`);
      const contents = JSON.parse(await fs.readFile(contentsFile, 'utf8'));
      delete contents['src/app.py'];
      await fs.writeFile(contentsFile, JSON.stringify(contents));
      const result = await loadCheckpoint(dir, CURRENT_ID);
      assert.equal(result.ok, false);
      assert.match(!result.ok ? result.reason : '', /no text for src\/app\.py/);
    } finally {
      await fs.rm(dir, { recursive: true, force: true });
    }
  });

  it('rejects ids that could form a path', () => {
    for (const id of ['../x', 'a/b', '..', 'a\\b', '']) {
      const header = {
        id,
        label: 'x',
        timestamp: '2025-11-16T16:00:00',
        skill_stack: [],
        git_state: { branch: '', commit: '' },
      };
      assert.equal(CheckpointFile.safeParse(header).success, false, id);
    }
  });
});
