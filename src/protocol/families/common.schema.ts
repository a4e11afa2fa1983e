// Field schemas shared by the families' data schemas.
import * as z from 'zod';

export const text = z.string().max(64 * 1024);
export const count = z.number().int().nonnegative();
// Step numbers (`stepIndex`, `currentStep`) are zero-based, as Shannon's own `step_index`;
// views add one when they show them. `stepsTotal` is a count.
export const durationMs = z.number().nonnegative();
