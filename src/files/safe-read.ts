// Reading a file that someone else may have put there (lock files, Shannon's checkpoints, the
// journal). A plain readFile trusts the name: a FIFO named `x.json` blocks the reader forever (in a
// synchronous read, the whole process), a device never ends, a 500 MB file is read whole, and a
// symlink reads whatever it points at. So every such file is opened without blocking, checked on
// the open descriptor (no swap between check and read) to be a regular file owned as expected and
// within a size cap, and only then read, never beyond the cap.
import { closeSync, constants, fstatSync, openSync, readSync, type Stats } from 'node:fs';
import { open, type FileHandle } from 'node:fs/promises';

export interface FileExpectations {
  /** Larger files are refused without being read (`too-large`). */
  maxBytes: number;
  /** `current-user`: refuse a file another user owns (where the platform has user ids). */
  owner?: 'current-user' | 'any';
  /** Refuse a file that group or others may write (someone else could have changed it). */
  privateToOwner?: boolean;
  /** Default false: a symlink as the last path component is refused, not followed. */
  followSymlinks?: boolean;
}

export type UntrustedFileProblem =
  'missing' | 'symlink' | 'not-regular' | 'foreign-owner' | 'writable-by-others' | 'too-large' | 'unreadable';

export interface UntrustedFileFailure {
  ok: false;
  problem: UntrustedFileProblem;
  /** One line for a log or a tree item, e.g. "is a FIFO (named pipe), not a regular file". */
  reason: string;
  /** The size on disk, when the file could be inspected. */
  size?: number;
}

export type ReadResult = { ok: true; text: string; size: number } | UntrustedFileFailure;
export type InspectResult = { ok: true; size: number; mtimeMs: number } | UntrustedFileFailure;
export type OpenResult = { ok: true; handle: FileHandle; stats: Stats } | UntrustedFileFailure;

/** Non-blocking, so a FIFO without a writer opens at once; no-follow unless asked (0 where unsupported). */
function openFlags(expect: FileExpectations): number {
  const nonBlocking = constants.O_NONBLOCK ?? 0;
  const noFollow = expect.followSymlinks ? 0 : (constants.O_NOFOLLOW ?? 0);
  return constants.O_RDONLY | nonBlocking | noFollow;
}

/** "1.5 MiB", "500.0 MiB", "812 bytes". */
export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} bytes`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KiB`;
  if (bytes < 1024 * 1024 * 1024) return `${(bytes / (1024 * 1024)).toFixed(1)} MiB`;
  return `${(bytes / (1024 * 1024 * 1024)).toFixed(1)} GiB`;
}

function kindOf(stats: Stats): string {
  if (stats.isFIFO()) return 'a FIFO (named pipe)';
  if (stats.isCharacterDevice()) return 'a character device';
  if (stats.isBlockDevice()) return 'a block device';
  if (stats.isSocket()) return 'a socket';
  if (stats.isDirectory()) return 'a directory';
  if (stats.isSymbolicLink()) return 'a symbolic link';
  return 'not a regular file';
}

function tooLarge(size: number, maxBytes: number): UntrustedFileFailure {
  let [what, limit] = [formatBytes(size), formatBytes(maxBytes)];
  // Just over the cap, both round to the same figure: say it in bytes.
  if (what === limit) [what, limit] = [`${size} bytes`, `${maxBytes}-byte`];
  return { ok: false, problem: 'too-large', size, reason: `is ${what}, over the ${limit} limit; not read` };
}

/** The checks on an open descriptor's stats, or undefined when the file may be read. */
function checkStats(stats: Stats, expect: FileExpectations): UntrustedFileFailure | undefined {
  if (!stats.isFile()) return { ok: false, problem: 'not-regular', reason: `is ${kindOf(stats)}, not a regular file` };
  const uid = process.getuid?.();
  if (uid !== undefined && expect.owner === 'current-user' && stats.uid !== uid) {
    return { ok: false, problem: 'foreign-owner', reason: `belongs to another user (uid ${stats.uid})` };
  }
  if (uid !== undefined && expect.privateToOwner && (stats.mode & 0o022) !== 0) {
    const mode = (stats.mode & 0o777).toString(8);
    return { ok: false, problem: 'writable-by-others', reason: `is writable by other users (mode ${mode})` };
  }
  if (stats.size > expect.maxBytes) return tooLarge(stats.size, expect.maxBytes);
  return undefined;
}

