// The Shannon CLI stand-in that `npm start` and the F5 "Run Extension" window give Shannon: Do:
// with SHANNON_CLI set, that CLI; otherwise a wrapper that runs test/fixtures/cli/demo-shannon.mjs
// (a paced run with skills, logs, a checkpoint on disk and a file edit) with this Node.
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { repoRoot } from './code-server.mjs';

const demoScript = path.join(repoRoot, 'test', 'fixtures', 'cli', 'demo-shannon.mjs');

/** The `shannon.cli.path` setting for Shannon: Do; a demo wrapper is written into binDir when needed. */
export function demoCliSettings(binDir) {
  if (process.env.SHANNON_CLI) return { 'shannon.cli.path': process.env.SHANNON_CLI };
  mkdirSync(binDir, { recursive: true });
  if (process.platform === 'win32') {
    // cmd.exe and PowerShell both run a .cmd; %* passes the arguments on as they came.
    const wrapper = path.join(binDir, 'shannon.cmd');
    writeFileSync(wrapper, `@"${process.execPath}" "${demoScript}" %*\r\n`);
    return { 'shannon.cli.path': wrapper };
  }
  const quote = (text) => `'${text.replace(/'/g, `'\\''`)}'`;
  const wrapper = path.join(binDir, 'shannon');
  writeFileSync(wrapper, `#!/bin/sh\nexec ${quote(process.execPath)} ${quote(demoScript)} "$@"\n`, { mode: 0o755 });
  return { 'shannon.cli.path': wrapper };
}
