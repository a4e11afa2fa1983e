// Support for the legacy-port integration tests: a `shannon` command that is python-socketio
// (today's CLI's client library) connecting the moment it starts, and small probes.
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { EXTENSION_ID, waitFor, workspaceDir } from './shannon-do-support';

export const PYTHON = '/usr/bin/python3';

export function canConnect(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export function hasPythonSocketIo(): boolean {
  return spawnSync(PYTHON, ['-c', 'import socketio, aiohttp'], { stdio: 'ignore' }).status === 0;
}

export function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A folder with a `shannon` command: python-socketio connecting to the legacy port the moment it
 * starts (no delay at all, stricter than today's CLI), then replaying a recorded run under the
 * `--session-id` it was given. Returns the folder (for PATH) and the script.
 */
export function writeFakeShannon(legacyPort: number): { binDir: string; script: string } {
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const client = path.join(extensionPath, 'test', 'fixtures', 'cli', 'python-socketio-shannon.py');
  const run = path.join(extensionPath, 'test', 'fixtures', 'legacy', 'current-cli-run.json');
  const binDir = path.join(process.env.SHANNON_TEST_RUN_DIR!, 'typed-bin');
  mkdirSync(binDir, { recursive: true });
  const script = path.join(binDir, 'shannon');
  writeFileSync(
    script,
    `#!/bin/sh\nexec ${PYTHON} ${shellQuote(client)} --url http://localhost:${legacyPort} --run ${shellQuote(run)} "$@"\n`,
  );
  chmodSync(script, 0o755);
  return { binDir, script };
}

export async function terminalWithShellIntegration(name: string): Promise<vscode.Terminal> {
  const terminal = vscode.window.createTerminal({ name, cwd: workspaceDir() });
  terminal.show();
  await waitFor('shell integration in the terminal', () => terminal.shellIntegration !== undefined, 20_000);
  return terminal;
}
