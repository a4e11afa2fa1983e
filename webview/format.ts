// Turning events and times into short strings for the list. Everything here returns plain text;
// the components render it as text nodes, so event content can never become markup.
import type { EventEnvelope } from '../src/protocol/wire';
import type { TimeMode } from './ui-state';

const MAX_SUMMARY = 400;

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.length > 0 ? value : undefined;
}

function num(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * "step k/n" for a zero-based step index (Shannon's step_index counts from 0; people count from 1).
 * Empty when the index is unknown.
 */
export function stepLabel(index: number | undefined, total: number | undefined): string {
  if (index === undefined) return '';
  return total ? `step ${index + 1}/${total}` : `step ${index + 1}`;
}

function step(data: Record<string, unknown>): string {
  const label = stepLabel(num(data.stepIndex) ?? num(data.currentStep), num(data.stepsTotal));
  return label ? ` (${label})` : '';
}

function compactJson(data: Record<string, unknown>): string {
  try {
    const json = JSON.stringify(data);
    return json === '{}' ? '' : json;
  } catch {
    return '';
  }
}

/** One line describing an event: the interesting field for known kinds, compact JSON otherwise. */
export function summarizeEvent(event: EventEnvelope): string {
  const d = event.data;
  let text: string;
  switch (event.kind) {
    case 'log':
      text = `${str(d.level) ? `[${d.level}] ` : ''}${str(d.message) ?? ''}`;
      break;
    case 'execution:started':
      text = str(d.task) ?? compactJson(d);
      break;
    case 'execution:progress': {
      const pct = num(d.progress);
      text = `${pct !== undefined ? `${Math.round(pct)}% ` : ''}${str(d.message) ?? ''}${step(d)}`.trim();
      break;
    }
    case 'execution:halted':
    case 'execution:cancelled':
      text = str(d.reason) ?? compactJson(d);
      break;
    case 'execution:failed':
      text = str(d.error) ?? compactJson(d);
      break;
    case 'execution:completed':
      text = `${d.success === false ? 'unsuccessful' : 'success'}${num(d.durationMs) !== undefined ? ` in ${formatDuration(num(d.durationMs)!)}` : ''}`;
      break;
    case 'skill:started':
    case 'skill:completed':
      text = `${str(d.skillName) ?? ''}${step(d)}${num(d.durationMs) !== undefined ? ` ${formatDuration(num(d.durationMs)!)}` : ''}`;
      break;
    case 'skill:failed':
      text = `${str(d.skillName) ?? ''}${step(d)}: ${str(d.error) ?? 'failed'}`;
      break;
    case 'checkpoint:created':
      text = `${str(d.label) ?? str(d.checkpointId) ?? ''}${Array.isArray(d.files) ? ` (${d.files.length} files)` : ''}`;
      break;
    case 'file:changed':
      text = `${str(d.operation) ? `${d.operation} ` : ''}${str(d.path) ?? ''}`;
      break;
    default:
      text = str(d.line) ?? str(d.message) ?? compactJson(d);
  }
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
}

/** 1.2 s, 3 m 05 s, 1 h 02 m. */
export function formatDuration(ms: number): string {
  if (!Number.isFinite(ms) || ms < 0) return '';
  if (ms < 1000) return `${Math.round(ms)} ms`;
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const totalSeconds = Math.floor(seconds);
  const minutes = Math.floor(totalSeconds / 60);
  if (minutes < 60) return `${minutes} m ${pad(totalSeconds % 60)} s`;
  return `${Math.floor(minutes / 60)} h ${pad(minutes % 60)} m`;
}

/** Elapsed clock for the header: 0:07, 12:34, 1:02:03. */
export function formatClock(ms: number): string {
  const total = Math.max(0, Math.floor(ms / 1000));
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  return h > 0 ? `${h}:${pad(m)}:${pad(s)}` : `${m}:${pad(s)}`;
}

/** Event time: absolute local wall clock, or offset from the session start (+m:ss.mmm). */
export function formatEventTime(ts: string, mode: TimeMode, originMs: number | undefined): string {
  const t = Date.parse(ts);
  if (Number.isNaN(t)) return ts;
  if (mode === 'relative' && originMs !== undefined) {
    const delta = t - originMs;
    const sign = delta < 0 ? '-' : '+';
    const abs = Math.abs(delta);
    return `${sign}${formatClock(abs)}.${pad(abs % 1000, 3)}`;
  }
  const date = new Date(t);
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

export function shortSessionLabel(task: string | undefined, id: string): string {
  const label = task && task.trim() ? task.trim() : id;
  return label.length > 60 ? `${label.slice(0, 60)}…` : label;
}
