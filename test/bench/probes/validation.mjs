// Validation cost per event: parseClientFrame (JSON.parse + the ClientFrame schema) followed by
// validateEventData (the kind's data schema), the two steps the hub runs on every event.
// Prints {usPerEvent, jsonParseUsPerEvent, batchedUsPerEvent}.
import { performance } from 'node:perf_hooks';
import { parseClientFrame, validateEventData } from '../../../src/protocol/wire';
import { serializedFrames } from '../lib/events.mjs';

const COUNT = 50_000;
const single = serializedFrames('bench-validation', COUNT, 1);
const batched = serializedFrames('bench-validation', COUNT, 50);

function validateAll(frames) {
  let valid = 0;
  for (const text of frames) {
    const frame = parseClientFrame(text);
    if (!frame.ok) throw new Error(`bench frame refused: ${frame.message}`);
    const events =
      frame.value.type === 'events' ? frame.value.events : frame.value.type === 'event' ? [frame.value] : [];
    for (const event of events) if (validateEventData(event).ok) valid += 1;
  }
  if (valid !== COUNT) throw new Error(`expected ${COUNT} valid events, got ${valid}`);
}

function timeUsPerEvent(work) {
  const start = performance.now();
  work();
  return ((performance.now() - start) * 1000) / COUNT;
}

/** Median of three timed passes, after two untimed ones: the figure is the steady state of a
 *  long-running hub (zod's compiled object parsers and V8's optimizer need a few passes). */
function steadyUsPerEvent(work) {
  for (let pass = 0; pass < 2; pass += 1) work();
  const passes = [0, 1, 2].map(() => timeUsPerEvent(work)).sort((a, b) => a - b);
  return passes[1];
}

let sink = 0;
const jsonParseUsPerEvent = steadyUsPerEvent(() => {
  for (const text of single) sink += JSON.parse(text).seq;
});
const usPerEvent = steadyUsPerEvent(() => validateAll(single));
const batchedUsPerEvent = steadyUsPerEvent(() => validateAll(batched));
console.log(JSON.stringify({ usPerEvent, jsonParseUsPerEvent, batchedUsPerEvent, sink: sink > 0 }));
