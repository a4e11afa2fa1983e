// Data schemas of the validation family (./validation.ts) and its summary slice. The check name is
// optional: a check without one is shown as "check" rather than refused.
import * as z from 'zod';
import { durationMs, text } from './common.schema';

const checkName = z.string().max(1000);

export const ValidationStartedData = z.looseObject({
  checkName: checkName.optional(),
  command: text.optional(),
});
export const ValidationOutputData = z.looseObject({
  checkName: checkName.optional(),
  line: text.optional(),
  stream: z.enum(['stdout', 'stderr']).optional(),
});
export const ValidationCompletedData = z.looseObject({
  checkName: checkName.optional(),
  success: z.boolean().optional(),
  exitCode: z.number().int().optional(),
  durationMs: durationMs.optional(),
});

export const validationSchemas = {
  'validation:started': ValidationStartedData,
  'validation:output': ValidationOutputData,
  'validation:completed': ValidationCompletedData,
} as const;

/** One run of a check in the summary's `checks` (its output lines are events, not summary). */
export const ValidationCheck = z.object({
  name: z.string(),
  command: z.string().optional(),
  status: z.enum(['running', 'passed', 'failed']),
  exitCode: z.number().int().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
});
export type ValidationCheck = z.infer<typeof ValidationCheck>;
