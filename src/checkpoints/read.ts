// Reading Shannon's checkpoints of one folder. Any process can write `.shannon/checkpoints/`, so
// every file is read through src/files/safe-read.ts (no blocking on a FIFO, a regular file of this
// user, size-capped), scanned for duplicate keys and parsed by the zod schemas of
// src/protocol/checkpoint-file.ts. A file that fails any of that becomes an entry with a reason, so
// one bad file never hides the others (the tree shows it as an error item). Listing reads headers
// only; a contents file is inspected (type, owner, size) but read only to compare or restore.
import * as fs from 'node:fs/promises';
import * as z from 'zod';
import { inspectUntrustedFile, readUntrustedFile } from '../files/safe-read';
import { CheckpointContents, CheckpointFile, DELETED_SNAPSHOT } from '../protocol/checkpoint-file';
import { describeDuplicateKeys, findDuplicateKeys } from './duplicate-keys';
import { checkpointsDir, contentsFilePath, headerFilePath, headerIdFromFileName } from './location';

/** A header holds ids, labels, hashes and some history: a few KiB in practice. */
export const CHECKPOINT_HEADER_MAX_BYTES = 4 * 1024 * 1024;
/** The full text of every file that was dirty at checkpoint time. */
export const CHECKPOINT_CONTENTS_MAX_BYTES = 64 * 1024 * 1024;

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

/**
 * Reads a checkpoint JSON file (see the file comment for the checks) and parses it with `schema`;
 * every failure becomes a one-line reason.
 */
async function readJson<T>(
  file: string,
  maxBytes: number,
  schema: z.ZodType<T>,
  what: string,
): Promise<{ ok: true; value: T } | { ok: false; reason: string }> {
  const read = await readUntrustedFile(file, { maxBytes, owner: 'current-user' });
  if (!read.ok) return { ok: false, reason: `${what}: ${read.reason}` };
  let json: unknown;
  try {
    json = JSON.parse(read.text);
  } catch (err) {
    return { ok: false, reason: `${what}: invalid JSON (${(err as Error).message})` };
  }
  // JSON.parse keeps the last of two equal keys: a review could show one text and restore another.
  const duplicates = findDuplicateKeys(read.text);
  if (duplicates.length > 0) return { ok: false, reason: `${what}: ${describeDuplicateKeys(duplicates)}` };
  const parsed = schema.safeParse(json);
  if (!parsed.success) {
    return { ok: false, reason: `${what}: ${z.prettifyError(parsed.error).replace(/\s*\n\s*/g, '; ')}` };
  }
  return { ok: true, value: parsed.data };
}

/** Parses one header file; its `id` must match its file name (that is how the body is found). */
export async function readCheckpointHeader(folder: string, id: string): Promise<CheckpointHeaderEntry> {
  const file = headerFilePath(folder, id);
  const read = await readJson(file, CHECKPOINT_HEADER_MAX_BYTES, CheckpointFile, 'checkpoint file');
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
 * All checkpoints of a folder, newest first, malformed ones last. Only headers are read; a body
 * (contents file) is only inspected: one that is missing, not a regular file of this user, or over
 * CHECKPOINT_CONTENTS_MAX_BYTES is reported as an error right away, because such a checkpoint can
 * neither be compared nor restored.
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
      const body = await inspectUntrustedFile(contentsFilePath(folder, id), {
        maxBytes: CHECKPOINT_CONTENTS_MAX_BYTES,
        owner: 'current-user',
      });
      if (!body.ok)
        return { ok: false, id, file: header.file, reason: `contents file ${id}_contents.json: ${body.reason}` };
      return header;
    }),
  );
  return entries.sort((a, b) => timeOf(b) - timeOf(a) || a.id.localeCompare(b.id));
}

/**
 * One spelling per file: `./src/a.txt`, `src//a.txt` and `src\a.txt` all name `src/a.txt` (a
 * checkpoint written on Windows uses backslashes). Absolute paths and `..` are kept as they are, for
 * the path checks of safe-path.ts to refuse by name.
 */
export function normalizeCheckpointPath(relPath: string): string {
  if (relPath.startsWith('/') || relPath.startsWith('\\') || /^[A-Za-z]:/.test(relPath)) return relPath;
  const segments = relPath.split(/[\\/]+/).filter((s) => s !== '' && s !== '.');
  return segments.length === 0 ? relPath : segments.join('/');
}

