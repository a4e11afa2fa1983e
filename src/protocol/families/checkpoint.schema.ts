// Data schema of the checkpoint family (./checkpoint.ts) and its summary slice.
import * as z from 'zod';

export const CheckpointCreatedData = z.looseObject({
  checkpointId: z.string().min(1),
  label: z.string().optional(),
  skillName: z.string().optional(),
  files: z.array(z.string()).optional(),
});

export const checkpointSchemas = { 'checkpoint:created': CheckpointCreatedData } as const;

/** A checkpoint in the summary's `checkpoints`. */
export const CheckpointRef = z.object({
  id: z.string(),
  label: z.string().optional(),
  skillName: z.string().optional(),
  ts: z.string(),
  files: z.array(z.string()).optional(),
});
export type CheckpointRef = z.infer<typeof CheckpointRef>;
