// Owns the hub for this window: starts it after activate() has returned (activation stays fast),
// hands terminals its address and token through the environment variable collection, puts the
// bundled `shannon-hub` on their PATH, and tears all of it down on deactivate.
import * as vscode from 'vscode';
import { chmod, mkdir, writeFile } from 'node:fs/promises';
import * as path from 'node:path';
import type { Hub } from '../hub/hub';
import type { HubStatus } from '../protocol/session';
import { cmdLauncher, posixLauncher } from '../cli/launchers';
import { readConfig } from './config';
import { errorText, hubLoggerFor } from './log';

export const HUB_URL_VARIABLE = 'SHANNON_HUB_URL';
export const HUB_TOKEN_VARIABLE = 'SHANNON_HUB_TOKEN';

export class HubService implements vscode.Disposable {
  private hub: Hub | undefined;
  private readonly started: Promise<Hub>;
  private resolveStarted!: (hub: Hub) => void;
  private rejectStarted!: (error: unknown) => void;
  private disposed = false;
  /** Where the journal lives (set when the hub starts). */
  journalDir: string | undefined;
  private startFailure: string | undefined;
  private readonly statusEmitter = new vscode.EventEmitter<HubStatus>();
  private statusSubscription: { dispose(): void } | undefined;
  /** Fires on every hub status change (clients, legacy endpoint) and once when the hub is up. */
  readonly onDidChangeStatus = this.statusEmitter.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.started = new Promise<Hub>((resolve, reject) => {
      this.resolveStarted = resolve;
      this.rejectStarted = reject;
    });
    // Callers that never await must not produce an unhandled rejection.
    this.started.catch(() => undefined);
  }

  /** Resolves when the hub listens; rejects if it could not start. */
  get ready(): Promise<Hub> {
    return this.started;
  }

  get current(): Hub | undefined {
    return this.hub;
  }

  status(): HubStatus {
    if (this.hub) return this.hub.status();
    const legacy = readConfig().legacy;
    const state = this.startFailure ? 'failed' : this.disposed ? 'stopped' : 'starting';
    return {
      state,
      clients: 0,
      error: this.startFailure,
      // The legacy endpoint starts with the hub: until then it is not listening.
      legacy:
        legacy.mode !== 'off'
          ? {
              state: state === 'failed' ? 'failed' : 'disabled',
              mode: legacy.mode,
              port: legacy.port,
              message: state === 'starting' ? 'starts with the hub' : 'the hub is not running',
            }
          : { state: 'disabled', mode: legacy.mode, port: legacy.port },
    };
  }

  /** Settings read only when the hub starts: a change asks for a window reload instead of being ignored silently. */
  watchStartupSettings(): vscode.Disposable {
    return vscode.workspace.onDidChangeConfiguration((event) => {
      const changed = ['shannon.legacy', 'shannon.hub.port', 'shannon.history'].filter((key) =>
        event.affectsConfiguration(key),
      );
      if (changed.length === 0) return;
      this.log.info(`settings: ${changed.join(', ')} changed; applies after a window reload`);
      void vscode.window
        .showInformationMessage(
          'Shannon: the changed hub settings apply after the window is reloaded.',
          'Reload Window',
        )
        .then((choice) => {
          if (choice) void vscode.commands.executeCommand('workbench.action.reloadWindow');
        });
    });
  }

  /** Start in the background; never throws (a failure is logged, shown, and rejects `ready`). */
  start(): void {
    void this.startNow().catch((error) => {
      this.startFailure = errorText(error);
      this.log.error(`hub: could not start: ${this.startFailure}`);
      this.statusEmitter.fire(this.status());
      this.rejectStarted(error);
      void vscode.window
        .showErrorMessage(`Shannon could not start its local hub: ${this.startFailure}`, 'Show Log')
        .then((choice) => {
          if (choice) this.log.show();
        });
    });
  }

  private async startNow(): Promise<void> {
    const config = readConfig();
    const storage = this.context.storageUri ?? this.context.globalStorageUri;
    const journalDir = path.join(storage.fsPath, 'journal');
    this.journalDir = journalDir;
    // Loaded lazily, from its own bundle (dist/hub.js, see esbuild.mjs): the hub pulls in ws and
    // socket.io, which loading the extension and activate() must not pay for.
    const { startHub } = await import('../hub/hub');
    const hub = await startHub({
      host: '127.0.0.1',
      port: config.hubPort,
      journalDir,
      retention: config.history,
      legacy: config.legacy,
      lockFile: { workspaceFolders: (vscode.workspace.workspaceFolders ?? []).map((folder) => folder.uri.fsPath) },
      log: hubLoggerFor(this.log),
      version: String(this.context.extension.packageJSON.version ?? '0.0.0'),
    });
    if (this.disposed) {
      await hub.dispose();
      throw new Error('the extension was deactivated while the hub was starting');
    }
    this.hub = hub;
    this.log.info(
      `hub: listening at ${hub.url}; journal in ${journalDir}${hub.lockFilePath ? `; lock file ${hub.lockFilePath}` : ''}`,
    );
    this.statusSubscription = hub.onStatusChange((status) => this.statusEmitter.fire(status));
    await this.publishToTerminals(hub);
    this.resolveStarted(hub);
    this.statusEmitter.fire(hub.status());
  }

  /** Terminals opened from now on can report without any setup, and have `shannon-hub` on PATH. */
  private async publishToTerminals(hub: Hub): Promise<void> {
    const collection = this.context.environmentVariableCollection;
    // The token is new on every activation: a restored terminal must not get a stale one.
    collection.persistent = false;
    collection.description =
      'Lets Shannon runs in this terminal report to the Shannon panel (hub address, token, `shannon-hub`).';
    collection.replace(HUB_URL_VARIABLE, hub.url);
    collection.replace(HUB_TOKEN_VARIABLE, hub.token);
    try {
      const binDir = await this.writeLaunchers();
      collection.prepend('PATH', binDir + path.delimiter);
    } catch (error) {
      // Reporting still works without the launcher; only the `shannon-hub` command is missing.
      this.log.warn(`hub: could not write the shannon-hub launchers: ${errorText(error)}`);
    }
  }

  private async writeLaunchers(): Promise<string> {
    const binDir = path.join(this.context.globalStorageUri.fsPath, 'bin');
    await mkdir(binDir, { recursive: true });
    const target = {
      runtime: process.execPath,
      script: path.join(this.context.extensionPath, 'dist', 'shannon-hub.js'),
    };
    const posixPath = path.join(binDir, 'shannon-hub');
    await writeFile(posixPath, posixLauncher(target), { mode: 0o755 });
    await chmod(posixPath, 0o755); // an existing file keeps its old mode on writeFile
    await writeFile(path.join(binDir, 'shannon-hub.cmd'), cmdLauncher(target));
    this.log.debug(`hub: shannon-hub launchers in ${binDir}`);
    return binDir;
  }

  async disposeAsync(): Promise<void> {
    if (this.disposed) return;
    this.disposed = true;
    this.statusSubscription?.dispose();
    this.context.environmentVariableCollection.clear();
    const hub = this.hub;
    this.hub = undefined;
    this.statusEmitter.dispose();
    if (hub) {
      try {
        await hub.dispose();
        this.log.info('hub: stopped');
      } catch (error) {
        this.log.error(`hub: error while stopping: ${errorText(error)}`);
      }
    }
  }

  dispose(): void {
    void this.disposeAsync();
  }
}
