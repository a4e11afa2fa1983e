// startHub: wires the store, the journal, the authenticated ws server, the discovery lock file and
// (when enabled) the legacy Socket.IO endpoint into one disposable object. The extension calls it
// on activation; `shannon-hub serve` calls it headless.
import type { ControlRequest, SimpleControlCommand } from '../protocol/wire';
import type { HubStatus, LegacyListenMode } from '../protocol/session';
import { createToken } from './auth';
import { Journal } from './journal';
import type { LegacyEventSink } from './legacy';
import { LegacyPort, type LegacyNeed } from './legacy-port';
import { removeLockFile, replaceLockFile, writeLockFile, type LockFileInput } from './lockfile';
import { silentLogger, type HubLogger } from './logger';
import {
  DEFAULT_LOST_GRACE_MS,
  DEFAULT_RETENTION,
  SessionStore,
  type RestoredSession,
  type RetentionLimits,
} from './store';
import { HubServer, type ServerLimits } from './server';
import { Steering, type ControlOutcome } from './steering';

/** Legacy endpoint counts reach status listeners at most this often. */
const STATUS_COALESCE_MS = 250;

export type { HubLogger } from './logger';
export type { ServerLimits } from './server';
export type { ControlOutcome, ControlRefusal } from './steering';

export interface HubOptions {
  host?: '127.0.0.1';
  /** 0 (default): a free port chosen by the OS. */
  port?: number;
  /** Where sessions are journaled; without it the hub keeps sessions in memory only. */
  journalDir?: string;
  retention?: RetentionLimits;
  lostGraceMs?: number;
  /** How long a session whose reporter closed with CloseCode.reporterPaused may stay silent. */
  pausedGraceMs?: number;
  /**
   * The legacy endpoint for today's CLI. `mode` auto listens only while a run needs it (see
   * src/hub/legacy-port.ts); without `mode`, `enabled` true means always and false means off.
   */
  legacy?: { enabled?: boolean; mode?: LegacyListenMode; port: number; graceMs?: number; retryMs?: number };
  /** Write a discovery lock file (dir defaults to $SHANNON_IDE_DIR or ~/.shannon/ide); none when omitted. */
  lockFile?: { dir?: string; workspaceFolders: string[] };
  log?: HubLogger;
  version?: string;
  /** Connection limits; defaults are the production values (tests shorten the timeouts). */
  limits?: Partial<ServerLimits>;
}

export interface Hub {
  url: string;
  port: number;
  token: string;
  store: SessionStore;
  lockFilePath?: string;
  status(): HubStatus;
  onStatusChange(listener: (status: HubStatus) => void): { dispose(): void };
  /** false when no connected reporter of that session declared the capability */
  sendControl(sessionId: string, command: SimpleControlCommand): boolean;
  /**
   * Any control (halt, resume, cancel, decide, instruct), checked against the session first: a
   * decision is answered at most once, a legacy or ended session gets none. Recorded in the summary.
   */
  control(sessionId: string, request: ControlRequest): ControlOutcome;
  /** The legacy port: runs tell it when they need today's CLI endpoint and when they ended. */
  legacy: {
    need(id: string, need: LegacyNeed): Promise<void>;
    release(id: string): void;
  };
  /** The session's JSONL file (for people: Open Log); undefined without a journal or before its first event. */
  journalPathOf(sessionId: string): string | undefined;
  dispose(): Promise<void>;
}

/** Claimed sessions are kept at most this many (oldest forgotten first). */
const MAX_CLAIMED_SESSIONS = 64;

