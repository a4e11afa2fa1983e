// The journal: every session as a JSONL file (one EventEnvelope per line) plus index.json with the
// summaries, in the folder the host gives (the extension's workspace storage). Writing happens in
// the background so a burst of events never blocks the event loop: lines are buffered per file
// and written by at most one appendFile per file at a time, each taking everything buffered so far.
// Reading back is defensive: the files may have been cut off by a crash mid-write.
import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import { join } from 'node:path';
import * as z from 'zod';
import { EventEnvelope } from '../protocol/wire';
import { FINAL_STATES, SessionSummary } from '../protocol/session';
import { createSummary, reduceAll } from './session-model';
import type { HubLogger } from './logger';
import type { JournalSink, RestoredSession } from './store';

export const INDEX_FILE = 'index.json';
const JOURNAL_EXT = '.jsonl';
const MAX_NAME_LENGTH = 160;

const IndexFile = z.object({ version: z.literal(1), sessions: z.array(z.unknown()) });

/**
 * A file name for a session id that is safe on every file system: anything but letters, digits,
 * `_` and `-` becomes %XX (so `:` and `.` never reach the disk), and very long ids are cut and
 * made unique with a hash (the id itself is read back from the lines, not from the name).
 */
export function journalFileName(sessionId: string): string {
  let name = sessionId.replace(
    /[^A-Za-z0-9_-]/g,
    (ch) => `%${ch.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`,
  );
  if (name.length > MAX_NAME_LENGTH) {
    const hash = createHash('sha256').update(sessionId).digest('hex').slice(0, 16);
    name = `${name.slice(0, MAX_NAME_LENGTH - 17)}~${hash}`;
  }
  return name + JOURNAL_EXT;
}

interface PendingChunk {
  text: string;
  /** The highest seq in the chunk: once it is written, acks up to it may go out. */
  lastSeq: number;
}

interface WrittenWaiter {
  seq: number;
  resolve: () => void;
}

interface JournalFile {
  path: string;
  /** Bytes on disk plus bytes buffered (for retention). */
  bytes: number;
  pending: PendingChunk[];
  writing: Promise<void> | null;
  /** The highest seq whose line is on disk (the write call completed). */
  writtenSeq: number;
  /** Acks waiting for their events to be written, in seq order. */
  waiters: WrittenWaiter[];
  /** Set when retention or clearHistory removed the session: nothing more is written. */
  removed?: boolean;
}

/** After a failed write the chunk is tried again after this long, doubling up to the maximum. */
const RETRY_FIRST_MS = 100;
const RETRY_MAX_MS = 5_000;

export interface JournalOptions {
  dir: string;
  log: HubLogger;
}

export class Journal implements JournalSink {
  private readonly dir: string;
  private readonly log: HubLogger;
  private readonly files = new Map<string, JournalFile>();
  /** Unlinks in progress by path, so a re-created session's first write waits for them. */
  private readonly removing = new Map<string, Promise<void>>();
  private summaries: () => SessionSummary[] = () => [];
  private indexDirty = false;
  private indexWriting: Promise<void> | null = null;
  private failedPaths = new Set<string>();
  /** Set by close(): failed writes are given up instead of retried. */
  private closing = false;

  constructor(options: JournalOptions) {
    this.dir = options.dir;
    this.log = options.log;
  }

  /** Where index.json gets its content from (the store's list()). */
  attach(summaries: () => SessionSummary[]): void {
    this.summaries = summaries;
  }

