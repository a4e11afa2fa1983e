// Event kinds and their typed `data`. Each family module under ./families declares its kinds and
// their data schemas once; this module gathers them for the trust boundaries (native frames,
// legacy payloads, the reporter library). A valid envelope with a kind no family knows is
// accepted as-is: forward compatible by design.
import type * as z from 'zod';
import { KIND_DATA_SCHEMAS } from './families/schemas';

export * from './families/schemas';
export { FINAL_EVENT_KINDS } from './families/index';

export const KNOWN_EVENT_DATA = KIND_DATA_SCHEMAS;

export type KnownEventKind = keyof typeof KNOWN_EVENT_DATA;
export type EventDataOf<K extends KnownEventKind> = z.infer<(typeof KNOWN_EVENT_DATA)[K]>;

/** The schema for an event kind's data, or undefined for kinds no family knows (stored as-is). */
export function dataSchemaFor(kind: string): z.ZodType<Record<string, unknown>> | undefined {
  if (Object.hasOwn(KNOWN_EVENT_DATA, kind)) return KNOWN_EVENT_DATA[kind as KnownEventKind];
  return undefined;
}
