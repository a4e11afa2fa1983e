// The reporter's memory of events the hub has not acknowledged yet. Bounded, because a reporter
// whose hub is gone must not grow without limit; when full it evicts the oldest event and counts
// it, so a loss is always visible (see Reporter.droppedCount) instead of silent.

/** One event waiting for its ack; `json` is the envelope serialized once, `bytes` its UTF-8 size. */
export interface BufferedEvent {
  seq: number;
  json: string;
  bytes: number;
}

export class UnackedEventBuffer {
  private items: BufferedEvent[] = [];
  /** Index of the oldest live item; the array is compacted lazily so shifting stays O(1). */
  private head = 0;
  /** Events before this position (relative to head) were already written on the current connection. */
  private sentCount = 0;
  private dropped = 0;

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1)
      throw new RangeError(`buffer capacity must be a positive integer, got ${capacity}`);
  }

  get size(): number {
    return this.items.length - this.head;
  }

  /** Total evicted before an ack, over the buffer's lifetime. */
  get droppedCount(): number {
    return this.dropped;
  }

  /** Number of buffered events not yet written on the current connection. */
  get unsentCount(): number {
    return this.size - this.sentCount;
  }

  /**
   * Add an event; returns how many old events had to be evicted to make room (0 or 1).
   * `overCapacity` lets the drop report itself in without evicting yet another event.
   */
  push(event: BufferedEvent, overCapacity = false): number {
    let evicted = 0;
    if (this.size >= this.capacity && !overCapacity) {
      this.head += 1;
      if (this.sentCount > 0) this.sentCount -= 1;
      this.dropped += 1;
      evicted = 1;
    }
    this.items.push(event);
    this.compact();
    return evicted;
  }

  /** Forget every event with seq <= the acknowledged seq (acks are cumulative). */
  acknowledge(seq: number): number {
    let removed = 0;
    while (this.head < this.items.length && this.items[this.head].seq <= seq) {
      this.head += 1;
      removed += 1;
    }
    this.sentCount = Math.max(0, this.sentCount - removed);
    this.compact();
    return removed;
  }

  /** Remove one event the hub refused for good (an `error` frame naming its seq). */
  discard(seq: number): boolean {
    for (let index = this.head; index < this.items.length; index += 1) {
      if (this.items[index].seq !== seq) continue;
      this.items.splice(index, 1);
      if (index - this.head < this.sentCount) this.sentCount -= 1;
      return true;
    }
    return false;
  }

  /** After a reconnect nothing counts as written any more: everything unacked is resent. */
  markAllUnsent(): void {
    this.sentCount = 0;
  }

  /** Number of buffered events written on the current connection and not acknowledged yet. */
  get inFlightCount(): number {
    return this.sentCount;
  }

  /** Take up to `maxEvents` unsent events whose JSON together stays under `maxBytes`, and mark them sent. */
  takeUnsent(maxEvents: number, maxBytes: number): BufferedEvent[] {
    const batch: BufferedEvent[] = [];
    let bytes = 0;
    let index = this.head + this.sentCount;
    while (index < this.items.length && batch.length < maxEvents) {
      const next = this.items[index];
      if (batch.length > 0 && bytes + next.bytes + 1 > maxBytes) break;
      batch.push(next);
      bytes += next.bytes + 1;
      index += 1;
    }
    this.sentCount += batch.length;
    return batch;
  }

  private compact(): void {
    if (this.head > 1024 && this.head * 2 > this.items.length) {
      this.items = this.items.slice(this.head);
      this.head = 0;
    }
  }
}
