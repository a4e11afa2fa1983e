// The tree's shape from session summaries plus on-disk listings, without VS Code.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { listCheckpoints } from '../../src/checkpoints/read';
import { formatRelativeTime } from '../../src/checkpoints/relative-time';
import {
  buildCheckpointTree,
  checkpointDetails,
  type CheckpointNode,
  type DiskListing,
} from '../../src/checkpoints/tree-model';
import type { SessionSummary } from '../../src/protocol/session';

const FIXTURES = path.join(__dirname, '..', 'fixtures', 'checkpoints');
const CURRENT = path.join(FIXTURES, 'current');
const CURRENT_ID = '3f6c2a9e-8b1d-4c57-9e2f-6a1b0c4d7e85';
const OLDER_ID = '0a1b2c3d-4e5f-4a6b-8c7d-9e0f1a2b3c4d';

function session(
  id: string,
  checkpoints: SessionSummary['checkpoints'],
  state: SessionSummary['state'] = 'running',
): SessionSummary {
  return {
    id,
    state,
    source: 'native',
    unauthenticated: false,
    task: `task of ${id}`,
    createdAt: '2025-11-16T15:33:16Z',
    lastSeq: 1,
    eventCount: 1,
    skills: [],
    checkpoints,
    filesChanged: [],
    capabilities: [],
    reporterConnected: true,
  };
}

async function disk(folder: string, name: string): Promise<DiskListing> {
  return { folder, name, entries: await listCheckpoints(folder) };
}

describe('checkpoints: tree model', () => {
  it('puts the active session first, attaches on-disk details to a live checkpoint with the same id', async () => {
    const listing = await disk(CURRENT, 'current');
    const roots = buildCheckpointTree(
      [
        session(
          'do_old',
          [{ id: 'live-only-1', label: 'before_edit', ts: '2025-11-16T15:00:00Z', files: ['a.txt'] }],
          'completed',
        ),
        session('do_active', [
          { id: CURRENT_ID, label: 'before_write_file', skillName: 'write_file', ts: '2025-11-16T15:33:20Z' },
        ]),
        session('do_empty', [], 'completed'),
      ],
      'do_active',
      [listing],
    );
    assert.deepEqual(
      roots.map((r) => [r.kind, r.key]),
      [
        ['session', 'session/do_active'],
        ['session', 'session/do_old'],
        ['folder', `folder/${CURRENT}`],
      ],
    );
    const active = roots[0];
    assert.ok(active.kind === 'session' && active.active);
    const live = active.children[0];
    assert.equal(live.folder, CURRENT, 'matched to the file on disk');
    assert.equal(live.header?.git_state.branch, 'main');
    // The matched checkpoint is not listed a second time under "On disk".
    const folderNode = roots[2];
    assert.ok(folderNode.kind === 'folder');
    assert.deepEqual(
      folderNode.children.map((c) => (c.kind === 'checkpoint' ? c.checkpointId : c.label)),
      [OLDER_ID],
    );

    const liveOnly = roots[1].kind === 'session' ? roots[1].children[0] : undefined;
    assert.equal(liveOnly?.folder, undefined);
    assert.deepEqual(liveOnly?.reportedFiles, ['a.txt']);
  });

  it('turns malformed files into error nodes next to the good ones', async () => {
    const roots = buildCheckpointTree([], null, [
      await disk(path.join(FIXTURES, 'malformed', 'invalid-json'), 'bad'),
      await disk(CURRENT, 'current'),
    ]);
    assert.equal(roots.length, 2);
    const [bad, good] = roots;
    assert.ok(bad.kind === 'folder' && good.kind === 'folder');
    assert.equal(bad.children[0].kind, 'error');
    assert.match(bad.children[0].kind === 'error' ? bad.children[0].reason : '', /invalid JSON/);
    assert.equal(good.children.length, 2);
  });

  it('shows id, skill, git branch and commit and file count in the details', async () => {
    const roots = buildCheckpointTree([], null, [await disk(CURRENT, 'current')]);
    const node = roots[0].children[0] as CheckpointNode;
    const text = checkpointDetails(node).join('\n');
    assert.match(text, new RegExp(CURRENT_ID));
    assert.match(text, /Skill: write_file/);
    assert.match(text, /Git branch: main/);
    assert.match(text, /Git commit: 9c1e4b7a2d8f03e6b5a4c1d2e3f40516273849ab/);
    assert.match(text, /Files: 3/);
  });

  it('formats relative times', () => {
    const now = Date.parse('2025-11-16T12:00:00Z');
    assert.equal(formatRelativeTime(now - 10_000, now), 'just now');
    assert.equal(formatRelativeTime(now - 5 * 60_000, now), '5 min ago');
    assert.equal(formatRelativeTime(now - 3 * 3600_000, now), '3 h ago');
    assert.equal(formatRelativeTime(now - 26 * 3600_000, now), 'yesterday');
    assert.equal(formatRelativeTime(now - 5 * 86400_000, now), '5 days ago');
    assert.equal(formatRelativeTime(Number.NaN, now), 'unknown time');
  });
});
