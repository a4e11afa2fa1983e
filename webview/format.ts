// Turning events and times into short strings for the list. Everything here returns plain text;
// the components render it as text nodes, so event content can never become markup.
import type { TimeMode } from './ui-state';

export { summarizeEvent } from '../src/protocol/families/index';
export { formatDuration, stepLabel } from '../src/protocol/families/family';

function pad(n: number, width = 2): string {
  return String(n).padStart(width, '0');
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
