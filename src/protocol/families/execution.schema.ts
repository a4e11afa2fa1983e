// Data schemas of the execution family (./execution.ts). Every data object is loose (extra fields
// are kept) so a newer reporter never loses information on its way to the views.
import * as z from 'zod';
import { count, durationMs, text } from './common.schema';

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

export const executionSchemas = {
  'execution:started': ExecutionStartedData,
  'execution:progress': ExecutionProgressData,
  'execution:halted': ExecutionHaltedData,
  'execution:resumed': ExecutionResumedData,
  'execution:completed': ExecutionCompletedData,
  'execution:failed': ExecutionFailedData,
  'execution:cancelled': ExecutionCancelledData,
} as const;
