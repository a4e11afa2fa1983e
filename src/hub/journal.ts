// The journal: every session as a JSONL file (a header line, then one EventEnvelope per line,
// readable by people and tools), a sidecar per session with the byte offset of every
// OFFSET_STRIDE-th event, and index.json with every session's summary and the file size that
// summary reflects. Start-up reads the index only; a session's events are read when someone asks
// for a range of them, a few blocks of lines found through the sidecar, and kept in a page cache
// bounded in bytes. Sessions the index cannot vouch for (no index, an older release's index, a
// file that grew or shrank after the index was written) are rebuilt from their files in the
// background, after the hub is ready.
//
// Writing happens in the background so a burst of events never blocks the event loop: lines are
// buffered per file and written by at most one appendFile per file at a time, each taking
// everything buffered so far. An ack waits for that write (whenWritten).
import { promises as fs } from 'node:fs';
import type { FileHandle } from 'node:fs/promises';
import { join } from 'node:path';
import * as z from 'zod';
import type { EventEnvelope } from '../protocol/wire';
import { FINAL_STATES, SessionSummary, type SessionSource } from '../protocol/session';
import { createSummary, reduceSession } from './session-model';
import { JOURNAL_EXT, alternativeName, journalFileName, offsetsFileName } from './journal-names';
import {
  OFFSET_STRIDE,
  eventsOfRange,
  headerLine,
  scanJournal,
  type JournalHeader,
  type ScanResult,
} from './journal-scan';
import { PageCache } from './page-cache';
import type { HubLogger } from './logger';
import { inspectUntrustedFile, openUntrustedFile, readUntrustedFile, type FileExpectations } from '../files/safe-read';
import type { JournalSink, RestoredSession } from './store';

export { journalFileName } from './journal-names';
export const INDEX_FILE = 'index.json';
/** An index larger than this is not read (it is rebuilt from the session files instead). */
const MAX_INDEX_BYTES = 64 * 1024 * 1024;
/**
 * What the journal reads must be: a regular file of this user (not a FIFO, device or symlink put in
 * its place, never another user's file). Session files are read by range, so their size is not capped
 * here; the index and the sidecars have their own caps.
 */
const JOURNAL_FILE: FileExpectations = { maxBytes: Number.MAX_SAFE_INTEGER, owner: 'current-user' };
/** A sidecar holds 8 bytes per OFFSET_STRIDE events; larger ones are not read, only rebuilt. */
const MAX_OFFSETS_BYTES = 64 * 1024 * 1024;
/** While events arrive, the index is rewritten at most this often (what a crash can leave stale). */
const INDEX_REFRESH_MS = 2_000;
export const DEFAULT_PAGE_CACHE_BYTES = 8 * 1024 * 1024;
/** After a failed write the chunk is tried again after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

/** Release 0.1.0 wrote summaries only; this release adds the file each one belongs to. */
const IndexV1 = z.object({ version: z.literal(1), sessions: z.array(z.unknown()) });
const IndexEntry = z.object({
  summary: z.unknown(),
  /** The session's file, once it exists. */
  file: z.string().optional(),
  /** The file's size when the summary was taken: a different size means the summary is stale. */
  bytes: z.number().int().nonnegative(),
});
const IndexV2 = z.object({ version: z.literal(2), sessions: z.array(z.unknown()) });

interface PendingChunk {
  text: string;
  count: number;
  /** The highest seq in the chunk: once it is written, acks up to it may go out. */
  lastSeq: number;
}

interface WrittenWaiter {
  seq: number;
  resolve: () => void;
}

interface JournalFile {
  sessionId: string;
  name: string;
  path: string;
  /** Trust level, written in the header of a new file. */
  source: SessionSource;
  /** The file exists on disk (created by this hub or found at start-up). */
  exists: boolean;
  /** Bytes and events on disk plus buffered (retention, the index). */
  bytes: number;
  events: number;
  /** What the completed writes hold. */
  writtenBytes: number;
  writtenEvents: number;
  writtenSeq: number;
  /** Byte offset of event i * OFFSET_STRIDE; null until the sidecar was read (on first use). */
  offsets: number[] | null;
  /** Entries the sidecar on disk holds. */
  sidecarEntries: number;
  preparing: Promise<void> | null;
  pending: PendingChunk[];
  writing: Promise<void> | null;
  /** Acks waiting for their events to be written, in seq order. */
  waiters: WrittenWaiter[];
  /** Set when retention or clearHistory removed the session: nothing more is written. */
  removed?: boolean;
}

