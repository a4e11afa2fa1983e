// Data schema of the file family (./file.ts).
import * as z from 'zod';

export const FileChangedData = z.looseObject({
  path: z.string().min(1),
  operation: z.string().optional(),
});

export const fileSchemas = { 'file:changed': FileChangedData } as const;

/** A file in the summary's `changes` (the Changes review): changed, or checkpointed before a change. */
export const FileChange = z.object({
  path: z.string(),
  operation: z.string().optional(),
  /** seq of the latest event that changed it: a file kept before this is unreviewed again. */
  seq: z.number().int().nonnegative(),
});
export type FileChange = z.infer<typeof FileChange>;
