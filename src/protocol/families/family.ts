// What an event family declares, once: its kinds, each kind's row text and colour, how the
// legacy CLI spells its kinds and fields, and the slice of the session summary it maintains.
// This module and every family module next to it are free of zod: the Monitor webview imports
// them (row text and colour) and its bundle must stay small. The data schemas live beside each
// family in `<family>.schema.ts`, which the hub side alone imports.
import type { EventEnvelope } from '../wire';
import type { SessionSummary } from '../session';

/** How a row of the event list is coloured: `good` (green), `bad` (red), `warn` (yellow), `plain`. */
export type RowTone = 'good' | 'bad' | 'warn' | 'plain';

export interface KindSpec {
  /** The row's one-line text (plain text, never markup). Called with unchecked data. */
  summary(data: Record<string, unknown>): string;
  /** The row's colour: fixed, or from the data (a failed check's completion is red). */
  tone: RowTone | ((data: Record<string, unknown>) => RowTone);
  /**
   * How a legacy `cli_event` of this kind is read: `normalize` = camelCase field names, seconds to
   * milliseconds, the family's `mapLegacyData`, then the kind's schema; `as-sent` = fields kept as
   * sent (the legacy CLI never sends this kind; a payload that does is shown, not judged).
   */
  legacy: 'normalize' | 'as-sent';
}

/** The legacy CLI's spellings of a family's kinds and fields. */
export interface LegacySpelling {
  /** `execution_progress` means `execution:progress` (the old dashboard's spelling of the family). */
  underscore?: boolean;
  /** Other `event_type` names that mean one of this family's kinds (`file:modified` -> `file:changed`). */
  aliases?: Readonly<Record<string, string>>;
  /** Kinds of the legacy vocabulary the family knows no more about than their field names. */
  vocabularyOnly?: readonly string[];
  /**
   * Per-kind field renames after camelCasing. `fields` are the payload's fields as sent, `data` the
   * camelCased copy to change in place; `eventType` the spelling the CLI used. May return another
   * kind of the family (the orchestrator's unsuccessful `execution:completed` is a failure).
   * `ts` is the event's time (ISO), for fields given relative to it.
   */
  mapData?(
    kind: string,
    fields: Record<string, unknown>,
    data: Record<string, unknown>,
    eventType: string,
    ts: string,
  ): string | void;
}

export interface EventFamily {
  /** The family's name: the part of its kinds before the colon (`log` has no colon). */
  readonly name: string;
  /** Every kind the family defines, with its row text, colour and legacy reading. */
  readonly kinds: Readonly<Record<string, KindSpec>>;
  readonly legacy?: LegacySpelling;
  /**
   * The summary's array fields this family maintains. The webview keeps an unchanged array
   * identical across deltas so its panel does not re-render; a field missing here costs a
   * re-render of the panel on every event.
   */
  readonly summaryArrays: readonly (keyof SessionSummary)[];
  /** Kinds that end a session: after one of these, a disconnect is not a loss. */
  readonly finalKinds?: readonly string[];
  /** Sets the family's summary fields of a new session (arrays start empty). */
  initSummary?(summary: SessionSummary): void;
  /**
   * Folds one of the family's events into `next`, a shallow copy of the previous summary that the
   * reducer may change; arrays must be replaced, never changed in place (views compare them).
   */
  reduce?(next: SessionSummary, event: EventEnvelope): void;
}

// Small readers for unchecked data: events replayed from disk or from another endpoint are read
// through these, and a field of an unexpected type is simply ignored.
export const str = (value: unknown): string | undefined => (typeof value === 'string' ? value : undefined);
export const text = (value: unknown): string | undefined =>
  typeof value === 'string' && value.length > 0 ? value : undefined;
export const num = (value: unknown): number | undefined =>
  typeof value === 'number' && Number.isFinite(value) ? value : undefined;
export const int = (value: unknown): number | undefined => (Number.isInteger(value) ? (value as number) : undefined);
export const bool = (value: unknown): boolean | undefined => (typeof value === 'boolean' ? value : undefined);
export const strings = (value: unknown): string[] | undefined =>
  Array.isArray(value) && value.every((item) => typeof item === 'string') ? (value as string[]) : undefined;

export function millisBetween(from: string | undefined, to: string): number | undefined {
  if (!from) return undefined;
  const ms = Date.parse(to) - Date.parse(from);
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * "step k/n" for a zero-based step index (Shannon's step_index counts from 0; people count from 1).
 * Empty when the index is unknown.
 */
export function stepLabel(index: number | undefined, total: number | undefined): string {
  if (index === undefined) return '';
  return total ? `step ${index + 1}/${total}` : `step ${index + 1}`;
}

/** " (step k/n)" from an event's stepIndex or currentStep, or nothing. */
export function stepSuffix(data: Record<string, unknown>): string {
  const label = stepLabel(num(data.stepIndex) ?? num(data.currentStep), num(data.stepsTotal));
  return label ? ` (${label})` : '';
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

/** The data as compact JSON for a row with nothing better to say; empty for `{}`. */
export function compactJson(data: Record<string, unknown>): string {
  try {
    const json = JSON.stringify(data);
    return json === '{}' ? '' : json;
  } catch {
    return '';
  }
}
