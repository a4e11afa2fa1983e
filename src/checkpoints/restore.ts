// The pure half of Restore: load, plan, refuse on any problem, write the safety checkpoint. The
// editor half (src/vscode/checkpoint-commands.ts) confirms with the user and applies the plan
// through a WorkspaceEdit so open editors and undo see it.
import { loadCheckpoint, type LoadedCheckpoint } from './read';
import { planRestore, type CurrentTextReader, type RestorePlan } from './restore-plan';
import { buildSafetyCheckpoint, writeCheckpoint } from './write';

export type PreparedRestore = { ok: true; loaded: LoadedCheckpoint; plan: RestorePlan } | { ok: false; reason: string };

/** Everything a restore needs, or one message saying why it cannot happen (nothing written yet). */
export async function prepareRestore(
  folder: string,
  checkpointId: string,
  readCurrent?: CurrentTextReader,
): Promise<PreparedRestore> {
  const load = await loadCheckpoint(folder, checkpointId);
  if (!load.ok) return { ok: false, reason: `Checkpoint ${checkpointId} cannot be read: ${load.reason}` };
  const plan = await planRestore(load.loaded, readCurrent);
  if (plan.problems.length > 0) {
    const list = plan.problems.map((p) => `${p.path}: ${p.reason}`).join('; ');
    return { ok: false, reason: `Restore of checkpoint ${checkpointId} refused, nothing was written. ${list}` };
  }
  return { ok: true, loaded: load.loaded, plan };
}

/** Records the current side of `plan` as a new checkpoint; returns its id. */
export async function writeSafetyCheckpoint(
  plan: RestorePlan,
  now?: Date,
): Promise<{ id: string; headerFile: string }> {
  const safety = buildSafetyCheckpoint(plan, { now });
  const written = await writeCheckpoint(plan.folder, safety);
  return { id: safety.checkpoint.id, headerFile: written.headerFile };
}
