// The reporter's unacked-event buffer and reconnect delays: pure logic, no sockets.
import assert from 'node:assert/strict';
import { reconnectDelayMs } from '../../src/reporter/client';
import { UnackedEventBuffer } from '../../src/reporter/event-buffer';

const event = (seq: number, bytes = 10) => ({ seq, json: `{"seq":${seq}}`, bytes });

describe('reporter unacked buffer', () => {
  it('evicts the oldest event when full and counts every eviction', () => {
    const buffer = new UnackedEventBuffer(3);
    for (let seq = 1; seq <= 3; seq += 1) assert.equal(buffer.push(event(seq)), 0);
    assert.equal(buffer.push(event(4)), 1);
    assert.equal(buffer.push(event(5)), 1);
    assert.equal(buffer.droppedCount, 2);
    assert.deepEqual(
      buffer.takeUnsent(10, 1e6).map((e) => e.seq),
      [3, 4, 5],
    );
  });

  it('lets the drop report in over capacity without evicting another event', () => {
    const buffer = new UnackedEventBuffer(2);
    buffer.push(event(1));
    buffer.push(event(2));
    assert.equal(buffer.push(event(3), true), 0);
    assert.equal(buffer.size, 3);
    assert.equal(buffer.droppedCount, 0);
  });

  it('forgets acknowledged events cumulatively and resends the rest after markAllUnsent', () => {
    const buffer = new UnackedEventBuffer(100);
    for (let seq = 1; seq <= 10; seq += 1) buffer.push(event(seq));
    assert.deepEqual(
      buffer.takeUnsent(4, 1e6).map((e) => e.seq),
      [1, 2, 3, 4],
    );
    assert.equal(buffer.inFlightCount, 4);
    assert.equal(buffer.acknowledge(2), 2);
    assert.equal(buffer.inFlightCount, 2);
    assert.deepEqual(
      buffer.takeUnsent(3, 1e6).map((e) => e.seq),
      [5, 6, 7],
    );
    buffer.markAllUnsent();
    assert.deepEqual(
      buffer.takeUnsent(100, 1e6).map((e) => e.seq),
      [3, 4, 5, 6, 7, 8, 9, 10],
    );
    assert.equal(buffer.unsentCount, 0);
  });

  it('cuts batches by size but always takes at least one event', () => {
    const buffer = new UnackedEventBuffer(10);
    buffer.push(event(1, 600));
    buffer.push(event(2, 600));
    buffer.push(event(3, 2000));
    assert.deepEqual(
      buffer.takeUnsent(10, 1000).map((e) => e.seq),
      [1],
    );
    assert.deepEqual(
      buffer.takeUnsent(10, 1000).map((e) => e.seq),
      [2],
    );
    assert.deepEqual(
      buffer.takeUnsent(10, 1000).map((e) => e.seq),
      [3],
    );
  });

  it('discards a refused event wherever it sits', () => {
    const buffer = new UnackedEventBuffer(10);
    for (let seq = 1; seq <= 4; seq += 1) buffer.push(event(seq));
    buffer.takeUnsent(3, 1e6);
    assert.equal(buffer.discard(2), true);
    assert.equal(buffer.discard(99), false);
    assert.equal(buffer.inFlightCount, 2);
    buffer.markAllUnsent();
    assert.deepEqual(
      buffer.takeUnsent(10, 1e6).map((e) => e.seq),
      [1, 3, 4],
    );
  });

  it('stays correct across many pushes and acks (lazy compaction)', () => {
    const buffer = new UnackedEventBuffer(100_000);
    for (let seq = 1; seq <= 20_000; seq += 1) buffer.push(event(seq));
    buffer.acknowledge(15_000);
    assert.equal(buffer.size, 5_000);
    assert.equal(buffer.takeUnsent(1, 1e6)[0].seq, 15_001);
  });
});

describe('reconnect delay', () => {
  it('grows exponentially, is capped, and jitters within the upper half', () => {
    assert.equal(
      reconnectDelayMs(0, 100, 5000, () => 0),
      50,
    );
    assert.equal(
      reconnectDelayMs(0, 100, 5000, () => 1),
      100,
    );
    assert.equal(
      reconnectDelayMs(3, 100, 5000, () => 1),
      800,
    );
    assert.equal(
      reconnectDelayMs(20, 100, 5000, () => 1),
      5000,
    );
    assert.equal(
      reconnectDelayMs(20, 100, 5000, () => 0),
      2500,
    );
    assert.equal(
      reconnectDelayMs(1000, 100, 5000, () => 0.5),
      3750,
    );
  });
});
