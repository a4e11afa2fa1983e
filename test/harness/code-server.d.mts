// Types for code-server.mjs, so TypeScript tests (test/e2e) can use it.
export const repoRoot: string;
export const fixtureWorkspace: string;
export const vsixPath: string;
export const defaultUserSettings: Record<string, unknown>;
export function makeTempDir(prefix: string): string;
export function removeTempDir(dir: string): void;
export function copyFixtureWorkspace(targetParent: string): string;
export function installVsix(vsix: string, extensionsDir: string, userDataDir: string, baseDir: string): void;

export interface StartCodeServerOptions {
  port?: number;
  vsix?: string;
  extensionsDir?: string;
  userDataDir?: string;
  smokeTestDriver?: boolean;
  env?: Record<string, string>;
  settings?: Record<string, unknown>;
  onOutput?: (text: string) => void;
  startTimeoutMs?: number;
}
export interface CodeServer {
  url: string;
  port: number;
  baseDir: string;
  userDataDir: string;
  extensionsDir: string;
  output(): string;
  /** Resolves with code-server's exit code (or signal) when it exits, for whatever reason. */
  exited: Promise<number | string | null>;
  stop(): Promise<void>;
}
export function startCodeServer(options?: StartCodeServerOptions): Promise<CodeServer>;
export function workbenchUrl(server: CodeServer, folder: string, payload?: Array<[string, string]>): string;
export function freePort(): Promise<number>;
export function testUserSettings(): Promise<Record<string, unknown>>;
export const testWorkbenchEnv: Record<string, string>;
