// Data schemas of the decision family (./decision.ts) and its summary slice.
import * as z from 'zod';

export const MAX_DECISION_OPTIONS = 20;
const decisionId = z.string().min(1).max(200);
const optionId = z.string().min(1).max(100);

export const DecisionOption = z.looseObject({
  id: optionId,
  label: z.string().min(1).max(200),
  description: z.string().max(1000).optional(),
});
/**
 * A question the run asks the person watching. `autoResolveAt` is when the CLI will take the
 * default by itself (the Monitor counts down to it). Option ids are unique and the default is one
 * of them, or the buttons could not say which one a click picks.
 */
export const DecisionRequestedData = z
  .looseObject({
    decisionId,
    question: z.string().min(1).max(4000),
    options: z.array(DecisionOption).min(1).max(MAX_DECISION_OPTIONS),
    defaultOptionId: optionId.optional(),
    autoResolveAt: z.iso.datetime({ offset: true, local: true }).optional(),
  })
  .refine((data) => new Set(data.options.map((option) => option.id)).size === data.options.length, {
    message: 'option ids must be unique',
    path: ['options'],
  })
  .refine(
    (data) => data.defaultOptionId === undefined || data.options.some((option) => option.id === data.defaultOptionId),
    { message: 'defaultOptionId must be the id of one of the options', path: ['defaultOptionId'] },
  );
export const DecisionResolvedData = z.looseObject({
  decisionId,
  optionId,
  /** user: answered (in VS Code or the CLI's own prompt); default: autoResolveAt passed; cli: the run decided. */
  by: z.enum(['user', 'default', 'cli']),
});

export const decisionSchemas = {
  'decision:requested': DecisionRequestedData,
  'decision:resolved': DecisionResolvedData,
} as const;

/** A decision in the summary's `decisions`: asked, its answer on its way, how it was resolved. */
export const DecisionState = z.object({
  decisionId: z.string(),
  question: z.string(),
  options: z.array(z.object({ id: z.string(), label: z.string(), description: z.string().optional() })),
  defaultOptionId: z.string().optional(),
  autoResolveAt: z.string().optional(),
  requestedAt: z.string(),
  /** Set by the hub the moment an answer is sent: a second answer is then refused on every surface. */
  answer: z.object({ optionId: z.string(), controlId: z.string(), at: z.string() }).optional(),
  resolved: z.object({ optionId: z.string(), by: z.enum(['user', 'default', 'cli']), at: z.string() }).optional(),
});
export type DecisionState = z.infer<typeof DecisionState>;
