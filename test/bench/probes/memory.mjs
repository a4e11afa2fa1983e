// Memory per 100k retained events: the heap growth of an in-process SessionStore after ingesting
// 100k events that arrived as frames (parsed and validated exactly as the hub does, so each event
// is its own object graph), measured after full GCs. Run with --expose-gc.
// Prints {bytes, bytesPerEvent, retained}.
import { SessionStore } from '../../../src/hub/store';
import { parseClientFrame, validateEventData } from '../../../src/protocol/wire';
import { serializedFrames } from '../lib/events.mjs';

const COUNT = 100_000;
const BATCH = 50;
const SESSION = 'bench-memory';

function settledHeap() {
  for (let i = 0; i < 4; i += 1) globalThis.gc();
  return process.memoryUsage().heapUsed;
}

if (typeof globalThis.gc !== 'function') throw new Error('run with --expose-gc');
const store = new SessionStore({});
const before = settledHeap();
// Frames are made and dropped one chunk at a time so only what the store keeps stays reachable.
for (let start = 0; start < COUNT; start += 10_000) {
  for (const text of serializedFrames(SESSION, 10_000, BATCH, start + 1)) {
    const frame = parseClientFrame(text);
    if (!frame.ok || frame.value.type !== 'events') throw new Error('bench frame refused');
    const events = frame.value.events.map((event) => {
      const checked = validateEventData(event);
      if (!checked.ok) throw new Error(checked.message);
      return checked.value;
    });
    store.ingest('native', events);
  }
}
const after = settledHeap();
const retained = (await store.readEvents(SESSION)).length;
if (retained !== COUNT) throw new Error(`store holds ${retained} events, expected ${COUNT}`);
console.log(JSON.stringify({ bytes: after - before, bytesPerEvent: (after - before) / COUNT, retained }));
store.dispose();