/** A file whose summary must be derived from its lines, and what the index knew about it. */
interface RebuildJob {
  name: string;
  meta?: SessionSummary;
}

export interface JournalOptions {
  dir: string;
  log: HubLogger;
  /** Bytes of event text kept in the page cache (default 8 MiB). */
  pageCacheBytes?: number;
}

export class Journal implements JournalSink {
  private readonly dir: string;
  private readonly log: HubLogger;
  private readonly files = new Map<string, JournalFile>();
  /** Every journal file name in the folder, lowercased: a new name must differ from all of them without case. */
  private readonly namesInUse = new Set<string>();
  /** Unlinks in progress by path, so a re-created session's first write waits for them. */
  private readonly removing = new Map<string, Promise<void>>();
  private readonly cache: PageCache;
  private summaries: () => SessionSummary[] = () => [];
  private indexDirty = false;
  private indexWriting: Promise<void> | null = null;
  private indexTimer: NodeJS.Timeout | undefined;
  private failedPaths = new Set<string>();
  private rebuildJobs: RebuildJob[] = [];
  private rebuilding: Promise<void> | null = null;
  /** Set by close(): failed writes are given up instead of retried. */
  private closing = false;

  constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.log = options.log;
    this.cache = new PageCache(options.pageCacheBytes ?? DEFAULT_PAGE_CACHE_BYTES);
  }

  /** Where index.json gets its content from (the store's list()). */
  attach(summaries: () => SessionSummary[]): void {
    this.summaries = summaries;
  }

  /**
   * The quick part of start-up: the sessions index.json vouches for (its summary was taken when
   * the file had exactly the size it has now). Everything else waits for rebuild().
   */
  async open(): Promise<RestoredSession[]> {
    await fs.mkdir(this.dir, { recursive: true });
    const names = (await fs.readdir(this.dir)).filter((name) => name.endsWith(JOURNAL_EXT)).sort();
    for (const name of names) this.namesInUse.add(name.toLowerCase());
    const index = await this.readIndex();
    const restored: RestoredSession[] = [];
    const vouched = new Set<string>();
    const metaByName = new Map<string, SessionSummary>();
    const unplaced: SessionSummary[] = [];

    for (const { summary, file, bytes } of index.entries) {
      if (file === undefined) {
        // Created and never reported to (pending), or its file was not created yet at the time.
        if (summary.eventCount === 0) restored.push({ summary });
        else unplaced.push(summary);
        continue;
      }
      if (!names.includes(file)) {
        this.log.warn(`journal: ${file} (session ${summary.id}) is missing; the session is dropped`);
        continue;
      }
      const size = await this.regularFileSize(join(this.dir, file));
      if (size === bytes && size > 0) {
        vouched.add(file);
        restored.push({ summary });
        this.files.set(summary.id, this.fileRecord(summary, file, size));
      } else {
        // Shown at once as the index had it; replaced when its file has been read again.
        restored.push({ summary });
        metaByName.set(file, summary);
      }
    }
    this.rebuildJobs = names.filter((name) => !vouched.has(name)).map((name) => ({ name, meta: metaByName.get(name) }));
    this.unplacedMeta = new Map([...unplaced, ...index.metaOnly].map((summary) => [summary.id, summary]));
    this.log.info(
      `journal: ${restored.length} session(s) from ${INDEX_FILE} in ${this.dir}` +
        (this.rebuildJobs.length > 0 ? `; ${this.rebuildJobs.length} file(s) to rebuild in the background` : ''),
    );
    return restored;
  }

  /** Summaries known from the index whose file has to be read to place them (0.1.0 index, unplaced entries). */
  private unplacedMeta = new Map<string, SessionSummary>();

  /** True while files are still being rebuilt (reporters wait for it before they learn lastSeq). */
  get needsRebuild(): boolean {
    return this.rebuildJobs.length > 0;
  }

  /**
   * Read the files open() could not vouch for, one after the other, and hand each session to
   * `restore` (a session the store already has is replaced: its summary was stale). Resolves when
   * all are done; the index is rewritten after.
   */
  rebuild(restore: (session: RestoredSession) => void): Promise<void> {
    this.rebuilding ??= (async () => {
      const jobs = this.rebuildJobs;
      let rebuilt = 0;
      for (const job of jobs) {
        if (this.closing) break;
        try {
          const session = await this.rebuildFile(job);
          if (session) {
            restore(session);
            rebuilt++;
          }
        } catch (error) {
          this.log.warn(`journal: could not rebuild ${job.name}: ${(error as Error).message}`);
        }
      }
      // Pending sessions of an older index (no file, no events) come back as they were.
      for (const summary of this.unplacedMeta.values()) {
        if (summary.eventCount === 0 && !this.files.has(summary.id)) restore({ summary });
      }
      this.rebuildJobs = [];
      this.unplacedMeta.clear();
      if (jobs.length > 0) {
        this.log.info(`journal: rebuilt ${rebuilt} session(s) from their files`);
        this.indexChanged();
      }
    })();
    return this.rebuilding;
  }

  append(sessionId: string, events: readonly EventEnvelope[], source: SessionSource): void {
    if (events.length === 0) return;
    let file = this.files.get(sessionId);
    if (!file) {
      const name = this.claimName(sessionId);
      file = this.fileRecord(null, name, 0, sessionId, source);
      file.bytes = Buffer.byteLength(headerLine({ shannonJournal: 1, sessionId, source }));
      this.files.set(sessionId, file);
    }
    let text = '';
    let lastSeq = 0;
    for (const event of events) {
      text += JSON.stringify(event) + '\n';
      lastSeq = Math.max(lastSeq, event.seq);
    }
    file.pending.push({ text, count: events.length, lastSeq });
    file.bytes += Buffer.byteLength(text);
    file.events += events.length;
    if (!file.writing) file.writing = this.drain(file);
    this.indexSoon();
  }

  /**
   * Resolves once every line of the session up to `seq` has been written (the write call
   * completed, so a crash of this process can no longer lose it); null when that is already so.
   * This is what an ack waits for.
   */
  whenWritten(sessionId: string, seq: number): Promise<void> | null {
    const file = this.files.get(sessionId);
    if (!file || file.writtenSeq >= seq) return null;
    return new Promise((resolve) => file.waiters.push({ seq, resolve }));
  }

  /** Events [from, to) of a session, by index among its events, read from its file. */
  async read(sessionId: string, from: number, to: number): Promise<EventEnvelope[]> {
    const file = this.files.get(sessionId);
    if (!file || to <= from) return [];
    await this.settle(file);
    if (file.removed || !file.exists) return [];
    await this.prepare(file);
    const offsets = file.offsets!;
    const end = Math.min(to, file.writtenEvents);
    if (from >= end) return [];
    const firstBlock = Math.floor(from / OFFSET_STRIDE);
    const lastBlock = Math.floor((end - 1) / OFFSET_STRIDE);
    const blocks: EventEnvelope[][] = [];
    let handle: FileHandle | undefined;
    try {
      for (let block = firstBlock; block <= lastBlock;) {
        const cached = this.cache.get(this.pageKey(file, block));
        if (cached) {
          blocks.push(cached);
          block++;
          continue;
        }
        // Read every block up to the next cached one in one go.
        let until = block;
        while (until < lastBlock && !this.cache.get(this.pageKey(file, until + 1))) until++;
        const start = offsets[block];
        const stop = offsets[until + 1] ?? file.writtenBytes;
        handle ??= await openRegular(file.path);
        const data = Buffer.allocUnsafe(stop - start);
        const { bytesRead } = await handle.read(data, 0, data.length, start);
        for (let b = block; b <= until; b++) {
          const slice = data.subarray(offsets[b] - start, Math.min((offsets[b + 1] ?? stop) - start, bytesRead));
          const events = eventsOfRange(slice, { sessionId: file.sessionId, lastSeq: 0, atStart: offsets[b] === 0 });
          // Only whole blocks are cached: the last one of a running session still grows.
          if (events.length === OFFSET_STRIDE) this.cache.set(this.pageKey(file, b), events, slice.length);
          blocks.push(events);
        }
        block = until + 1;
      }
    } finally {
      await handle?.close();
    }
    const all = blocks.length === 1 ? blocks[0] : blocks.flat();
    const skip = from - firstBlock * OFFSET_STRIDE;
    return all.slice(skip, skip + (end - from));
  }

  /** The session's file on disk, for people (Open Log). */
  pathOf(sessionId: string): string | undefined {
    const file = this.files.get(sessionId);
    return file?.exists ? file.path : undefined;
  }

  indexChanged(): void {
    this.indexDirty = true;
    // While files are rebuilt the store does not know every session yet: the index waits for it.
    if (this.rebuildJobs.length > 0 && !this.closing) return;
    this.indexWriting ??= this.writeIndexLoop();
  }

  sizeOf(sessionId: string): number {
    return this.files.get(sessionId)?.bytes ?? 0;
  }

  async remove(sessionIds: readonly string[]): Promise<void> {
    const jobs: Promise<void>[] = [];
    for (const id of sessionIds) {
      const file = this.files.get(id);
      if (!file) continue;
      this.files.delete(id);
      file.removed = true;
      file.pending = [];
      this.cache.deletePrefix(`${file.path}#`);
      const job = (async () => {
        await file.writing;
        await fs.rm(file.path, { force: true });
        await fs.rm(join(this.dir, offsetsFileName(file.name)), { force: true });
        this.namesInUse.delete(file.name.toLowerCase());
      })().catch((error: unknown) =>
        this.log.warn(`journal: could not remove ${file.path}: ${(error as Error).message}`),
      );
      const tracked = job.finally(() => {
        if (this.removing.get(file.path) === tracked) this.removing.delete(file.path);
      });
      this.removing.set(file.path, tracked);
      jobs.push(tracked);
    }
    await Promise.all(jobs);
  }

  /** Write what is buffered (one more try for failing writes) and the final index, then stop retrying. */
  async close(): Promise<void> {
    this.closing = true;
    clearTimeout(this.indexTimer);
    await this.rebuilding;
    await this.flush();
    this.indexChanged();
    await this.flush();
  }

  /** Resolves when every buffered line and the latest index are on disk. */
  async flush(): Promise<void> {
    for (;;) {
      const inFlight = [...this.files.values()].map((f) => f.writing).filter((p): p is Promise<void> => p !== null);
      if (this.indexWriting) inFlight.push(this.indexWriting);
      inFlight.push(...this.removing.values());
      if (inFlight.length === 0) return;
      await Promise.all(inFlight);
    }
  }

  // ---- files ---------------------------------------------------------------------------------

  private fileRecord(
    summary: SessionSummary | null,
    name: string,
    size: number,
    sessionId = summary!.id,
    source: SessionSource = summary!.source,
  ): JournalFile {
    const events = summary?.eventCount ?? 0;
    const lastSeq = summary?.lastSeq ?? 0;
    return {
      sessionId,
      name,
      path: join(this.dir, name),
      source,
      exists: summary !== null,
      bytes: size,
      events,
      writtenBytes: size,
      writtenEvents: events,
      writtenSeq: lastSeq,
      offsets: null,
      sidecarEntries: 0,
      preparing: null,
      pending: [],
      writing: null,
      waiters: [],
    };
  }

  /** A name for a new session file, different without case from every file in the folder. */
  private claimName(sessionId: string): string {
    const preferred = journalFileName(sessionId);
    let name = preferred;
    for (let attempt = 2; this.namesInUse.has(name.toLowerCase()); attempt++)
      name = alternativeName(preferred, attempt);
    this.namesInUse.add(name.toLowerCase());
    return name;
  }

  private pageKey(file: JournalFile, block: number): string {
    return `${file.path}#${block}`;
  }

  /** Wait until nothing is buffered for the file (a read sees every event the store counted). */
  private async settle(file: JournalFile): Promise<void> {
    while (file.writing) await file.writing;
  }

  /**
   * Load the file's offsets from its sidecar once, checking them against the file, and extend
   * them by reading the lines after the last good one (a crash may have left the sidecar short).
   */
  private prepare(file: JournalFile): Promise<void> {
    if (file.offsets) return Promise.resolve();
    file.preparing ??= (async () => {
      const sidecar = join(this.dir, offsetsFileName(file.name));
      const expected = Math.ceil(file.writtenEvents / OFFSET_STRIDE);
      let offsets: number[] = [];
      try {
        const opened = await openUntrustedFile(sidecar, { ...JOURNAL_FILE, maxBytes: MAX_OFFSETS_BYTES });
        if (opened.ok) {
          let raw: Buffer;
          try {
            raw = await opened.handle.readFile();
          } finally {
            await opened.handle.close();
          }
          for (let i = 0; i + 8 <= raw.length && offsets.length < expected; i += 8) {
            const offset = raw.readDoubleLE(i);
            const previous = offsets.length > 0 ? offsets[offsets.length - 1] : -1;
            if (!Number.isInteger(offset) || offset <= previous || offset >= file.writtenBytes) break;
            offsets.push(offset);
          }
        }
      } catch (error) {
        this.log.warn(`journal: cannot read ${sidecar}: ${(error as Error).message}; it is rebuilt`);
        offsets = [];
      }
      const kept = offsets.length;
      if (kept < expected || expected === 0) {
        const from =
          kept > 0 ? { offset: offsets[kept - 1], index: (kept - 1) * OFFSET_STRIDE, lastSeq: 0 } : undefined;
        if (from) offsets.pop();
        const handle = await openRegular(file.path);
        let scan: ScanResult;
        try {
          scan = await scanJournal(handle, {
            ...(from ?? { offset: 0, index: 0, lastSeq: 0 }),
            sessionId: file.sessionId,
          });
        } finally {
          await handle.close();
        }
        for (const { offset } of scan.offsets) offsets.push(offset);
        if (scan.endIndex !== file.writtenEvents) {
          this.log.warn(
            `journal: ${file.path} holds ${scan.endIndex} event(s), its summary counted ${file.writtenEvents}; reading what is there`,
          );
          file.writtenEvents = file.events = scan.endIndex;
        }
        if (kept < offsets.length || kept !== Math.ceil(file.writtenEvents / OFFSET_STRIDE)) {
          await this.writeSidecar(file, offsets);
        }
      }
      file.sidecarEntries = offsets.length;
      file.offsets = offsets;
    })().finally(() => (file.preparing = null));
    return file.preparing;
  }

  private async writeSidecar(file: JournalFile, offsets: readonly number[]): Promise<void> {
    const data = Buffer.allocUnsafe(offsets.length * 8);
    offsets.forEach((offset, i) => data.writeDoubleLE(offset, i * 8));
    try {
      await fs.writeFile(join(this.dir, offsetsFileName(file.name)), data);
    } catch (error) {
      this.log.warn(`journal: could not write the offsets of ${file.path}: ${(error as Error).message}`);
    }
  }

  /**
   * Write everything buffered for one file, one appendFile at a time. A failed write (disk full,
   * folder removed) is retried with backoff, not dropped: its events are not acknowledged until
   * they are on disk, so the reporters keep them meanwhile. Once the journal is closing, a failed
   * chunk is given up (and its events stay unacknowledged).
   */
  private async drain(file: JournalFile): Promise<void> {
    await this.removing.get(file.path);
    let retryMs = RETRY_FIRST_MS;
    while (file.pending.length > 0 && !file.removed) {
      try {
        if (!file.exists) await this.create(file);
        else await this.prepare(file);
      } catch (error) {
        if (await this.writeFailed(file, error, retryMs)) break;
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        continue;
      }
      const chunks = file.pending;
      file.pending = [];
      const data = Buffer.from(chunks.length === 1 ? chunks[0].text : chunks.map((c) => c.text).join(''));
      const newOffsets = lineOffsets(data, file.writtenBytes, file.writtenEvents);
      try {
        await fs.appendFile(file.path, data);
      } catch (error) {
        file.pending = [...chunks, ...file.pending];
        // A write cut off part-way must not leave half a line in front of the retried one.
        await fs.truncate(file.path, file.writtenBytes).catch(() => undefined);
        if (await this.writeFailed(file, error, retryMs)) break;
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        continue;
      }
      if (this.failedPaths.delete(file.path)) this.log.info(`journal: writing to ${file.path} works again`);
      retryMs = RETRY_FIRST_MS;
      file.writtenBytes += data.length;
      file.writtenEvents += chunks.reduce((n, c) => n + c.count, 0);
      file.writtenSeq = Math.max(file.writtenSeq, chunks[chunks.length - 1].lastSeq);
      file.offsets!.push(...newOffsets);
      this.releaseWaiters(file);
      if (newOffsets.length > 0) await this.appendSidecar(file);
    }
    file.writing = null;
  }

  /** Log a failed write once per streak; false = try again after the delay, true = give up. */
  private async writeFailed(file: JournalFile, error: unknown, retryMs: number): Promise<boolean> {
    if (!this.failedPaths.has(file.path)) {
      this.failedPaths.add(file.path);
      this.log.error(
        `journal: write to ${file.path} failed, retrying; its events are not acknowledged until written: ${(error as Error).message}`,
      );
    }
    if (this.closing || file.removed) {
      file.bytes -= file.pending.reduce((n, c) => n + Buffer.byteLength(c.text), 0);
      file.events -= file.pending.reduce((n, c) => n + c.count, 0);
      file.pending = [];
      return true;
    }
    await delay(retryMs);
    await fs.mkdir(this.dir, { recursive: true }).catch(() => undefined);
    return false;
  }

  /** Create a new session's file with its header; another file by that name (in any case) gets it a new name. */
  private async create(file: JournalFile): Promise<void> {
    const header = headerLine({ shannonJournal: 1, sessionId: file.sessionId, source: file.source });
    for (let attempt = 2; ; attempt++) {
      try {
        await fs.writeFile(file.path, header, { flag: 'wx' });
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 100) throw error;
        const name = this.claimName(`${file.sessionId}~${attempt}`);
        file.name = name;
        file.path = join(this.dir, name);
      }
    }
    await fs.rm(join(this.dir, offsetsFileName(file.name)), { force: true });
    file.exists = true;
    file.writtenBytes = Buffer.byteLength(header);
    file.offsets = [];
    file.sidecarEntries = 0;
  }

  private async appendSidecar(file: JournalFile): Promise<void> {
    const offsets = file.offsets!;
    const data = Buffer.allocUnsafe((offsets.length - file.sidecarEntries) * 8);
    for (let i = file.sidecarEntries; i < offsets.length; i++)
      data.writeDoubleLE(offsets[i], (i - file.sidecarEntries) * 8);
    try {
      await fs.appendFile(join(this.dir, offsetsFileName(file.name)), data);
      file.sidecarEntries = offsets.length;
    } catch (error) {
      // The sidecar is derived from the file: a failure costs a rescan on the next start, nothing else.
      this.log.warn(`journal: could not extend the offsets of ${file.path}: ${(error as Error).message}`);
    }
  }

  private releaseWaiters(file: JournalFile): void {
    let released = 0;
    while (released < file.waiters.length && file.waiters[released].seq <= file.writtenSeq) {
      file.waiters[released].resolve();
      released++;
    }
    if (released > 0) file.waiters.splice(0, released);
  }

  // ---- rebuilding from a file ----------------------------------------------------------------

  private async rebuildFile(job: RebuildJob): Promise<RestoredSession | undefined> {
    const path = join(this.dir, job.name);
    let handle: FileHandle;
    try {
      handle = await openRegular(path);
    } catch (error) {
      this.log.warn(`journal: cannot read ${path}: ${(error as Error).message}`);
      return undefined;
    }
    let meta = job.meta;
    let header: JournalHeader | undefined;
    let folded: SessionSummary | undefined;
    let scan: ScanResult;
    try {
      scan = await scanJournal(
        handle,
        { offset: 0, index: 0, lastSeq: 0 },
        {
          onHeader: (found) => (header = found),
          onEvent: (event) => {
            if (!folded) {
              meta ??= this.unplacedMeta.get(event.sessionId);
              // Trust: the file's header says it; a file without one (an older release) keeps what
              // the index said, and with no index entry either it is untrusted (unauthenticated).
              folded = createSummary(event.sessionId, {
                source: header?.source ?? meta?.source ?? 'legacy',
                createdAt: meta?.createdAt ?? event.ts,
                task: meta?.task,
              });
            }
            folded = reduceSession(folded, event);
          },
          onSkip: (offset, why) => this.log.warn(`journal: ${path} at byte ${offset}: ${why}, skipped`),
        },
      );
    } finally {
      await handle.close();
    }
    const sessionId = scan.sessionId;
    if (!folded || !sessionId) {
      this.log.warn(`journal: ${path} holds no valid event; ignored`);
      return undefined;
    }
    if (this.files.has(sessionId) && this.files.get(sessionId)!.name !== job.name) {
      this.log.warn(`journal: ${job.name} repeats session ${sessionId}; ignored`);
      return undefined;
    }
    this.unplacedMeta.delete(sessionId);
    if (!header && !meta)
      this.log.warn(`journal: ${path} does not say how its session was reported; treated as unauthenticated`);
    let result: SessionSummary = folded;
    // A session the previous hub declared lost (or finished without a final event) keeps that state.
    if (meta && FINAL_STATES.has(meta.state) && !FINAL_STATES.has(result.state)) {
      result = { ...result, state: meta.state, endedAt: meta.endedAt };
    }

    let size = scan.endOffset;
    if (scan.tail) {
      // The last write was cut off (or lost its newline): keep a complete event, drop the rest,
      // so later appends start on a line of their own.
      try {
        if (scan.tail.isEvent) {
          await fs.appendFile(path, '\n');
          size = scan.tail.offset + scan.tail.bytes + 1;
        } else {
          await fs.truncate(path, scan.tail.offset);
          this.log.warn(`journal: ${path}: torn last line (${scan.tail.bytes} bytes, crash mid-write?) skipped`);
        }
      } catch (error) {
        this.log.warn(`journal: could not repair ${path}: ${(error as Error).message}`);
      }
    }
    if (scan.skipped > 0) this.log.warn(`journal: ${path}: ${scan.skipped} line(s) skipped`);
    const file = this.fileRecord(result, job.name, size);
    file.offsets = scan.offsets.map((o) => o.offset);
    await this.writeSidecar(file, file.offsets);
    file.sidecarEntries = file.offsets.length;
    this.files.set(sessionId, file);
    return { summary: result };
  }

  // ---- the index -----------------------------------------------------------------------------

  /** While events arrive, rewrite the index now and then so a crash leaves little to rebuild. */
  private indexSoon(): void {
    if (this.indexTimer || this.closing) return;
    this.indexTimer = setTimeout(() => {
      this.indexTimer = undefined;
      this.indexChanged();
    }, INDEX_REFRESH_MS);
    this.indexTimer.unref();
  }

  private indexContent(): string {
    const sessions = this.summaries().map((summary) => {
      const file = this.files.get(summary.id);
      return file?.exists
        ? { summary, file: file.name, bytes: file.bytes }
        : { summary: { ...summary, eventCount: 0, lastSeq: 0 }, bytes: 0 };
    });
    return JSON.stringify({ version: 2, sessions });
  }

  private async writeIndexLoop(): Promise<void> {
    await Promise.resolve(); // indexWriting is assigned before the loop can finish
    while (this.indexDirty) {
      this.indexDirty = false;
      const content = this.indexContent();
      const target = join(this.dir, INDEX_FILE);
      const temp = `${target}.${process.pid}.tmp`;
      try {
        await fs.mkdir(this.dir, { recursive: true });
        await fs.writeFile(temp, content);
        await fs.rename(temp, target); // atomic: a crash leaves the old or the new index, never half of one
      } catch (error) {
        this.log.error(`journal: could not write ${target}: ${(error as Error).message}`);
      }
    }
    this.indexWriting = null;
  }

  private async readIndex(): Promise<{
    entries: Array<{ summary: SessionSummary; file?: string; bytes: number }>;
    metaOnly: SessionSummary[];
  }> {
    const none = { entries: [], metaOnly: [] };
    const path = join(this.dir, INDEX_FILE);
    let text: string;
    try {
      const read = await readUntrustedFile(path, { ...JOURNAL_FILE, maxBytes: MAX_INDEX_BYTES });
      if (!read.ok) {
        if (read.problem !== 'missing')
          this.log.warn(`journal: ${path} ${read.reason}; summaries are rebuilt from the session files`);
        return none;
      }
      text = read.text;
    } catch (error) {
      this.log.warn(`journal: cannot read ${path}: ${(error as Error).message}`);
      return none;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch (error) {
      this.log.warn(
        `journal: ${path} is not JSON (${(error as Error).message}); summaries are rebuilt from the session files`,
      );
      return none;
    }
    const summaryOf = (raw: unknown): SessionSummary | undefined => {
      const summary = SessionSummary.safeParse(raw);
      if (summary.success) return summary.data;
      this.log.warn(`journal: skipped an invalid index entry: ${summary.error.issues[0]?.message}`);
      return undefined;
    };
    const v2 = IndexV2.safeParse(json);
    if (v2.success) {
      const entries = [];
      for (const raw of v2.data.sessions) {
        const entry = IndexEntry.safeParse(raw);
        const summary = entry.success ? summaryOf(entry.data.summary) : undefined;
        if (!entry.success || !summary) continue;
        entries.push({ summary, file: entry.data.file, bytes: entry.data.bytes });
      }
      return { entries, metaOnly: [] };
    }
    const v1 = IndexV1.safeParse(json);
    if (v1.success) {
      // Release 0.1.0: summaries without file names or sizes; every file is read again.
      const metaOnly = v1.data.sessions.map(summaryOf).filter((s): s is SessionSummary => s !== undefined);
      return { entries: [], metaOnly };
    }
    this.log.warn(`journal: ${path} has an unexpected shape; summaries are rebuilt from the session files`);
    return none;
  }

  /** The size of a regular file, undefined when there is none; anything else (FIFO, device, folder) is refused. */
  private async regularFileSize(path: string): Promise<number | undefined> {
    const checked = await inspectUntrustedFile(path, JOURNAL_FILE);
    if (checked.ok) return checked.size;
    if (checked.problem !== 'missing') this.log.warn(`journal: ${path} ${checked.reason}; ignored`);
    return undefined;
  }
}

/**
 * Open a journal file for reading without ever blocking on it: O_NONBLOCK keeps a FIFO put in its
 * place from hanging the open, and anything but a regular file is refused.
 */
async function openRegular(path: string): Promise<FileHandle> {
  const opened = await openUntrustedFile(path, JOURNAL_FILE);
  if (!opened.ok) throw new Error(`${path} ${opened.reason}`);
  return opened.handle;
}

/** Offsets of the lines in `data` whose event index (from `firstIndex`) is a multiple of the stride. */
function lineOffsets(data: Buffer, base: number, firstIndex: number): number[] {
  const offsets: number[] = [];
  let index = firstIndex;
  let lineStart = 0;
  while (lineStart < data.length) {
    if (index % OFFSET_STRIDE === 0) offsets.push(base + lineStart);
    const nl = data.indexOf(0x0a, lineStart);
    if (nl === -1) break;
    lineStart = nl + 1;
    index++;
  }
  return offsets;
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}
