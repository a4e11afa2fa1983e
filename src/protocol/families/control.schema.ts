// Data schema of the control family (./control.ts) and its summary slice.
import * as z from 'zod';
import { text } from './common.schema';

/** A reporter's answer to any control frame (matched by the frame's id). */
export const ControlResultData = z.looseObject({
  id: z.string().min(1).max(200),
  ok: z.boolean(),
  message: text.optional(),
});

export const controlSchemas = { 'control:result': ControlResultData } as const;

/** A control the hub sent to the run (recorded when sent) and the run's control:result for it. */
export const ControlState = z.object({
  id: z.string(),
  /** halt, resume, cancel, decide, instruct; unknown for a result whose control this hub did not send. */
  command: z.string().max(50).optional(),
  sentAt: z.string().optional(),
  text: z.string().optional(),
  decisionId: z.string().optional(),
  optionId: z.string().optional(),
  result: z.object({ ok: z.boolean(), message: z.string().optional(), at: z.string() }).optional(),
});
export type ControlState = z.infer<typeof ControlState>;
