// The rows of one event list view (every event of the session, or a filter's matches) as far as
// the webview holds them. A session can have millions of events: the webview holds blocks of
// rows, at most MAX_BLOCKS of them (the least recently shown go first), and asks the host for the
// blocks the user scrolls to. Row r of the all-events view is the session's event at index r.
import type { EventEnvelope } from '../src/protocol/wire';
import { MAX_ROWS_PER_REQUEST } from '../src/protocol/webview-limits';

export const BLOCK_ROWS = 100;
/** At most this many blocks are held (~40,000 events; a few MB of heap). */
export const MAX_BLOCKS = 400;
/** Blocks asked for in one request (MAX_ROWS_PER_REQUEST rows). */
const BLOCKS_PER_REQUEST = Math.max(1, Math.floor(MAX_ROWS_PER_REQUEST / BLOCK_ROWS));
/** Requests in flight at once; more waits for an answer, and is then re-decided from where the view is. */
const MAX_IN_FLIGHT = 2;
/** A block the host answered short (it could not read it) is asked for again only after this long. */
const RETRY_MS = 1000;

interface Block {
  rows: (EventEnvelope | undefined)[];
  filled: number;
}

export class RowStore {
  /** Rows in the view; rows not held are asked for. */
  count = 0;
  private readonly blocks = new Map<number, Block>();
  private readonly inFlight = new Map<number, number>(); // first block -> blocks asked
  private readonly shortAt = new Map<number, number>(); // block -> when it was answered short
  private protectedFrom = 0;
  private protectedTo = 0;

  constructor(
    /** Posts the request for rows [from, to). */
    private readonly request: (from: number, to: number) => void,
    private readonly maxBlocks = MAX_BLOCKS,
  ) {}

  get(row: number): EventEnvelope | undefined {
    return this.blocks.get(Math.floor(row / BLOCK_ROWS))?.rows[row % BLOCK_ROWS];
  }

  /** Rows from `from` on, from the snapshot, a delta or a request's answer. */
  put(from: number, events: readonly EventEnvelope[]): void {
    for (let i = 0; i < events.length; i++) {
      const row = from + i;
      const index = Math.floor(row / BLOCK_ROWS);
      let block = this.blocks.get(index);
      if (!block) {
        block = { rows: [], filled: 0 };
        this.blocks.set(index, block);
      }
      const slot = row % BLOCK_ROWS;
      if (block.rows[slot] === undefined) block.filled++;
      block.rows[slot] = events[i];
    }
    this.evict();
  }

  /** The host answered the request that started at `from` (its rows were put first). */
  answered(from: number): void {
    const first = Math.floor(from / BLOCK_ROWS);
    const blocks = this.inFlight.get(first);
    if (blocks === undefined) return;
    this.inFlight.delete(first);
    for (let b = first; b < first + blocks; b++) if (!this.complete(b)) this.shortAt.set(b, Date.now());
  }

  /**
   * The view shows rows [first, last): keep their blocks, and ask for those not held (merged into
   * requests of up to MAX_ROWS_PER_REQUEST rows, at most MAX_IN_FLIGHT at once).
   */
  want(first: number, last: number): void {
    last = Math.min(last, this.count);
    if (last <= first) return;
    const firstBlock = Math.floor(first / BLOCK_ROWS);
    const lastBlock = Math.floor((last - 1) / BLOCK_ROWS);
    this.protectedFrom = firstBlock;
    this.protectedTo = lastBlock;
    // Most recently shown last in the map's order: eviction takes the oldest first.
    for (let b = firstBlock; b <= lastBlock; b++) {
      const block = this.blocks.get(b);
      if (block) {
        this.blocks.delete(b);
        this.blocks.set(b, block);
      }
    }
    const now = Date.now();
    let b = firstBlock;
    while (b <= lastBlock && this.inFlight.size < MAX_IN_FLIGHT) {
      if (!this.needs(b, now)) {
        b++;
        continue;
      }
      let end = b + 1;
      while (end <= lastBlock && end - b < BLOCKS_PER_REQUEST && this.needs(end, now)) end++;
      this.inFlight.set(b, end - b);
      this.request(b * BLOCK_ROWS, Math.min(this.count, end * BLOCK_ROWS));
      b = end;
    }
  }

  private needs(block: number, now: number): boolean {
    if (this.complete(block) || this.isInFlight(block)) return false;
    const short = this.shortAt.get(block);
    return short === undefined || now - short >= RETRY_MS;
  }

  private isInFlight(block: number): boolean {
    for (const [first, blocks] of this.inFlight) if (block >= first && block < first + blocks) return true;
    return false;
  }

  private complete(block: number): boolean {
    const expected = Math.min(BLOCK_ROWS, this.count - block * BLOCK_ROWS);
    return expected <= 0 || (this.blocks.get(block)?.filled ?? 0) >= expected;
  }

  private evict(): void {
    if (this.blocks.size <= this.maxBlocks) return;
    for (const index of this.blocks.keys()) {
      if (this.blocks.size <= this.maxBlocks) break;
      if (index >= this.protectedFrom && index <= this.protectedTo) continue;
      this.blocks.delete(index);
    }
  }
}
