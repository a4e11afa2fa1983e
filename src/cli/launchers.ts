// Launcher scripts that put the bundled `shannon-hub` on the PATH of integrated terminals. They run
// it with the extension host's own runtime (process.execPath), because the user's machine may have
// no `node` at all; in desktop VS Code that runtime is Electron, which behaves as plain Node only
// with ELECTRON_RUN_AS_NODE=1.
import { quotePosix } from './shell-quote';

export interface LauncherTarget {
  /** Absolute path of the runtime executable (process.execPath of the extension host). */
  runtime: string;
  /** Absolute path of dist/shannon-hub.js. */
  script: string;
}

/** For sh, bash, zsh, fish (all run it through the shebang). */
export function posixLauncher(target: LauncherTarget): string {
  return [
    '#!/bin/sh',
    '# Written by the Shannon extension on activation; rewritten on every start.',
    `ELECTRON_RUN_AS_NODE=1 exec ${quotePosix(target.runtime)} ${quotePosix(target.script)} "$@"`,
    '',
  ].join('\n');
}

/** For cmd and PowerShell on Windows (PowerShell runs .cmd files found on PATH). */
export function cmdLauncher(target: LauncherTarget): string {
  // In a batch file `%` starts a variable; doubling it keeps a literal percent sign in a path.
  const batchPath = (value: string) => `"${value.replace(/%/g, '%%')}"`;
  return [
    '@echo off',
    'rem Written by the Shannon extension on activation; rewritten on every start.',
    'setlocal',
    'set ELECTRON_RUN_AS_NODE=1',
    `${batchPath(target.runtime)} ${batchPath(target.script)} %*`,
    '',
  ].join('\r\n');
}
