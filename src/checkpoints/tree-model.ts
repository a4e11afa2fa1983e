// The shape of the Checkpoints tree, computed from plain data (session summaries from the hub's
// store and the on-disk listing of every workspace folder) so it is tested without VS Code.
// Sessions come first (the active one on top), then one "On disk" group per folder for the
// checkpoints no session reported. A live checkpoint whose id exists on disk gets the on-disk
// details (folder, git state, files) and becomes comparable and restorable.
import type { CheckpointFile } from '../protocol/checkpoint-file';
import type { CheckpointRef, SessionSummary } from '../protocol/session';
import type { CheckpointHeaderEntry } from './read';

export interface CheckpointNode {
  kind: 'checkpoint';
  /** Unique within the tree (the same id may be listed under a session and nowhere else). */
  key: string;
  checkpointId: string;
  label: string;
  skillName?: string;
  ts: string;
  /** Where it lives on disk; undefined for a live checkpoint not (yet) found in any folder. */
  folder?: string;
  headerFile?: string;
  header?: CheckpointFile;
  /** Files the live event named, shown while the checkpoint is not on disk. */
  reportedFiles?: string[];
  sessionId?: string;
}
export interface ErrorNode {
  kind: 'error';
  key: string;
  label: string;
  reason: string;
  folder: string;
  file?: string;
  checkpointId?: string;
}
export interface SessionNode {
  kind: 'session';
  key: string;
  sessionId: string;
  label: string;
  state: SessionSummary['state'];
  active: boolean;
  children: CheckpointNode[];
}
export interface FolderNode {
  kind: 'folder';
  key: string;
  folder: string;
  name: string;
  children: Array<CheckpointNode | ErrorNode>;
}
export type RootNode = SessionNode | FolderNode;

export interface DiskListing {
  folder: string;
  name: string;
  entries: CheckpointHeaderEntry[];
}

export function checkpointTitle(checkpointId: string, label: string | undefined): string {
  return label && label.length > 0 ? label : checkpointId.slice(0, 8);
}

function fromDisk(
  entry: Extract<CheckpointHeaderEntry, { ok: true }>,
  folder: string,
  keyPrefix: string,
): CheckpointNode {
  const c = entry.checkpoint;
  return {
    kind: 'checkpoint',
    key: `${keyPrefix}/${folder}/${c.id}`,
    checkpointId: c.id,
    label: checkpointTitle(c.id, c.label),
    skillName: c.current_skill ?? c.skill_stack.at(-1) ?? undefined,
    ts: c.timestamp,
    folder,
    headerFile: entry.file,
    header: c,
  };
}

function fromLive(
  ref: CheckpointRef,
  sessionId: string,
  onDisk: { entry: Extract<CheckpointHeaderEntry, { ok: true }>; folder: string } | undefined,
): CheckpointNode {
  const key = `session/${sessionId}/${ref.id}`;
  if (onDisk) {
    const node = fromDisk(onDisk.entry, onDisk.folder, 'unused');
    return {
      ...node,
      key,
      sessionId,
      label: checkpointTitle(ref.id, ref.label ?? node.label),
      skillName: ref.skillName ?? node.skillName,
    };
  }
  return {
    kind: 'checkpoint',
    key,
    checkpointId: ref.id,
    label: checkpointTitle(ref.id, ref.label),
    skillName: ref.skillName,
    ts: ref.ts,
    reportedFiles: ref.files,
    sessionId,
  };
}

export function buildCheckpointTree(
  sessions: SessionSummary[],
  activeSessionId: string | null,
  disk: DiskListing[],
): RootNode[] {
  // Index the good on-disk entries by id; the first folder wins if two folders hold the same id.
  const byId = new Map<string, { entry: Extract<CheckpointHeaderEntry, { ok: true }>; folder: string }>();
  for (const listing of disk) {
    for (const entry of listing.entries) {
      if (entry.ok && !byId.has(entry.id)) byId.set(entry.id, { entry, folder: listing.folder });
    }
  }
  const claimed = new Set<string>();
  const ordered = [...sessions].sort((a, b) => Number(b.id === activeSessionId) - Number(a.id === activeSessionId));
  const roots: RootNode[] = [];
  for (const s of ordered) {
    const active = s.id === activeSessionId;
    if (s.checkpoints.length === 0 && !active) continue;
    const children = [...s.checkpoints].reverse().map((ref) => {
      const onDisk = byId.get(ref.id);
      if (onDisk) claimed.add(`${onDisk.folder}\0${ref.id}`);
      return fromLive(ref, s.id, onDisk);
    });
    roots.push({
      kind: 'session',
      key: `session/${s.id}`,
      sessionId: s.id,
      label: s.task ?? s.id,
      state: s.state,
      active,
      children,
    });
  }
  for (const listing of disk) {
    const children: Array<CheckpointNode | ErrorNode> = [];
    for (const entry of listing.entries) {
      if (entry.ok) {
        if (!claimed.has(`${listing.folder}\0${entry.id}`)) children.push(fromDisk(entry, listing.folder, 'disk'));
      } else {
        children.push({
          kind: 'error',
          key: `error/${listing.folder}/${entry.id}`,
          // Short, so the reason (the description) stays visible; the tooltip has the full path.
          label: entry.id.length > 12 ? `${entry.id.slice(0, 8)}….json` : `${entry.id}.json`,
          reason: entry.reason,
          folder: listing.folder,
          file: entry.file,
          checkpointId: entry.id,
        });
      }
    }
    if (children.length > 0) {
      roots.push({
        kind: 'folder',
        key: `folder/${listing.folder}`,
        folder: listing.folder,
        name: listing.name,
        children,
      });
    }
  }
  return roots;
}

/** Tooltip lines for a checkpoint (id, git branch and commit, file count). */
export function checkpointDetails(node: CheckpointNode): string[] {
  const lines = [`Checkpoint ${node.checkpointId}`];
  if (node.skillName) lines.push(`Skill: ${node.skillName}`);
  lines.push(`Created: ${node.ts}`);
  const git = node.header?.git_state;
  if (git) {
    lines.push(`Git branch: ${git.branch || '(not recorded)'}`);
    lines.push(`Git commit: ${git.commit || '(not recorded)'}`);
  }
  if (node.header) {
    lines.push(`Files: ${Object.keys(node.header.file_snapshots ?? {}).length}`);
    if (node.header.restored_from)
      lines.push(`Safety checkpoint written before restoring ${node.header.restored_from}`);
  } else if (node.reportedFiles) {
    lines.push(`Files: ${node.reportedFiles.length}`);
  }
  lines.push(
    node.folder
      ? `On disk in ${node.folder}`
      : 'Not found on disk in any workspace folder: compare and restore are unavailable',
  );
  return lines;
}
