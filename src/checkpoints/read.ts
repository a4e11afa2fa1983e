// Reading Shannon's checkpoints of one folder. Every file goes through the zod schemas of
// src/protocol/checkpoint-file.ts; a file that is unreadable or malformed becomes an entry with a
// reason, so one bad file never hides the others (the tree shows it as an error item).
import * as fs from 'node:fs/promises';
import * as z from 'zod';
import { CheckpointContents, CheckpointFile, DELETED_SNAPSHOT } from '../protocol/checkpoint-file';
import { checkpointsDir, contentsFilePath, headerFilePath, headerIdFromFileName } from './location';

export type CheckpointHeaderEntry =
  | { ok: true; id: string; file: string; checkpoint: CheckpointFile }
  | { ok: false; id: string; file: string; reason: string };

export type FileStatus = 'modified' | 'deleted';
export interface CheckpointFileEntry {
  path: string;
  status: FileStatus;
  /** For `modified`: the full text at checkpoint time. */
  text?: string;
}

export interface LoadedCheckpoint {
  folder: string;
  checkpoint: CheckpointFile;
  contents: CheckpointContents;
  files: CheckpointFileEntry[];
}
export type LoadResult = { ok: true; loaded: LoadedCheckpoint } | { ok: false; reason: string };

function describeError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  if (e?.code === 'ENOENT') return 'file not found';
  if (e?.code === 'EACCES' || e?.code === 'EPERM') return 'permission denied';
  if (e?.code === 'EISDIR') return 'is a directory';
  return e?.message ?? String(err);
}

/** Reads a JSON file and parses it with `schema`; every failure becomes a one-line reason. */
async function readJson<T>(
  file: string,
  schema: z.ZodType<T>,
  what: string,
): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  let text: string;
  try {
    text = await fs.readFile(file, 'utf8');
  } catch (err) {
    return { ok: false, reason: `${what}: ${describeError(err)}` };
  }
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    return { ok: false, reason: `${what}: invalid JSON (${(err as Error).message})` };
  }
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: `${what}: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}` };
  }
  return { ok: true, value: parsed.data };
}

/** Parses one header file; its `id` must match its file name (that is how the body is found). */
export async function readCheckpointHeader(folder: string, id: string): Promise<CheckpointHeaderEntry> {
  const file = headerFilePath(folder, id);
  const read = await readJson(file, CheckpointFile, 'checkpoint file');
  if (!read.ok) return { ok: false, id, file, reason: read.reason };
  if (read.value.id !== id) {
    return {
      ok: false,
      id,
      file,
      reason: `checkpoint file: id "${read.value.id}" does not match the file name "${id}.json"`,
    };
  }
  return { ok: true, id, file, checkpoint: read.value };
}

function timeOf(entry: CheckpointHeaderEntry): number {
  if (!entry.ok) return Number.NEGATIVE_INFINITY;
  const t = Date.parse(entry.checkpoint.timestamp);
  return Number.isNaN(t) ? Number.NEGATIVE_INFINITY : t;
}

/**
 * All checkpoints of a folder, newest first, malformed ones last. Only headers are parsed (bodies
 * can be large); a header whose body file is missing is reported as an error right away, because
 * such a checkpoint can neither be compared nor restored.
 */
export async function listCheckpoints(folder: string): Promise<CheckpointHeaderEntry[]> {
  let names: string[];
  try {
    names = await fs.readdir(checkpointsDir(folder));
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT' || (err as NodeJS.ErrnoException).code === 'ENOTDIR')
      return [];
    return [
      {
        ok: false,
        id: '(folder)',
        file: checkpointsDir(folder),
        reason: `cannot list checkpoints: ${describeError(err)}`,
      },
    ];
  }
  const ids = names.map(headerIdFromFileName).filter((id): id is string => id !== undefined);
  const entries = await Promise.all(
    ids.map(async (id): Promise<CheckpointHeaderEntry> => {
      const header = await readCheckpointHeader(folder, id);
      if (!header.ok) return header;
      try {
        await fs.access(contentsFilePath(folder, id));
      } catch (err) {
        return { ok: false, id, file: header.file, reason: `contents file ${id}_contents.json: ${describeError(err)}` };
      }
      return header;
    }),
  );
  return entries.sort((a, b) => timeOf(b) - timeOf(a) || a.id.localeCompare(b.id));
}

/**
 * The files a checkpoint holds: every path of `file_snapshots` (DELETED = absent at that time)
 * plus any path that only appears in the body. A snapshot without text in the body is an error:
 * restoring it would have to invent content.
 */
export function checkpointFiles(
  checkpoint: CheckpointFile,
  contents: CheckpointContents,
): { ok: true; files: CheckpointFileEntry[] } | { ok: false; reason: string } {
  const snapshots = checkpoint.file_snapshots ?? {};
  const paths = new Set([...Object.keys(snapshots), ...Object.keys(contents)]);
  const files: CheckpointFileEntry[] = [];
  const missing: string[] = [];
  for (const p of [...paths].sort()) {
    if (snapshots[p] === DELETED_SNAPSHOT) {
      files.push({ path: p, status: 'deleted' });
    } else if (Object.hasOwn(contents, p)) {
      files.push({ path: p, status: 'modified', text: contents[p] });
    } else {
      missing.push(p);
    }
  }
  if (missing.length > 0) return { ok: false, reason: `contents file has no text for ${missing.join(', ')}` };
  return { ok: true, files };
}

/** Header and body together, validated; what Compare and Restore work from. */
export async function loadCheckpoint(folder: string, id: string): Promise<LoadResult> {
  const header = await readCheckpointHeader(folder, id);
  if (!header.ok) return { ok: false, reason: header.reason };
  const body = await readJson(contentsFilePath(folder, id), CheckpointContents, `contents file ${id}_contents.json`);
  if (!body.ok) return { ok: false, reason: body.reason };
  const files = checkpointFiles(header.checkpoint, body.value);
  if (!files.ok) return { ok: false, reason: files.reason };
  return { ok: true, loaded: { folder, checkpoint: header.checkpoint, contents: body.value, files: files.files } };
}
