// Event kinds and their typed `data`. One schema per known kind; every data object is loose
// (extra fields are kept) so a newer reporter never loses information on its way to the views.
// A valid envelope with an unknown kind is accepted as-is: forward compatible by design.
import * as z from 'zod';

const text = z.string().max(64 * 1024);
const count = z.number().int().nonnegative();
// Step numbers (`stepIndex`, `currentStep`) are zero-based, as Shannon's own `step_index`;
// views add one when they show them. `stepsTotal` is a count.
const durationMs = z.number().nonnegative();

export const ExecutionStartedData = z.looseObject({
  task: text.optional(),
  planId: z.string().optional(),
  stepsTotal: count.optional(),
  cwd: z.string().optional(),
  command: z.array(z.string()).optional(),
});
export const ExecutionProgressData = z.looseObject({
  progress: z.number().min(0).max(100).optional(),
  message: text.optional(),
  thinking: z.boolean().optional(),
  currentStep: count.optional(),
  stepsTotal: count.optional(),
});
export const ExecutionHaltedData = z.looseObject({
  reason: text.optional(),
  currentStep: count.optional(),
  stepsTotal: count.optional(),
});
export const ExecutionResumedData = z.looseObject({
  currentStep: count.optional(),
  stepsRemaining: count.optional(),
});
export const ExecutionCompletedData = z.looseObject({
  success: z.boolean().optional(),
  durationMs: durationMs.optional(),
  exitCode: z.number().int().optional(),
  filesCreated: z.array(z.string()).optional(),
  stepsCompleted: count.optional(),
  stepsTotal: count.optional(),
});
export const ExecutionFailedData = z.looseObject({
  error: text.optional(),
  exitCode: z.number().int().optional(),
  durationMs: durationMs.optional(),
});
export const ExecutionCancelledData = z.looseObject({
  reason: text.optional(),
  exitCode: z.number().int().optional(),
});
export const SkillStartedData = z.looseObject({
  skillName: z.string().min(1),
  skillId: z.string().optional(),
  stepIndex: count.optional(),
  stepsTotal: count.optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
});
export const SkillCompletedData = z.looseObject({
  skillName: z.string().min(1),
  stepIndex: count.optional(),
  durationMs: durationMs.optional(),
});
export const SkillFailedData = z.looseObject({
  skillName: z.string().min(1),
  stepIndex: count.optional(),
  error: text.optional(),
});
export const CheckpointCreatedData = z.looseObject({
  checkpointId: z.string().min(1),
  label: z.string().optional(),
  skillName: z.string().optional(),
  files: z.array(z.string()).optional(),
});
export const FileChangedData = z.looseObject({
  path: z.string().min(1),
  operation: z.string().optional(),
});
export const LogData = z.looseObject({
  level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  message: text,
});
/** validation:* (started/output/completed): loose, fields as the CLI sends them, normalized. */
export const ValidationData = z.looseObject({
  checkName: z.string().optional(),
  command: z.string().optional(),
  line: text.optional(),
  stream: z.enum(['stdout', 'stderr']).optional(),
  success: z.boolean().optional(),
  exitCode: z.number().int().optional(),
});
/** agent:* (spawned/progress/completed). */
export const AgentData = z.looseObject({
  agentId: z.string().optional(),
  role: z.string().optional(),
  skillName: z.string().optional(),
  success: z.boolean().optional(),
  durationMs: durationMs.optional(),
});

export const KNOWN_EVENT_DATA = {
  'execution:started': ExecutionStartedData,
  'execution:progress': ExecutionProgressData,
  'execution:halted': ExecutionHaltedData,
  'execution:resumed': ExecutionResumedData,
  'execution:completed': ExecutionCompletedData,
  'execution:failed': ExecutionFailedData,
  'execution:cancelled': ExecutionCancelledData,
  'skill:started': SkillStartedData,
  'skill:completed': SkillCompletedData,
  'skill:failed': SkillFailedData,
  'checkpoint:created': CheckpointCreatedData,
  'file:changed': FileChangedData,
  log: LogData,
} as const;

export type KnownEventKind = keyof typeof KNOWN_EVENT_DATA;
export type EventDataOf<K extends KnownEventKind> = z.infer<(typeof KNOWN_EVENT_DATA)[K]>;

/** The schema for an event kind's data, or undefined for kinds we do not know (stored as-is). */
export function dataSchemaFor(kind: string): z.ZodType<Record<string, unknown>> | undefined {
  if (Object.hasOwn(KNOWN_EVENT_DATA, kind)) return KNOWN_EVENT_DATA[kind as KnownEventKind];
  if (kind.startsWith('validation:')) return ValidationData;
  if (kind.startsWith('agent:')) return AgentData;
  return undefined;
}

/** Kinds that end a session: after one of these, a disconnect is not a loss. */
export const FINAL_EVENT_KINDS = new Set(['execution:completed', 'execution:failed', 'execution:cancelled']);
