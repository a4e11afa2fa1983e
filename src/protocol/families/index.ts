// The registry of event families. The hub's reducer, the legacy mapping, the journal and the
// Monitor's event list look kinds up here instead of switching on kind names; a kind no family
// knows is still stored and shown, as a plain row with its data as JSON.
// Zod-free like the family modules: the webview imports it. Schemas: ./schemas.ts.
import type { SessionSummary } from '../session';
import type { EventEnvelope } from '../wire';
import { agentFamily } from './agent';
import { checkpointFamily } from './checkpoint';
import { controlFamily } from './control';
import { decisionFamily } from './decision';
import { executionFamily } from './execution';
import { compactJson, str, type EventFamily, type KindSpec, type RowTone } from './family';
import { fileFamily } from './file';
import { logFamily } from './log';
import { skillFamily } from './skill';
import { validationFamily } from './validation';

export type { EventFamily, KindSpec, RowTone } from './family';

/** Every family, in the order their panels appear. */
export const EVENT_FAMILIES: readonly EventFamily[] = [
  executionFamily,
  skillFamily,
  checkpointFamily,
  fileFamily,
  validationFamily,
  agentFamily,
  decisionFamily,
  controlFamily,
  logFamily,
];

const KIND_SPECS = new Map<string, KindSpec>();
const FAMILY_OF_KIND = new Map<string, EventFamily>();
for (const family of EVENT_FAMILIES) {
  for (const [kind, spec] of Object.entries(family.kinds)) {
    KIND_SPECS.set(kind, spec);
    FAMILY_OF_KIND.set(kind, family);
  }
}

/** The family that defines a kind, or undefined for a kind no family knows. */
export function familyOf(kind: string): EventFamily | undefined {
  return FAMILY_OF_KIND.get(kind);
}

/** Every kind some family defines. */
export function knownKinds(): string[] {
  return [...KIND_SPECS.keys()];
}

/** Kinds that end a session: after one of these, a disconnect is not a loss. */
export const FINAL_EVENT_KINDS: ReadonlySet<string> = new Set(EVENT_FAMILIES.flatMap((f) => f.finalKinds ?? []));

/** The summary's array fields, each kept identical across deltas by the webview when unchanged. */
export const SUMMARY_ARRAYS: readonly (keyof SessionSummary)[] = EVENT_FAMILIES.flatMap((f) => f.summaryArrays);

const MAX_SUMMARY = 400;

/** One line describing an event: the family's text for known kinds, the line, message or JSON otherwise. */
export function summarizeEvent(event: EventEnvelope): string {
  const spec = KIND_SPECS.get(event.kind);
  const d = event.data;
  const text = spec ? spec.summary(d) : (nonEmpty(d.line) ?? nonEmpty(d.message) ?? compactJson(d));
  return text.length > MAX_SUMMARY ? `${text.slice(0, MAX_SUMMARY)}…` : text;
}

function nonEmpty(value: unknown): string | undefined {
  const s = str(value);
  return s ? s : undefined;
}

/** The colour of an event's row; a kind no family knows is coloured by its name's ending. */
export function rowTone(event: EventEnvelope): RowTone {
  const spec = KIND_SPECS.get(event.kind);
  if (spec) return typeof spec.tone === 'function' ? spec.tone(event.data) : spec.tone;
  const kind = event.kind;
  if (kind.endsWith(':failed')) return 'bad';
  if (kind.endsWith(':completed')) return 'good';
  if (kind.endsWith(':halted')) return 'warn';
  return 'plain';
}

/** The summary fields every family starts a session with (empty arrays). */
export function initFamilySlices(summary: SessionSummary): void {
  for (const family of EVENT_FAMILIES) family.initSummary?.(summary);
}

/** Fold an event into the slice of its family; `next` is the reducer's fresh copy. */
export function reduceFamilySlice(next: SessionSummary, event: EventEnvelope): void {
  FAMILY_OF_KIND.get(event.kind)?.reduce?.(next, event);
}

// --- The legacy CLI's vocabulary, gathered from the families ---

const UNDERSCORE_FAMILIES = new Set(EVENT_FAMILIES.filter((f) => f.legacy?.underscore).map((f) => f.name));
const LEGACY_ALIASES = new Map<string, string>(EVENT_FAMILIES.flatMap((f) => Object.entries(f.legacy?.aliases ?? {})));
const LEGACY_NORMALIZED = new Map<string, EventFamily>();
for (const family of EVENT_FAMILIES) {
  for (const [kind, spec] of Object.entries(family.kinds))
    if (spec.legacy === 'normalize') LEGACY_NORMALIZED.set(kind, family);
  for (const kind of family.legacy?.vocabularyOnly ?? []) LEGACY_NORMALIZED.set(kind, family);
}

/** `execution_progress` -> `execution:progress`; `file:modified`/`file_changed`/`file:created` -> `file:changed`. */
export function normalizeEventType(eventType: string): string {
  let kind = eventType.trim();
  const underscore = kind.indexOf('_');
  if (
    underscore > 0 &&
    !kind.includes(':') &&
    UNDERSCORE_FAMILIES.has(kind.slice(0, underscore)) &&
    underscore < kind.length - 1
  )
    kind = `${kind.slice(0, underscore)}:${kind.slice(underscore + 1)}`;
  return LEGACY_ALIASES.get(kind) ?? kind;
}

/**
 * The family whose legacy fields a kind's payload is normalized by (camelCase, seconds, renames),
 * or undefined when the payload is kept as sent.
 */
export function legacyFamilyOf(kind: string): EventFamily | undefined {
  return LEGACY_NORMALIZED.get(kind);
}