export async function startHub(options: HubOptions): Promise<Hub> {
  const log = options.log ?? silentLogger;
  const version = options.version ?? '0.0.0';
  let journal = options.journalDir ? new Journal({ dir: options.journalDir, log }) : undefined;
  let restored: RestoredSession[] = [];
  try {
    restored = (await journal?.open()) ?? [];
  } catch (error) {
    // An unusable journal folder costs history, not the live panel: run from memory.
    log.error(`journal ${options.journalDir} unusable, sessions are kept in memory only: ${(error as Error).message}`);
    journal = undefined;
  }
  const store = new SessionStore({
    lostGraceMs: options.lostGraceMs ?? DEFAULT_LOST_GRACE_MS,
    pausedGraceMs: options.pausedGraceMs,
    retention: options.retention ?? DEFAULT_RETENTION,
    journal,
    log,
  });
  if (journal) {
    journal.attach(() => store.list());
    store.restore(restored);
    const rebuilding = journal;
    if (rebuilding.needsRebuild) {
      // Sessions the index could not vouch for are read from their files once the hub is up.
      store.loadInBackground(
        new Promise<void>((resolve) => setImmediate(resolve)).then(() =>
          rebuilding.rebuild((session) => store.restoreRebuilt(session)),
        ),
      );
    }
  }

  // Sessions another window claimed (a run it started while this hub holds the legacy port): their
  // legacy events go to a separate store that only the claiming connection is fed from, so this
  // window neither shows, follows nor notifies them.
  const relay = new SessionStore({ lostGraceMs: options.lostGraceMs ?? DEFAULT_LOST_GRACE_MS, log });
  const claimed = new Set<string>();
  const sinkFor = (sessionId: string) => (claimed.has(sessionId) ? relay : store);
  const legacySink: LegacyEventSink = {
    append: (sessionId, ...rest) => sinkFor(sessionId).append(sessionId, ...rest),
    setReporter: (sessionId, connection) => sinkFor(sessionId).setReporter(sessionId, connection),
    get: (sessionId) => sinkFor(sessionId).get(sessionId),
  };
  let legacyPort: LegacyPort | undefined;
  let claimCount = 0;

  const token = createToken();
  const server = new HubServer({
    store,
    token,
    log,
    version,
    limits: options.limits,
    claims: {
      relay,
      claim(sessionId, client) {
        claimed.delete(sessionId);
        claimed.add(sessionId);
        if (claimed.size > MAX_CLAIMED_SESSIONS) claimed.delete(claimed.values().next().value!);
        const id = `claim:${sessionId}:${++claimCount}`;
        log.info(`legacy port: ${client.name} (pid ${client.pid}) claimed session ${sessionId}`);
        void legacyPort?.need(id, { label: `${sessionId} (claimed by pid ${client.pid})`, keepOnly: true });
        return { dispose: () => legacyPort?.release(id) };
      },
    },
  });
  let port: number;
  try {
    port = await server.listen(options.host ?? '127.0.0.1', options.port ?? 0);
  } catch (error) {
    store.dispose();
    await journal?.close();
    throw error;
  }
  const url = `ws://127.0.0.1:${port}`;
  log.info(`hub listening on ${url}${options.journalDir ? `, journal ${options.journalDir}` : ''}`);

  let lockFilePath: string | undefined;
  let lockInput: LockFileInput | undefined;
  if (options.lockFile) {
    try {
      lockInput = {
        dir: options.lockFile.dir,
        port,
        token,
        url,
        workspaceFolders: options.lockFile.workspaceFolders,
        createdAt: new Date().toISOString(),
      };
      lockFilePath = writeLockFile(lockInput);
      log.info(`lock file ${lockFilePath}`);
    } catch (error) {
      // The hub still works for terminals that get the URL and token through the environment.
      log.warn(`could not write the lock file: ${(error as Error).message}`);
    }
  }

  let state: HubStatus['state'] = 'running';
  const statusListeners = new Set<(status: HubStatus) => void>();
  // The legacy endpoint's counts can change with every request (a misbehaving client may send
  // thousands): listeners hear about them at most every STATUS_COALESCE_MS.
  let statusTimer: NodeJS.Timeout | undefined;
  const notifySoon = () => {
    if (statusTimer || state === 'stopped') return;
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      notify();
    }, STATUS_COALESCE_MS);
    statusTimer.unref();
  };

  const status = (): HubStatus => {
    const current: HubStatus = {
      url,
      state,
      clients: server.clientCount,
      legacy: legacyPort?.status() ?? { state: 'disabled', port: options.legacy?.port ?? 8000 },
    };
    if (lockFilePath) current.lockFile = lockFilePath;
    return current;
  };
  const notify = () => {
    const current = status();
    for (const listener of statusListeners) listener(current);
  };
  server.onClientsChange(notify);
  const steering = new Steering(store, server, log);

  // Today's Shannon CLI (Socket.IO cli_event). Never throws for a busy port: status() says so.
  const legacyMode: LegacyListenMode = options.legacy?.mode ?? (options.legacy?.enabled ? 'always' : 'off');
  if (options.legacy && legacyMode !== 'off') {
    const lockDir = options.lockFile?.dir;
    legacyPort = new LegacyPort({
      mode: legacyMode,
      port: options.legacy.port,
      sink: legacySink,
      store,
      log,
      graceMs: options.legacy.graceMs,
      retryMs: options.legacy.retryMs,
      lockDir,
      ownLockFile: () => lockFilePath,
      version,
      onStatusChange: notifySoon,
      onListeningChange: (listening) => {
        if (!lockFilePath || !lockInput || state === 'stopped') return;
        lockInput = { ...lockInput, legacyPort: listening ? legacyPort?.status().port : undefined };
        try {
          replaceLockFile(lockFilePath, lockInput);
        } catch (error) {
          log.warn(`could not update the lock file: ${(error as Error).message}`);
        }
      },
    });
    await legacyPort.start();
  }

  let disposing: Promise<void> | undefined;
  const dispose = (): Promise<void> => {
    disposing ??= (async () => {
      state = 'stopped';
      clearTimeout(statusTimer);
      await server.close();
      await legacyPort
        ?.close()
        .catch((error: unknown) => log.warn(`legacy endpoint close failed: ${(error as Error).message}`));
      store.dispose();
      relay.dispose();
      await journal?.close();
      if (lockFilePath) removeLockFile(lockFilePath);
      log.info('hub stopped');
      notify();
      statusListeners.clear();
    })();
    return disposing;
  };

  return {
    url,
    port,
    token,
    store,
    lockFilePath,
    status,
    onStatusChange(listener) {
      statusListeners.add(listener);
      return { dispose: () => statusListeners.delete(listener) };
    },
    sendControl: (sessionId, command) => steering.send(sessionId, { command }).sent,
    control: (sessionId, request) => steering.send(sessionId, request),
    legacy: {
      need: (id, need) => legacyPort?.need(id, need) ?? Promise.resolve(),
      release: (id) => legacyPort?.release(id),
    },
    journalPathOf: (sessionId) => journal?.pathOf(sessionId),
    dispose,
  };
}
