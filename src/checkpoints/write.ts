// Writing a checkpoint in Shannon's own on-disk format, and building the "before restore" safety
// checkpoint: the current text of every file a restore is about to change, so the restore itself
// can be restored away (from the tree, or by the CLI).
import { createHash, randomUUID } from 'node:crypto';
import * as fs from 'node:fs/promises';
import * as path from 'node:path';
import { CheckpointContents, CheckpointFile, DELETED_SNAPSHOT } from '../protocol/checkpoint-file';
import { CHECKPOINTS_DIR, contentsFilePath, headerFilePath } from './location';
import type { RestorePlan } from './restore-plan';
import { resolveInsideFolder } from './safe-path';

/** The CLI's snapshot value: the first 16 hex chars of the sha256 of the file's text. */
export function snapshotHash(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex').slice(0, 16);
}

/** Local time without a zone, like Python's `datetime.now().isoformat()` that the CLI writes. */
export function localIsoTimestamp(date: Date): string {
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}000`
  );
}

export interface SafetyCheckpoint {
  checkpoint: CheckpointFile;
  contents: CheckpointContents;
}

export function safetyLabel(sourceId: string): string {
  return `before_restore_${sourceId}`;
}

/**
 * The checkpoint that undoes `plan`: each changed file's current text, DELETED for files the
 * restore will create. git_state is required by the format but we never run git (a restore must
 * not touch the repository), so it is recorded as empty with a note saying why.
 */
export function buildSafetyCheckpoint(plan: RestorePlan, options: { now?: Date; id?: string } = {}): SafetyCheckpoint {
  const fileSnapshots: Record<string, string> = {};
  const contents: CheckpointContents = {};
  for (const change of plan.changes) {
    if (change.currentText === null) {
      fileSnapshots[change.path] = DELETED_SNAPSHOT;
    } else {
      fileSnapshots[change.path] = snapshotHash(change.currentText);
      contents[change.path] = change.currentText;
    }
  }
  const checkpoint = CheckpointFile.parse({
    id: options.id ?? randomUUID(),
    label: safetyLabel(plan.checkpointId),
    timestamp: localIsoTimestamp(options.now ?? new Date()),
    skill_stack: [],
    current_skill: null,
    next_skills: [],
    file_snapshots: fileSnapshots,
    file_hashes: { ...fileSnapshots },
    git_state: {
      branch: '',
      commit: '',
      stash_id: null,
      status: 'not recorded: the VS Code extension never runs git',
      staged_files: [],
      modified_files: [],
      untracked_files: [],
    },
    execution_context: {},
    decision_history: [],
    agent_states: [],
    rollback_count: 0,
    restored_from: plan.checkpointId,
    metadata: { project_root: plan.folder, tracked_files_count: plan.changes.length, created_by: 'shannon-vscode' },
  });
  return { checkpoint, contents };
}

/** Write to a temporary name in the same folder, then rename: readers never see half a file. */
async function writeFileAtomically(file: string, text: string): Promise<void> {
  const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${randomUUID()}.tmp`);
  try {
    await fs.writeFile(tmp, text, { encoding: 'utf8', flag: 'wx' });
    await fs.rename(tmp, file);
  } catch (err) {
    await fs.rm(tmp, { force: true });
    throw err;
  }
}

/**
 * Writes `<id>_contents.json` then `<id>.json` (a listed header always has its body). The
 * checkpoints folder itself is checked like any restore path, so a symlinked `.shannon` cannot
 * redirect the write outside the workspace folder.
 */
export async function writeCheckpoint(
  folder: string,
  safety: SafetyCheckpoint,
): Promise<{ headerFile: string; contentsFile: string }> {
  const checkpoint = CheckpointFile.parse(safety.checkpoint);
  const contents = CheckpointContents.parse(safety.contents);
  const target = await resolveInsideFolder(folder, `${CHECKPOINTS_DIR}/${checkpoint.id}.json`);
  if (!target.ok) throw new Error(`cannot write checkpoint: ${target.reason}`);
  await fs.mkdir(path.dirname(target.absPath), { recursive: true });
  // Re-check after mkdir: the folders now exist, so their real paths are what counts.
  const again = await resolveInsideFolder(folder, `${CHECKPOINTS_DIR}/${checkpoint.id}.json`);
  if (!again.ok) throw new Error(`cannot write checkpoint: ${again.reason}`);
  const headerFile = headerFilePath(folder, checkpoint.id);
  const contentsFile = contentsFilePath(folder, checkpoint.id);
  await writeFileAtomically(contentsFile, `${JSON.stringify(contents, null, 2)}\n`);
  await writeFileAtomically(headerFile, `${JSON.stringify(checkpoint, null, 2)}\n`);
  return { headerFile, contentsFile };
}