function openFailure(error: unknown): UntrustedFileFailure {
  const code = (error as NodeJS.ErrnoException)?.code;
  if (code === 'ENOENT') return { ok: false, problem: 'missing', reason: 'file not found' };
  // O_NOFOLLOW on a symlink: ELOOP on Linux and macOS, EMLINK on FreeBSD.
  if (code === 'ELOOP' || code === 'EMLINK')
    return { ok: false, problem: 'symlink', reason: 'is a symbolic link; not followed' };
  if (code === 'EACCES' || code === 'EPERM') return { ok: false, problem: 'unreadable', reason: 'permission denied' };
  // open(2) of a Unix socket (and of a device without a driver) fails with ENXIO.
  if (code === 'ENXIO')
    return { ok: false, problem: 'not-regular', reason: 'is a socket or an unusable device, not a regular file' };
  if (code === 'EISDIR') return { ok: false, problem: 'not-regular', reason: 'is a directory, not a regular file' };
  return { ok: false, problem: 'unreadable', reason: (error as Error)?.message ?? String(error) };
}

/**
 * Open a file for reading after the checks; the caller reads (ranges, for example) and must close
 * the handle. Never blocks on a FIFO or device, never throws.
 */
export async function openUntrustedFile(path: string, expect: FileExpectations): Promise<OpenResult> {
  let handle: FileHandle;
  try {
    handle = await open(path, openFlags(expect));
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stats = await handle.stat();
    const problem = checkStats(stats, expect);
    if (problem) {
      await handle.close();
      return problem;
    }
    return { ok: true, handle, stats };
  } catch (error) {
    await handle.close().catch(() => undefined);
    return openFailure(error);
  }
}

/** The checks alone (type, owner, size), without reading a byte. */
export async function inspectUntrustedFile(path: string, expect: FileExpectations): Promise<InspectResult> {
  const opened = await openUntrustedFile(path, expect);
  if (!opened.ok) return opened;
  await opened.handle.close().catch(() => undefined);
  return { ok: true, size: opened.stats.size, mtimeMs: opened.stats.mtimeMs };
}

/** Read a whole file as UTF-8 after the checks; never more than maxBytes, even if it grows meanwhile. */
export async function readUntrustedFile(path: string, expect: FileExpectations): Promise<ReadResult> {
  const opened = await openUntrustedFile(path, expect);
  if (!opened.ok) return opened;
  const { handle, stats } = opened;
  try {
    // One byte more than allowed tells a file that grew past the cap from one that fits exactly.
    const buffer = Buffer.alloc(Math.min(stats.size, expect.maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > expect.maxBytes) return tooLarge(length, expect.maxBytes);
    return { ok: true, text: buffer.subarray(0, length).toString('utf8'), size: length };
  } catch (error) {
    return openFailure(error);
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** The synchronous twin of readUntrustedFile, for callers that cannot await (lock file discovery). */
export function readUntrustedFileSync(path: string, expect: FileExpectations): ReadResult {
  let fd: number;
  try {
    fd = openSync(path, openFlags(expect));
  } catch (error) {
    return openFailure(error);
  }
  try {
    const stats = fstatSync(fd);
    const problem = checkStats(stats, expect);
    if (problem) return problem;
    const buffer = Buffer.alloc(Math.min(stats.size, expect.maxBytes) + 1);
    let length = 0;
    while (length < buffer.length) {
      const bytesRead = readSync(fd, buffer, length, buffer.length - length, length);
      if (bytesRead === 0) break;
      length += bytesRead;
    }
    if (length > expect.maxBytes) return tooLarge(length, expect.maxBytes);
    return { ok: true, text: buffer.subarray(0, length).toString('utf8'), size: length };
  } catch (error) {
    return openFailure(error);
  } finally {
    closeSync(fd);
  }
}
