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
    // 126/127 are the shell's own codes: the CLI never ran, so say that rather than "it failed".
    const error =
      exitCode === 127
        ? "the shell could not find the Shannon CLI (exit code 127); check shannon.cli.path and the terminal's PATH"
        : exitCode === 126
          ? 'the shell could not run the Shannon CLI (exit code 126: not executable)'
          : `the Shannon CLI exited with code ${exitCode} without reporting an end`;
    return { kind: 'execution:failed', data: { exitCode, error } };
  }
  const what = how === 'terminal-closed' ? 'the terminal was closed' : 'the command ended';
  return {
    kind: 'lost',
    reason: exitCode === 0 ? `${what} (exit 0) without a final report` : `${what} without a final report`,
  };
}
