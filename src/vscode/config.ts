// Typed access to the `shannon.*` settings, read fresh each time they matter (VS Code caches the
// configuration itself, and a changed setting should apply to the next Shannon: Do at once).
import * as vscode from 'vscode';
import { DEFAULT_CLI_ARGS } from '../cli/args-template';
import type { LegacyListenMode } from '../protocol/session';

export const CONFIG_SECTION = 'shannon';

export interface ShannonConfig {
  cliPath: string;
  cliArgs: string[];
  connectTimeoutMs: number;
  legacy: { mode: LegacyListenMode; port: number };
  notificationsEnabled: boolean;
  history: { maxSessions: number; maxBytes: number };
  hubPort: number;
}

function stringArray(value: unknown): string[] | undefined {
  return Array.isArray(value) && value.every((item) => typeof item === 'string') ? value : undefined;
}

function portNumber(value: unknown, fallback: number): number {
  return Number.isInteger(value) && (value as number) >= 0 && (value as number) <= 65535 ? (value as number) : fallback;
}

function positive(value: unknown, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? value : fallback;
}

const LISTEN_MODES: readonly LegacyListenMode[] = ['auto', 'always', 'off'];

/**
 * `shannon.legacy.listen` when the user set it anywhere; otherwise the deprecated
 * `shannon.legacy.enabled: false` still means off, and everything else the default, auto.
 */
function legacyListenMode(config: vscode.WorkspaceConfiguration): LegacyListenMode {
  const listen = config.inspect<string>('legacy.listen');
  const explicit = listen?.workspaceFolderValue ?? listen?.workspaceValue ?? listen?.globalValue;
  if (LISTEN_MODES.includes(explicit as LegacyListenMode)) return explicit as LegacyListenMode;
  if (config.get<boolean>('legacy.enabled') === false) return 'off';
  const value = config.get<string>('legacy.listen');
  return LISTEN_MODES.includes(value as LegacyListenMode) ? (value as LegacyListenMode) : 'auto';
}

export function readConfig(): ShannonConfig {
  const config = vscode.workspace.getConfiguration(CONFIG_SECTION);
  const cliPath = config.get<string>('cli.path');
  return {
    cliPath: typeof cliPath === 'string' && cliPath.trim() !== '' ? cliPath.trim() : 'shannon',
    cliArgs: stringArray(config.get('cli.args')) ?? [...DEFAULT_CLI_ARGS],
    connectTimeoutMs: positive(config.get('connectTimeout'), 15) * 1000,
    legacy: {
      mode: legacyListenMode(config),
      port: portNumber(config.get('legacy.port'), 8000),
    },
    notificationsEnabled: config.get<boolean>('notifications.enabled') !== false,
    history: {
      maxSessions: Math.floor(positive(config.get('history.maxSessions'), 50)),
      maxBytes: Math.floor(positive(config.get('history.maxSizeMB'), 200) * 1024 * 1024),
    },
    hubPort: portNumber(config.get('hub.port'), 0),
  };
}

/** The PATH override a new terminal would get from `terminal.integrated.env.<platform>`, if any. */
export function terminalEnvPathSetting(): string | null | undefined {
  const platformKey = process.platform === 'win32' ? 'windows' : process.platform === 'darwin' ? 'osx' : 'linux';
  const env = vscode.workspace
    .getConfiguration('terminal.integrated.env')
    .get<Record<string, string | null>>(platformKey);
  if (!env) return undefined;
  const key = Object.keys(env).find((name) => name.toUpperCase() === 'PATH');
  return key === undefined ? undefined : env[key];
}