/** The spellings a checkpoint uses for one file, and what each says about it. */
interface Spellings {
  /** Paths as written in file_snapshots or the contents file. */
  names: Set<string>;
  deleted: boolean;
  texts: Set<string>;
}

/**
 * The files a checkpoint holds: every path of `file_snapshots` (DELETED = absent at that time)
 * plus any path that only appears in the body, each under its normalized spelling. A snapshot
 * without text in the body is an error (restoring it would have to invent content), and so is a
 * file named several times with different texts (or deleted under one name and not under another):
 * which of them would a restore write?
 */
export function checkpointFiles(
  checkpoint: CheckpointFile,
  contents: CheckpointContents,
): { ok: true; files: CheckpointFileEntry[] } | { ok: false; reason: string } {
  const snapshots = checkpoint.file_snapshots ?? {};
  const byPath = new Map<string, Spellings>();
  const spellingsOf = (name: string): Spellings => {
    const key = normalizeCheckpointPath(name);
    let entry = byPath.get(key);
    if (!entry) byPath.set(key, (entry = { names: new Set(), deleted: false, texts: new Set() }));
    entry.names.add(name);
    return entry;
  };
  for (const [name, snapshot] of Object.entries(snapshots)) {
    if (snapshot === DELETED_SNAPSHOT) spellingsOf(name).deleted = true;
    else spellingsOf(name);
  }
  for (const [name, text] of Object.entries(contents)) {
    if (snapshots[name] !== DELETED_SNAPSHOT) spellingsOf(name).texts.add(text);
  }

  const files: CheckpointFileEntry[] = [];
  const missing: string[] = [];
  const conflicts: string[] = [];
  for (const [path, entry] of [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (entry.texts.size > 1 || (entry.deleted && entry.texts.size > 0)) {
      const names = [...entry.names].map((n) => JSON.stringify(n)).join(', ');
      conflicts.push(`${path} is named ${entry.names.size} times (${names}) with different contents`);
    } else if (entry.deleted) {
      files.push({ path, status: 'deleted' });
    } else if (entry.texts.size === 1) {
      files.push({ path, status: 'modified', text: [...entry.texts][0] });
    } else {
      missing.push(path);
    }
  }
  if (conflicts.length > 0)
    return { ok: false, reason: `checkpoint names one file several ways: ${conflicts.join('; ')}` };
  if (missing.length > 0) return { ok: false, reason: `contents file has no text for ${missing.join(', ')}` };
  return { ok: true, files };
}

/**
 * The files to list under a checkpoint in the tree, from its header alone (the contents file is
 * read only to compare or restore): file_snapshots under normalized paths.
 */
export function listedFiles(checkpoint: CheckpointFile): Array<{ path: string; status: FileStatus }> {
  const byPath = new Map<string, FileStatus>();
  for (const [name, snapshot] of Object.entries(checkpoint.file_snapshots ?? {})) {
    const path = normalizeCheckpointPath(name);
    const status: FileStatus = snapshot === DELETED_SNAPSHOT ? 'deleted' : 'modified';
    // A file named both ways shows as changed; Compare and Restore then explain the conflict.
    if (byPath.get(path) !== 'modified') byPath.set(path, status);
  }
  return [...byPath].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([path, status]) => ({ path, status }));
}

/** Header and body together, validated; what Compare and Restore work from. */
export async function loadCheckpoint(folder: string, id: string): Promise<LoadResult> {
  const header = await readCheckpointHeader(folder, id);
  if (!header.ok) return { ok: false, reason: header.reason };
  const body = await readJson(
    contentsFilePath(folder, id),
    CHECKPOINT_CONTENTS_MAX_BYTES,
    CheckpointContents,
    `contents file ${id}_contents.json`,
  );
  if (!body.ok) return { ok: false, reason: body.reason };
  const files = checkpointFiles(header.checkpoint, body.value);
  if (!files.ok) return { ok: false, reason: files.reason };
  return { ok: true, loaded: { folder, checkpoint: header.checkpoint, contents: body.value, files: files.files } };
}
