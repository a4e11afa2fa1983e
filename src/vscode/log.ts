// The "Shannon" log channel (a LogOutputChannel, so users pick the level and get timestamps), and
// the adapter that lets the hub write connections, refusals and transitions into it.
import * as vscode from 'vscode';
import type { HubLogger } from '../hub/logger';

export function createLogChannel(): vscode.LogOutputChannel {
  return vscode.window.createOutputChannel('Shannon', { log: true });
}

export function hubLoggerFor(channel: vscode.LogOutputChannel): HubLogger {
  return {
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
    debug: (message) => channel.debug(message),
  };
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
