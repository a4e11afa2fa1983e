// Support for the Shannon: Do integration tests: fixture CLI wrappers, settings, waiting on the
// extension's real session store, reading what the fixtures recorded.
import * as vscode from 'vscode';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import type { ShannonExtensionApi } from '../../src/extension';
import type { Hub } from '../../src/hub/hub';
import type { SessionSummary } from '../../src/protocol/session';
import { waitFor } from './wait';

export { waitFor };

export const EXTENSION_ID = 'shannon.shannon-vscode';

export async function extensionApi(): Promise<ShannonExtensionApi> {
  return vscode.extensions.getExtension<ShannonExtensionApi>(EXTENSION_ID)!.activate();
}

export async function runningHub(): Promise<Hub> {
  return (await extensionApi()).hub;
}

function runDir(): string {
  const dir = process.env.SHANNON_TEST_RUN_DIR;
  if (!dir) throw new Error('SHANNON_TEST_RUN_DIR is not set (run through the harness)');
  return dir;
}

export function workspaceDir(): string {
  return vscode.workspace.workspaceFolders![0].uri.fsPath;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}

/**
 * A `shannon`-like executable: a sh script running the fixture with the extension host's own Node
 * (there may be no `node` on PATH). Returns its absolute path.
 */
export function fixtureCli(kind: 'native' | 'legacy', name = `shannon-${kind}`): string {
  const extensionPath = vscode.extensions.getExtension(EXTENSION_ID)!.extensionPath;
  const script = path.join(extensionPath, 'test', 'fixtures', 'cli', `${kind}-shannon.mjs`);
  const binDir = path.join(runDir(), 'fixture-bin');
  mkdirSync(binDir, { recursive: true });
  const wrapper = path.join(binDir, name);
  writeFileSync(
    wrapper,
    `#!/bin/sh\nELECTRON_RUN_AS_NODE=1 exec ${shellQuote(process.execPath)} ${shellQuote(script)} "$@"\n`,
  );
  chmodSync(wrapper, 0o755);
  return wrapper;
}

let recordCounter = 0;
/** A fresh record file path for one fixture run. */
export function recordFile(label: string): string {
  const dir = path.join(runDir(), 'records');
  mkdirSync(dir, { recursive: true });
  return path.join(dir, `${label.replace(/\W+/g, '-')}-${++recordCounter}.jsonl`);
}

export interface RecordEntry {
  type: string;
  argv?: string[];
  cwd?: string;
  env?: Record<string, string | undefined>;
  command?: string;
  signal?: string;
  exitCode?: number;
  message?: string;
}

export function readRecord(file: string): RecordEntry[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter(Boolean)
    .map((line) => JSON.parse(line) as RecordEntry);
}

export async function configure(settings: Record<string, unknown>): Promise<void> {
  const config = vscode.workspace.getConfiguration();
  for (const [key, value] of Object.entries(settings)) {
    await config.update(key, value, vscode.ConfigurationTarget.Global);
  }
}

/** The args template the fixtures understand: the real CLI's arguments plus test options. */
export function fixtureArgs(record: string, ...extra: string[]): string[] {
  return ['do', '${task}', '--dashboard', '--session-id', '${sessionId}', '--record', record, ...extra];
}
export async function waitForState(
  hub: Hub,
  sessionId: string,
  state: SessionSummary['state'],
  timeoutMs = 15_000,
): Promise<SessionSummary> {
  return waitFor(
    `session ${sessionId} to be ${state} (is ${hub.store.get(sessionId)?.state ?? 'missing'})`,
    () => {
      const session = hub.store.get(sessionId);
      return session?.state === state ? session : undefined;
    },
    timeoutMs,
  );
}

/** Every state a session passes through, in order, from now on. */
export function recordStates(hub: Hub): { statesOf(sessionId: string): string[]; dispose(): void } {
  const seen = new Map<string, string[]>();
  const note = (session: SessionSummary) => {
    const states = seen.get(session.id) ?? [];
    if (states[states.length - 1] !== session.state) states.push(session.state);
    seen.set(session.id, states);
  };
  const subscription = hub.store.subscribe((change) => {
    if (change.type !== 'removed') note(change.session);
  });
  return { statesOf: (id) => seen.get(id) ?? [], dispose: () => subscription.dispose() };
}

export async function runDo(task: string): Promise<string> {
  const sessionId = await vscode.commands.executeCommand<string | undefined>('shannon.do', { task });
  if (!sessionId) throw new Error(`shannon.do started nothing for ${JSON.stringify(task)}`);
  return sessionId;
}

export async function closeShannonTerminals(): Promise<void> {
  const terminals = vscode.window.terminals.filter((terminal) => terminal.name === 'Shannon');
  for (const terminal of terminals) terminal.dispose();
  await waitFor(
    'Shannon terminals to close',
    () => vscode.window.terminals.every((terminal) => !terminals.includes(terminal)),
    10_000,
  );
}
