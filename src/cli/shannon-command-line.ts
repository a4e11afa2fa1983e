// Does a command line typed into a terminal run the Shannon CLI? Shell integration reports each
// command line as the shell saw it; when one runs `shannon …` (or the configured shannon.cli.path)
// the legacy endpoint must be listening before that CLI connects, about a second later. This is a
// recogniser, not a shell parser: it splits on the usual command separators and quotes, skips
// leading VAR=value assignments and wrappers such as `env` or `time`, and looks at the program.

export interface ShannonCommandMatch {
  /** The value of `--session-id`, when given: it lets another window's hub hand the run to us. */
  sessionId?: string;
}

/** Programs that run the command that follows them. */
const WRAPPERS = new Set(['env', 'exec', 'command', 'time', 'nohup', 'nice', 'sudo', 'builtin', 'noglob']);
/** Longer command lines are not inspected (shell integration reports whatever was typed). */
const MAX_COMMAND_LINE = 16 * 1024;

/** Words of a command line, with quotes removed; separators (`;`, `&&`, `||`, `|`, `&`) as their own words. */
export function shellWords(commandLine: string): string[] {
  const words: string[] = [];
  let current = '';
  let inWord = false;
  let quote: '"' | "'" | undefined;
  const flush = () => {
    if (inWord) words.push(current);
    current = '';
    inWord = false;
  };
  for (let i = 0; i < commandLine.length; i++) {
    const char = commandLine[i]!;
    if (quote) {
      if (char === quote) quote = undefined;
      else if (char === '\\' && quote === '"' && i + 1 < commandLine.length) current += commandLine[++i];
      else current += char;
      continue;
    }
    if (char === '"' || char === "'") {
      quote = char;
      inWord = true;
    } else if (char === '\\' && i + 1 < commandLine.length) {
      current += commandLine[++i];
      inWord = true;
    } else if (/\s/.test(char)) {
      flush();
    } else if (char === ';' || char === '|' || char === '&' || char === '(' || char === ')') {
      flush();
      words.push(char);
    } else {
      current += char;
      inWord = true;
    }
  }
  flush();
  return words;
}

function baseName(path: string): string {
  const name = path.split(/[\\/]/).pop() ?? path;
  return name.replace(/\.(exe|cmd|bat|ps1)$/i, '').toLowerCase();
}

function isAssignment(word: string): boolean {
  return /^[A-Za-z_][A-Za-z0-9_]*=/.test(word);
}

/**
 * Whether `commandLine` runs the Shannon CLI: a program named `shannon`, or the configured CLI
 * (by its path or its file name), as any command of the line.
 */
export function matchShannonCommand(commandLine: string, cliPath: string): ShannonCommandMatch | undefined {
  if (commandLine.length > MAX_COMMAND_LINE) return undefined;
  const words = shellWords(commandLine);
  const configured = cliPath.trim();
  const names = new Set(['shannon', baseName(configured)]);
  const isShannon = (word: string) => word === configured || names.has(baseName(word));

  let atProgram = true;
  for (let i = 0; i < words.length; i++) {
    const word = words[i]!;
    if (/^[;|&()]$/.test(word)) {
      atProgram = true;
      continue;
    }
    if (!atProgram) continue;
    if (isAssignment(word) || WRAPPERS.has(baseName(word)) || word.startsWith('-')) continue;
    atProgram = false;
    if (!isShannon(word)) continue;
    const match: ShannonCommandMatch = {};
    for (let j = i + 1; j < words.length && !/^[;|&()]$/.test(words[j]!); j++) {
      const arg = words[j]!;
      if (arg === '--session-id' && j + 1 < words.length) match.sessionId = words[j + 1];
      else if (arg.startsWith('--session-id=')) match.sessionId = arg.slice('--session-id='.length);
    }
    return match;
  }
  return undefined;
}
