// File names of the journal. A session id becomes a name that is valid on every file system the
// extension runs on and stays unique where names are compared without case (the default on macOS
// and Windows): the name holds lowercase letters, digits, `_`, `-` and %xx escapes only, so two
// ids differing in case get names that differ in more than case.
import { createHash } from 'node:crypto';

export const JOURNAL_EXT = '.jsonl';
/** Beside each session file: byte offsets of every OFFSET_STRIDE-th event. */
export const OFFSETS_EXT = '.offsets';
const MAX_NAME_LENGTH = 160;
/** Names Windows reserves for devices, with or without an extension, in any case. */
const WINDOWS_RESERVED = /^(con|prn|aux|nul|com[0-9]|lpt[0-9])$/;

const escape = (ch: string): string => `%${ch.charCodeAt(0).toString(16).padStart(2, '0')}`;

/**
 * The base name (without extension) for a session id: everything but lowercase letters, digits,
 * `_` and `-` becomes %xx (uppercase letters included, so case folding cannot merge two names, and
 * `.`/`:` never reach the disk); a Windows device name gets its first letter escaped; very long
 * ids are cut and made unique with a hash (the id itself is read back from the file).
 */
export function journalBaseName(sessionId: string): string {
  let name = sessionId.replace(/[^a-z0-9_-]/g, escape);
  if (WINDOWS_RESERVED.test(name)) name = escape(name[0]) + name.slice(1);
  if (name.length > MAX_NAME_LENGTH) {
    const hash = createHash('sha256').update(sessionId).digest('hex').slice(0, 16);
    name = `${name.slice(0, MAX_NAME_LENGTH - 17)}~${hash}`;
  }
  return name;
}

export function journalFileName(sessionId: string): string {
  return journalBaseName(sessionId) + JOURNAL_EXT;
}

/**
 * The name to create for a session when `preferred` is taken (compared without case: a file a
 * previous release named `RUN.jsonl` blocks `run.jsonl` on a case-insensitive disk): `name~2`,
 * `name~3`, ...
 */
export function alternativeName(preferred: string, attempt: number): string {
  const base = preferred.slice(0, -JOURNAL_EXT.length);
  return `${base}~${attempt}${JOURNAL_EXT}`;
}

export function offsetsFileName(journalName: string): string {
  return journalName.slice(0, -JOURNAL_EXT.length) + OFFSETS_EXT;
}
