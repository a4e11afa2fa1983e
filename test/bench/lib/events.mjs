// The events every throughput/latency figure sends: a small, realistic mix of the kinds a Shannon
// run reports (~150-200 bytes per frame), identical for the plain ws, socket.io and hub runs.

const SKILLS = ['read_files', 'plan_changes', 'edit_file', 'run_tests', 'summarize'];

/** `data` for the i-th event (0-based), cycling through five common kinds. */
export function sampleEvent(i) {
  const skillName = SKILLS[i % SKILLS.length];
  switch (i % 5) {
    case 0:
      return { kind: 'execution:progress', data: { progress: i % 100, message: `step ${i % 10} of 10` } };
    case 1:
      return { kind: 'log', data: { level: 'info', message: `processed item ${i} of the batch` } };
    case 2:
      return { kind: 'skill:started', data: { skillName, stepIndex: i % 10, stepsTotal: 10 } };
    case 3:
      return { kind: 'skill:completed', data: { skillName, stepIndex: i % 10, durationMs: 12.5 } };
    default:
      return { kind: 'file:changed', data: { path: `src/module_${i % 50}.ts`, operation: 'modified' } };
  }
}

const FIXED_TS = '2026-01-01T12:00:00.000Z';

/** The native envelope of event number `seq` (1-based) of a session. */
export function envelope(sessionId, seq, extraData) {
  const { kind, data } = sampleEvent(seq - 1);
  return { sessionId, seq, ts: FIXED_TS, kind, data: extraData ? { ...data, ...extraData } : data };
}

/**
 * Serialized client frames for `count` events: one `event` frame each when batch is 1, else
 * `events` frames of `batch` envelopes (the last one may be shorter).
 */
export function serializedFrames(sessionId, count, batch, firstSeq = 1) {
  const frames = [];
  for (let start = 0; start < count; start += batch) {
    const size = Math.min(batch, count - start);
    if (batch === 1) {
      frames.push(JSON.stringify({ type: 'event', ...envelope(sessionId, firstSeq + start) }));
    } else {
      const events = [];
      for (let k = 0; k < size; k += 1) events.push(envelope(sessionId, firstSeq + start + k));
      frames.push(JSON.stringify({ type: 'events', events }));
    }
  }
  return frames;
}

/** The payload today's Shannon CLI emits as `cli_event` (snake_case fields, local timestamps without
 *  a timezone, durations in seconds; see shared/reference/shannon-cli.md). */
export function legacyCliEvent(sessionId, i) {
  const skill_name = SKILLS[i % SKILLS.length];
  const timestamp = '2026-01-01T12:00:00.000000';
  let event_type;
  let data;
  switch (i % 5) {
    case 0:
      [event_type, data] = ['execution:progress', { progress: i % 100, message: `step ${i % 10} of 10` }];
      break;
    case 1:
      [event_type, data] = ['validation:output', { check_name: 'tests', line: `ok ${i} - passes`, type: 'stdout' }];
      break;
    case 2:
      [event_type, data] = ['skill:started', { skill_id: `sk_${i}`, skill_name, step_index: i % 10, timestamp }];
      break;
    case 3:
      [event_type, data] = ['skill:completed', { skill_name, step_index: i % 10, duration: 0.0125 }];
      break;
    default:
      [event_type, data] = ['file:modified', { file_path: `src/module_${i % 50}.ts`, operation: 'Edit', timestamp }];
  }
  return { session_id: sessionId, event_type, timestamp, data };
}