  /** Read every session back. Never throws for bad content: bad lines are skipped and reported. */
  async load(): Promise<RestoredSession[]> {
    await fs.mkdir(this.dir, { recursive: true });
    const meta = await this.readIndex();
    const restored = new Map<string, RestoredSession>();

    const names = (await fs.readdir(this.dir)).filter((name) => name.endsWith(JOURNAL_EXT)).sort();
    for (const name of names) {
      const path = join(this.dir, name);
      const session = await this.readSessionFile(path, meta);
      if (!session) continue;
      if (restored.has(session.summary.id)) {
        this.log.warn(`journal: ${name} repeats session ${session.summary.id}; ignored`);
        continue;
      }
      restored.set(session.summary.id, session);
      this.files.set(session.summary.id, {
        path,
        bytes: session.bytes,
        pending: [],
        writing: null,
        writtenSeq: session.summary.lastSeq,
        waiters: [],
      });
    }
    // Sessions created but never reported to (pending) have no lines, only an index entry.
    for (const summary of meta.values()) {
      if (!restored.has(summary.id))
        restored.set(summary.id, { summary: { ...summary, lastSeq: 0, eventCount: 0 }, events: [] });
    }
    const sessions = [...restored.values()].map(({ summary, events }) => ({ summary, events }));
    const eventCount = sessions.reduce((sum, s) => sum + s.events.length, 0);
    this.log.info(`journal: reloaded ${sessions.length} session(s), ${eventCount} event(s) from ${this.dir}`);
    return sessions;
  }

