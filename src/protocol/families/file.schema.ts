// Data schema of the file family (./file.ts).
import * as z from 'zod';

export const FileChangedData = z.looseObject({
  path: z.string().min(1),
  operation: z.string().optional(),
});

export const fileSchemas = { 'file:changed': FileChangedData } as const;
