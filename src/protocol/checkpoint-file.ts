// Shannon's checkpoints on disk: `<project>/.shannon/checkpoints/<id>.json` (the header) plus
// `<id>_contents.json` (relative path -> full text). Written by the Python CLI (snake_case, local
// timestamps without a zone) and, for "before restore" safety checkpoints, by this extension in
// the very same format so the CLI and the tree can read both. Objects are loose: a newer CLI may
// add fields and we keep them rather than reject the file.
import * as z from 'zod';

/** The value `file_snapshots` holds for a file that did not exist at checkpoint time. */
export const DELETED_SNAPSHOT = 'DELETED';

/**
 * Checkpoint ids become file names, so only characters that cannot form a path are accepted
 * (the CLI writes uuid4 strings; this is a superset that still excludes `/`, `\` and `..`).
 */
export const CheckpointId = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_-]*$/, 'letters, digits, _ and - only (a checkpoint id is a file name)');

export const CheckpointGitState = z.looseObject({
  branch: z.string(),
  commit: z.string(),
  stash_id: z.string().nullable().optional(),
  /** The CLI's own summary of `git status`; its shape is not documented, so it is kept as-is. */
  status: z.unknown().optional(),
  staged_files: z.array(z.string()).optional(),
  modified_files: z.array(z.string()).optional(),
  untracked_files: z.array(z.string()).optional(),
});
export type CheckpointGitState = z.infer<typeof CheckpointGitState>;

export const CheckpointMetadata = z.looseObject({
  project_root: z.string().optional(),
  tracked_files_count: z.number().int().nonnegative().optional(),
});

/** `<id>.json`. Required fields follow the CLI's schemas/checkpoint.schema.json. */
export const CheckpointFile = z.looseObject({
  id: CheckpointId,
  label: z.string(),
  /** ISO 8601; the CLI writes local time without a zone (Python `datetime.now().isoformat()`). */
  timestamp: z.iso.datetime({ local: true, offset: true }),
  skill_stack: z.array(z.string()),
  current_skill: z.string().nullable().optional(),
  next_skills: z.array(z.string()).optional(),
  /** relative path -> first 16 hex chars of the sha256 of its text, or DELETED_SNAPSHOT. */
  file_snapshots: z.record(z.string(), z.string()).optional(),
  file_hashes: z.record(z.string(), z.string()).optional(),
  git_state: CheckpointGitState,
  execution_context: z.record(z.string(), z.unknown()).optional(),
  decision_history: z.array(z.unknown()).optional(),
  agent_states: z.array(z.unknown()).optional(),
  rollback_count: z.number().int().nonnegative().optional(),
  restored_from: z.string().nullable().optional(),
  metadata: CheckpointMetadata.optional(),
});
export type CheckpointFile = z.infer<typeof CheckpointFile>;

/** `<id>_contents.json`: relative path -> the file's full text at checkpoint time. */
export const CheckpointContents = z.record(z.string(), z.string());
export type CheckpointContents = z.infer<typeof CheckpointContents>;

/**
 * What the checkpoint commands accept besides a tree item: a plain target, so another extension,
 * a keybinding or a test can address a checkpoint. `confirm: false` skips the modal (tests, scripted use).
 */
export const CheckpointCommandTarget = z.looseObject({
  folder: z.string().min(1),
  checkpointId: CheckpointId,
  path: z.string().min(1).optional(),
  confirm: z.boolean().optional(),
});
export type CheckpointCommandTarget = z.infer<typeof CheckpointCommandTarget>;
