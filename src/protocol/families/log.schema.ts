// Data schema of the log family (./log.ts).
import * as z from 'zod';
import { text } from './common.schema';

export const LogData = z.looseObject({
  level: z.enum(['debug', 'info', 'warn', 'error']).optional(),
  message: text,
});

export const logSchemas = { log: LogData } as const;
