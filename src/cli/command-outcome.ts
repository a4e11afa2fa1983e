// What a session becomes when its terminal command ends and the CLI sent no final event itself.
// Shannon exits 130 on Ctrl-C and 1 on failure, and on either it may die before reporting.

export type CommandOutcome =
  | { kind: 'execution:cancelled'; data: { exitCode: number; reason: string } }
  | { kind: 'execution:failed'; data: { exitCode: number; error: string } }
  /** Exit 0, or an unknown exit code: the run ended but we cannot say how. */
  | { kind: 'lost'; reason: string };

export const SIGINT_EXIT_CODE = 130;

export function outcomeForExit(exitCode: number | undefined, how: 'command-ended' | 'terminal-closed'): CommandOutcome {
  if (exitCode === SIGINT_EXIT_CODE) {
    return { kind: 'execution:cancelled', data: { exitCode, reason: 'interrupted (Ctrl-C)' } };
  }
  if (exitCode !== undefined && exitCode !== 0) {
    return { kind: 'execution:failed', data: { exitCode, error: `the Shannon CLI exited with code ${exitCode} without reporting an end` } };
  }
  const what = how === 'terminal-closed' ? 'the terminal was closed' : 'the command ended';
  return { kind: 'lost', reason: exitCode === 0 ? `${what} (exit 0) without a final report` : `${what} without a final report` };
}
