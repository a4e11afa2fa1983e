// Data schemas of the skill family (./skill.ts) and its summary slice.
import * as z from 'zod';
import { count, durationMs, text } from './common.schema';

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

export const skillSchemas = {
  'skill:started': SkillStartedData,
  'skill:completed': SkillCompletedData,
  'skill:failed': SkillFailedData,
} as const;

/** One run of a skill in the summary's `skills`. */
export const SkillRun = z.object({
  name: z.string(),
  status: z.enum(['running', 'completed', 'failed']),
  stepIndex: z.number().int().optional(),
  stepsTotal: z.number().int().optional(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  error: z.string().optional(),
});
export type SkillRun = z.infer<typeof SkillRun>;
