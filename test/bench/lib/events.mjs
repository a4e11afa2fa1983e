// The events every throughput/latency/memory figure sends: small frames (~150-200 bytes) in the
// mix of a long Shannon run: mostly progress and log lines, with a skill started and completed
// (same skill) and a file changed every 50 events. Identical for the plain ws, socket.io and hub runs.

export const SKILLS = ['read_files', 'plan_changes', 'edit_file', 'run_tests', 'summarize'];

/** The kind and `data` of the i-th event of a session (0-based). */
export function sampleEvent(i) {
  const skillName = SKILLS[Math.floor(i / 50) % SKILLS.length];
  const step = Math.floor(i / 50) % 10;
  switch (i % 50) {
    case 0:
      return { kind: 'skill:started', data: { skillName, stepIndex: step, stepsTotal: 10 } };
    case 49:
      return { kind: 'skill:completed', data: { skillName, stepIndex: step, durationMs: 12.5 } };
    case 25:
      return { kind: 'file:changed', data: { path: `src/module_${i % 40}.ts`, operation: 'modified' } };
    case 10:
    case 30:
      return { kind: 'validation:output', data: { checkName: 'tests', line: `ok ${i} - passes`, stream: 'stdout' } };
    default:
      return i % 2
        ? { kind: 'execution:progress', data: { progress: i % 100, message: `step ${step} of 10` } }
        : { kind: 'log', data: { level: 'info', message: `processed item ${i} of the batch` } };
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
 *  a timezone, durations in seconds; see docs/architecture.md). */
export function legacyCliEvent(sessionId, i) {
  const skill_name = SKILLS[Math.floor(i / 50) % SKILLS.length];
  const step_index = Math.floor(i / 50) % 10;
  const timestamp = '2026-01-01T12:00:00.000000';
  let event_type;
  let data;
  switch (i % 50) {
    case 0:
      [event_type, data] = ['skill:started', { skill_id: `sk_${i}`, skill_name, step_index, timestamp }];
      break;
    case 49:
      [event_type, data] = ['skill:completed', { skill_name, step_index, duration: 0.0125 }];
      break;
    case 25:
      [event_type, data] = ['file:modified', { file_path: `src/module_${i % 40}.ts`, operation: 'Edit', timestamp }];
      break;
    case 10:
    case 30:
      [event_type, data] = ['validation:output', { check_name: 'tests', line: `ok ${i} - passes`, type: 'stdout' }];
      break;
    default:
      [event_type, data] = ['execution:progress', { progress: i % 100, message: `step ${step_index} of 10` }];
  }
  return { session_id: sessionId, event_type, timestamp, data };
}
