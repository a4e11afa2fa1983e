// Data schemas of the agent family (./agent.ts) and its summary slice.
import * as z from 'zod';
import { durationMs, text } from './common.schema';

const agentId = z.string().max(1000);

export const AgentSpawnedData = z.looseObject({
  agentId: agentId.optional(),
  role: z.string().optional(),
  skillName: z.string().optional(),
});
export const AgentProgressData = z.looseObject({
  agentId: agentId.optional(),
  message: text.optional(),
  progress: z.number().min(0).max(100).optional(),
});
export const AgentCompletedData = z.looseObject({
  agentId: agentId.optional(),
  success: z.boolean().optional(),
  durationMs: durationMs.optional(),
});
export const AgentFailedData = z.looseObject({
  agentId: agentId.optional(),
  error: text.optional(),
  durationMs: durationMs.optional(),
});

export const agentSchemas = {
  'agent:spawned': AgentSpawnedData,
  'agent:progress': AgentProgressData,
  'agent:completed': AgentCompletedData,
  'agent:failed': AgentFailedData,
} as const;

/** One agent in the summary's `agents`. */
export const AgentRun = z.object({
  id: z.string(),
  role: z.string().optional(),
  skillName: z.string().optional(),
  status: z.enum(['active', 'completed', 'failed']),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  durationMs: z.number().optional(),
  /** The last progress message. */
  lastActivity: z.string().optional(),
  lastActivityAt: z.string().optional(),
  progress: z.number().optional(),
  error: z.string().optional(),
});
export type AgentRun = z.infer<typeof AgentRun>;