  append(sessionId: string, events: readonly EventEnvelope[]): void {
    if (events.length === 0) return;
    let file = this.files.get(sessionId);
    if (!file) {
      const path = join(this.dir, journalFileName(sessionId));
      file = { path, bytes: 0, pending: [], writing: null, writtenSeq: 0, waiters: [] };
      this.files.set(sessionId, file);
    }
    let text = '';
    let lastSeq = 0;
    for (const event of events) {
      text += JSON.stringify(event) + '\n';
      lastSeq = Math.max(lastSeq, event.seq);
    }
    file.pending.push({ text, lastSeq });
    file.bytes += Buffer.byteLength(text);
    if (!file.writing) file.writing = this.drain(file);
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

  indexChanged(): void {
    this.indexDirty = true;
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
      const job = (async () => {
        await file.writing;
        await fs.rm(file.path, { force: true });
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

  /** Write what is buffered (one more try for failing writes), then stop retrying. */
  async close(): Promise<void> {
    this.closing = true;
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
      const chunks = file.pending;
      file.pending = [];
      const text = chunks.length === 1 ? chunks[0].text : chunks.map((c) => c.text).join('');
      try {
        await fs.appendFile(file.path, text);
      } catch (error) {
        // Report once per failure streak, not once per chunk (a full disk would flood the log).
        if (!this.failedPaths.has(file.path)) {
          this.failedPaths.add(file.path);
          this.log.error(
            `journal: write to ${file.path} failed, retrying; its events are not acknowledged until written: ${(error as Error).message}`,
          );
        }
        if (this.closing || file.removed) {
          file.bytes -= Buffer.byteLength(text) + file.pending.reduce((n, c) => n + Buffer.byteLength(c.text), 0);
          file.pending = [];
          break;
        }
        file.pending = [...chunks, ...file.pending];
        await delay(retryMs);
        retryMs = Math.min(retryMs * 2, RETRY_MAX_MS);
        await fs.mkdir(this.dir, { recursive: true }).catch(() => undefined);
        continue;
      }
      if (this.failedPaths.delete(file.path)) this.log.info(`journal: writing to ${file.path} works again`);
      retryMs = RETRY_FIRST_MS;
      file.writtenSeq = Math.max(file.writtenSeq, chunks[chunks.length - 1].lastSeq);
      this.releaseWaiters(file);
    }
    file.writing = null;
  }

  private releaseWaiters(file: JournalFile): void {
    let released = 0;
    while (released < file.waiters.length && file.waiters[released].seq <= file.writtenSeq) {
      file.waiters[released].resolve();
      released++;
    }
    if (released > 0) file.waiters.splice(0, released);
  }

  private async writeIndexLoop(): Promise<void> {
    while (this.indexDirty) {
      this.indexDirty = false;
      const content = JSON.stringify({ version: 1, sessions: this.summaries() });
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

  private async readIndex(): Promise<Map<string, SessionSummary>> {
    const meta = new Map<string, SessionSummary>();
    const path = join(this.dir, INDEX_FILE);
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT')
        this.log.warn(`journal: cannot read ${path}: ${(error as Error).message}`);
      return meta;
    }
    let parsedIndex;
    try {
      parsedIndex = IndexFile.safeParse(JSON.parse(text));
    } catch (error) {
      this.log.warn(
        `journal: ${path} is not JSON (${(error as Error).message}); summaries are rebuilt from the session files`,
      );
      return meta;
    }
    if (!parsedIndex.success) {
      this.log.warn(`journal: ${path} has an unexpected shape; summaries are rebuilt from the session files`);
      return meta;
    }
    for (const entry of parsedIndex.data.sessions) {
      const summary = SessionSummary.safeParse(entry);
      if (summary.success) meta.set(summary.data.id, summary.data);
      else this.log.warn(`journal: skipped an invalid index entry: ${summary.error.issues[0]?.message}`);
    }
    return meta;
  }

  /** Parse one session file; repairs a torn tail so later appends start on a fresh line. */
  private async readSessionFile(
    path: string,
    meta: Map<string, SessionSummary>,
  ): Promise<(RestoredSession & { bytes: number }) | undefined> {
    let text: string;
    try {
      text = await fs.readFile(path, 'utf8');
    } catch (error) {
      this.log.warn(`journal: cannot read ${path}: ${(error as Error).message}`);
      return undefined;
    }
    const lines = text.split('\n');
    const tail = lines.pop() ?? ''; // '' when the file ends with a newline, as every complete write does
    const events: EventEnvelope[] = [];
    let sessionId: string | undefined;
    let lastSeq = 0;
    let skipped = 0;
    const accept = (line: string, lineNo: number): boolean => {
      const event = parseLine(line);
      if (!event) {
        this.log.warn(`journal: ${path} line ${lineNo}: not a valid event, skipped`);
        return false;
      }
      sessionId ??= event.sessionId;
      if (event.sessionId !== sessionId) {
        this.log.warn(
          `journal: ${path} line ${lineNo}: belongs to session ${event.sessionId}, not ${sessionId}; skipped`,
        );
        return false;
      }
      if (event.seq <= lastSeq) return true; // a duplicate on disk changes nothing
      lastSeq = event.seq;
      events.push(event);
      return true;
    };
    lines.forEach((line, i) => {
      if (line.trim() === '') return;
      if (!accept(line, i + 1)) skipped++;
    });

    let bytes = Buffer.byteLength(text);
    if (tail !== '') {
      // The last write was cut off. Keep the line if it is complete JSON, else drop it, and make
      // sure the next append starts on its own line.
      const kept = parseLine(tail) !== undefined && accept(tail, lines.length + 1);
      try {
        if (kept) {
          await fs.appendFile(path, '\n');
          bytes += 1;
        } else {
          bytes -= Buffer.byteLength(tail);
          await fs.truncate(path, bytes);
        }
      } catch (error) {
        this.log.warn(`journal: could not repair ${path}: ${(error as Error).message}`);
      }
      if (!kept) {
        skipped++;
        this.log.warn(`journal: ${path}: torn last line (${Buffer.byteLength(tail)} bytes, crash mid-write?) skipped`);
      }
    }
    if (skipped > 0) this.log.warn(`journal: ${path}: ${skipped} line(s) skipped`);
    if (!sessionId) {
      this.log.warn(`journal: ${path} holds no valid event; ignored`);
      return undefined;
    }

    const known = meta.get(sessionId);
    const base = createSummary(sessionId, {
      source: known?.source ?? 'native',
      createdAt: known?.createdAt ?? events[0].ts,
      task: known?.task,
    });
    let summary = reduceAll(base, events);
    // A session the previous hub declared lost (or finished without a final event) keeps that state.
    if (known && FINAL_STATES.has(known.state) && !FINAL_STATES.has(summary.state)) {
      summary = { ...summary, state: known.state, endedAt: known.endedAt };
    }
    return { summary, events, bytes };
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function parseLine(line: string): EventEnvelope | undefined {
  let json: unknown;
  try {
    json = JSON.parse(line);
  } catch {
    return undefined;
  }
  const parsed = EventEnvelope.safeParse(json);
  return parsed.success ? parsed.data : undefined;
}
