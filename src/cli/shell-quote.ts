// Quoting a command line for the shell of a terminal without shell integration, where we must
// type the command as text. Each argument must arrive at the program as one literal string: no
// expansion of variables, globs, command substitution, history, or separators.
//
// Task text has already been refused if it contains control characters (src/cli/task-text.ts);
// these functions still never emit a raw newline, because they only wrap and escape.

export type ShellKind = 'posix' | 'fish' | 'pwsh' | 'cmd';

/** Guess the quoting rules from a shell's executable path or name (`/bin/zsh`, `pwsh.exe`, `C:\\...\\cmd.exe`). */
export function detectShellKind(
  shellPath: string | undefined,
  platform: NodeJS.Platform = process.platform,
): ShellKind {
  const name = (shellPath ?? '')
    .split(/[\\/]/)
    .pop()!
    .toLowerCase()
    .replace(/\.exe$/, '');
  if (name === 'fish') return 'fish';
  if (name === 'pwsh' || name === 'powershell' || name === 'pwsh-preview') return 'pwsh';
  if (name === 'cmd') return 'cmd';
  if (['bash', 'zsh', 'sh', 'dash', 'ash', 'ksh', 'mksh', 'busybox', 'gitbash'].includes(name)) return 'posix';
  // Unknown or missing: VS Code's own default is PowerShell on Windows and a POSIX shell elsewhere.
  return platform === 'win32' ? 'pwsh' : 'posix';
}

/**
 * POSIX sh, bash, zsh: inside single quotes nothing is special; a quote is closed, escaped, reopened.
 * Only plain words stay bare; `=` and `%` are not among them (zsh expands a leading `=cmd` to a path,
 * fish 2 a leading `%` to a process id).
 */
export function quotePosix(arg: string): string {
  if (/^[\w@+:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** fish: single quotes, where only backslash and the single quote need a backslash. */
export function quoteFish(arg: string): string {
  if (/^[\w@+:,./-]+$/.test(arg)) return arg;
  return `'${arg.replace(/[\\']/g, '\\$&')}'`;
}

/**
 * PowerShell: single-quoted strings are verbatim; a quote is doubled. PowerShell also treats the
 * typographic single quotes as quote characters, so those are doubled too.
 */
export function quotePwsh(arg: string): string {
  return `'${arg.replace(/['\u2018\u2019\u201a\u201b]/g, '$&$&')}'`;
}

/**
 * cmd.exe: first quote for the program's own argv parser (MSVCRT rules: backslashes are literal
 * except before a quote), then put a caret before every character cmd treats specially. The quotes
 * are caret-escaped too, so cmd never enters a quoted region in which `&` or `|` would be read
 * differently from what we expect. A batch file target (.cmd/.bat) parses its arguments a second
 * time, so they are escaped twice.
 */
export function quoteCmd(arg: string, options: { batchTarget?: boolean } = {}): string {
  let quoted = '"';
  let backslashes = 0;
  for (const char of arg) {
    if (char === '\\') {
      backslashes++;
      continue;
    }
    if (char === '"') {
      quoted += '\\'.repeat(backslashes * 2 + 1) + '"';
    } else {
      quoted += '\\'.repeat(backslashes) + char;
    }
    backslashes = 0;
  }
  quoted += '\\'.repeat(backslashes * 2) + '"';
  const escapeOnce = (text: string) => text.replace(/[()%!^"<>&|]/g, '^$&');
  const once = escapeOnce(quoted);
  return options.batchTarget ? escapeOnce(once) : once;
}

/** The full command line for a shell: the executable first, then each argument, all quoted. */
export function buildCommandLine(kind: ShellKind, executable: string, args: readonly string[]): string {
  switch (kind) {
    case 'posix':
      return [executable, ...args].map(quotePosix).join(' ');
    case 'fish':
      return [executable, ...args].map(quoteFish).join(' ');
    case 'pwsh':
      // `&` runs a quoted path as a command instead of echoing it as a string.
      return ['&', quotePwsh(executable), ...args.map(quotePwsh)].join(' ');
    case 'cmd': {
      const batchTarget = /\.(cmd|bat)$/i.test(executable);
      // The program path is plainly double-quoted: Windows paths cannot contain `"`, and cmd finds
      // the program by its quoted name (a caret-escaped name would not be looked up the same way).
      const program = /^[\w:\\/.-]+$/.test(executable) ? executable : `"${executable}"`;
      return [program, ...args.map((arg) => quoteCmd(arg, { batchTarget }))].join(' ');
    }
  }
}
