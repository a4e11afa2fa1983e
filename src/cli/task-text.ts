// What a task typed into Shannon: Do may contain. The text becomes one command-line argument, so
// anything a terminal could read as a line break or control sequence is refused rather than
// "cleaned": silently altering the user's task would be worse than asking them to fix it.

export const MAX_TASK_LENGTH = 4000;

export type TaskValidation =
  | { ok: true; task: string }
  | { ok: false; reason: 'empty' }
  | { ok: false; reason: 'too-long' | 'control-characters'; message: string };

// C0 and C1 control characters (incl. newline, tab, ESC, DEL) and the Unicode line/paragraph separators.
const CONTROL_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u2028\u2029]/;

export function validateTaskText(raw: string | undefined): TaskValidation {
  const task = (raw ?? '').trim();
  if (task.length === 0) return { ok: false, reason: 'empty' };
  if (task.length > MAX_TASK_LENGTH) {
    return {
      ok: false,
      reason: 'too-long',
      message: `The task is ${task.length} characters long; the limit is ${MAX_TASK_LENGTH}.`,
    };
  }
  if (CONTROL_CHARACTERS.test(task)) {
    return {
      ok: false,
      reason: 'control-characters',
      message: 'The task contains line breaks, tabs or other control characters; write it on one line.',
    };
  }
  return { ok: true, task };
}
