// When the legacy endpoint (today's CLI, Socket.IO on 127.0.0.1:8000) listens, and what to do when
// it cannot. Port 8000 is the default of many development servers, so in `auto` mode the port is
// taken only while a run needs it (Shannon: Do started the CLI, or a terminal runs it) and given
// back a grace period after the last such run ended. When the port is busy:
// - another window's Shannon hub holds it (its lock file says so): each run of ours that has a
//   session id is claimed at that hub over the native protocol; that hub keeps the run's events
//   apart from its own sessions and feeds them to us, and we append them here in order;
// - another program holds it: status names it (pid and command line where the system tells).
// Either way we keep trying while a run needs the port, so when the holder goes away we take it
// within a retry interval (the CLI's Socket.IO client reconnects to us then).
import { WebSocket } from 'ws';
import { parseHubFrame, PROTOCOL_VERSION, type EventEnvelope } from '../protocol/wire';
import type { HubStatus, LegacyListenMode, PortHolder } from '../protocol/session';
import { startLegacyEndpoint, type LegacyEndpoint, type LegacyEventSink } from './legacy';
import { isProcessAlive, readLockFiles, type FoundLockFile } from './lockfile';
import { silentLogger, type HubLogger } from './logger';
import { findPortHolder, type PortHolderInfo } from './port-holder';
import { FINAL_STATES } from '../protocol/session';
import type { SessionStore } from './store';

/** How long the port stays open after the last run that needed it ended. */
export const LEGACY_GRACE_MS = 30_000;
/** While a run needs the port and we do not hold it, how often we try again. */
export const LEGACY_RETRY_MS = 500;
/** A holder found through /proc is looked up again after this long (or when its pid is gone). */
const HOLDER_RECHECK_MS = 10_000;

export interface LegacyNeed {
  /** What the status shows for this run (a session id, or the command line typed). */
  label: string;
  /** The run's session id when known: needed to claim it at another window's hub. */
  sessionId?: string;
  /**
   * Keeps an open port open, but does not open it (a claim from another window: if we do not
   * hold the port any more, that window takes it itself).
   */
  keepOnly?: boolean;
}

export interface LegacyPortOptions {
  mode: LegacyListenMode;
  port: number;
  /** Where the endpoint's events go (the hub routes claimed sessions elsewhere). */
  sink: LegacyEventSink;
  /** This hub's own store: events relayed from another window's hub are appended here. */
  store: Pick<SessionStore, 'append' | 'setReporter' | 'get'>;
  log: HubLogger;
  graceMs?: number;
  retryMs?: number;
  /** The lock folder shared by the windows' hubs (undefined: the default one). */
  lockDir?: string;
  /** This hub's own lock file, never taken for another window's. */
  ownLockFile?: () => string | undefined;
  /** Told when status() would read differently. */
  onStatusChange?: () => void;
  /** Told when this hub starts or stops holding the port (the hub rewrites its lock file). */
  onListeningChange?: (listening: boolean) => void;
  /** Who holds a port, for programs that are not a Shannon hub (default: /proc on Linux). */
  findHolder?: (port: number) => Promise<PortHolderInfo | undefined>;
  /** This hub's version, sent in the hello of a claim. */
  version?: string;
}

type State = HubStatus['legacy']['state'];

interface NeedRecord extends LegacyNeed {
  releaseTimer?: NodeJS.Timeout;
}

/** A claim of one session at another window's hub: a subscriber connection fed from its relay. */
interface Claim {
  lockFile: string;
  socket: WebSocket;
  open: boolean;
  /** Settles when the holder welcomed the claim, or the attempt failed. */
  ready: Promise<void>;
}

/** A run waits this long at most for the holder to accept its claim before it starts anyway. */
const CLAIM_WAIT_MS = 2_000;

export class LegacyPort {
  private readonly options: LegacyPortOptions;
  private readonly log: HubLogger;
  private readonly graceMs: number;
  private readonly retryMs: number;
  private endpoint: LegacyEndpoint | undefined;
  private state: State;
  private message: string | undefined;
  private holder: PortHolder | undefined;
  private holderCheckedAt = 0;
  private readonly needs = new Map<string, NeedRecord>();
  private readonly claims = new Map<string, Claim>();
  /** Per claimed session: the highest seq of the holder's relay already appended here. */
  private readonly relayedSeq = new Map<string, number>();
  private attempt: Promise<void> | undefined;
  private retryTimer: NodeJS.Timeout | undefined;
  private idleCheck: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(options: LegacyPortOptions) {
    this.options = options;
    this.log = options.log;
    this.graceMs = options.graceMs ?? LEGACY_GRACE_MS;
    this.retryMs = options.retryMs ?? LEGACY_RETRY_MS;
    this.state = options.mode === 'off' ? 'disabled' : 'idle';
  }

  get mode(): LegacyListenMode {
    return this.options.mode;
  }

  /** `always`: listen at once (and keep trying while the port is busy). */
  async start(): Promise<void> {
    if (this.options.mode === 'always') await this.listenSoon();
    else if (this.options.mode === 'auto') this.warmUp();
  }

  /**
   * The first Socket.IO server a process builds costs tens of milliseconds of cold code; a run's
   * CLI connects about a second after it starts, and the port should be open long before. So the
   * same path runs once right after start-up, on a free loopback port that is closed at once.
   */
  private warmUp(): void {
    void startLegacyEndpoint({ port: 0, store: this.options.sink, log: silentLogger, quietWhenBusy: true })
      .then((endpoint) => endpoint.close())
      .catch(() => undefined);
  }

  /** A run needs the endpoint from now on: listen now unless we already do. Resolves once tried. */
  need(id: string, need: LegacyNeed): Promise<void> {
    if (this.closed || this.options.mode === 'off') return Promise.resolve();
    const existing = this.needs.get(id);
    clearTimeout(existing?.releaseTimer);
    this.needs.set(id, { ...need });
    if (!existing) this.log.info(`legacy port: needed by ${need.label}`);
    this.changed();
    if (need.keepOnly || this.state === 'listening') return Promise.resolve();
    // Held by another window: the claim must be in place before the CLI's first event arrives there.
    if (this.state === 'held-by-window') return Promise.all([this.syncClaims(), this.listenSoon()]).then(() => {});
    return this.listenSoon();
  }

  /** That run ended: after the grace period the port is given back, unless another run needs it. */
  release(id: string): void {
    const need = this.needs.get(id);
    if (!need || need.releaseTimer) return;
    need.releaseTimer = setTimeout(() => {
      this.needs.delete(id);
      this.closeClaim(need.sessionId);
      this.log.info(`legacy port: ${need.label} no longer needs it`);
      this.changed();
      this.stopIfUnneeded();
    }, this.graceMs);
    need.releaseTimer.unref();
  }

  /** True while the endpoint listens on the port. */
  get listening(): boolean {
    return this.state === 'listening';
  }

  status(): HubStatus['legacy'] {
    const { mode } = this.options;
    const port = this.endpoint?.port ?? this.options.port;
    const status: HubStatus['legacy'] = { state: this.state, mode, port };
    const runs = [...this.needs.values()].filter((need) => !need.keepOnly).map((need) => need.label);
    if (runs.length > 0) status.runs = runs;
    if (this.holder) status.holder = this.holder;
    switch (this.state) {
      case 'disabled':
        status.message = 'off (shannon.legacy.listen is "off")';
        break;
      case 'idle':
        status.message = `idle: listens on 127.0.0.1:${port} only while a Shannon run needs it`;
        break;
      case 'listening': {
        const endpointMessage = this.endpoint?.status().message;
        const forRuns = runs.length > 0 ? ` (for ${runs.join(', ')})` : '';
        status.message = `${endpointMessage ?? `listening on 127.0.0.1:${port}`}${forRuns}`;
        break;
      }
      default:
        status.message = this.message;
    }
    return status;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.retryTimer);
    clearTimeout(this.idleCheck);
    for (const need of this.needs.values()) clearTimeout(need.releaseTimer);
    this.needs.clear();
    for (const sessionId of [...this.claims.keys()]) this.closeClaim(sessionId);
    await this.attempt;
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    if (endpoint) {
      await endpoint.close();
      this.options.onListeningChange?.(false);
    }
    this.state = 'disabled';
  }

  // ---- listening -------------------------------------------------------------------------------

  private wanted(): boolean {
    if (this.closed || this.options.mode === 'off') return false;
    if (this.options.mode === 'always') return true;
    return [...this.needs.values()].some((need) => !need.keepOnly);
  }

  private listenSoon(): Promise<void> {
    this.attempt ??= this.tryListen().finally(() => {
      this.attempt = undefined;
    });
    return this.attempt;
  }

  private async tryListen(): Promise<void> {
    clearTimeout(this.retryTimer);
    this.retryTimer = undefined;
    if (!this.wanted() || this.endpoint) return;
    const endpoint = await startLegacyEndpoint({
      port: this.options.port,
      store: this.options.sink,
      log: this.log,
      onStatusChange: () => this.changed(),
      quietWhenBusy: true,
    });
    const result = endpoint.status();
    if (result.state === 'listening') {
      if (!this.wanted()) {
        await endpoint.close();
        return;
      }
      this.endpoint = endpoint;
      this.setState('listening', undefined);
      this.holder = undefined;
      // The CLI now reaches us directly (python-socketio reconnects): no more relaying.
      for (const sessionId of [...this.claims.keys()]) this.closeClaim(sessionId);
      this.options.onListeningChange?.(true);
      return;
    }
    if (result.state === 'port-in-use') await this.identifyHolder();
    else {
      this.holder = undefined;
      this.setState('failed', result.message);
    }
    this.scheduleRetry();
  }

  private scheduleRetry(): void {
    if (this.closed || this.retryTimer || !this.wanted()) return;
    this.retryTimer = setTimeout(() => {
      this.retryTimer = undefined;
      void this.listenSoon();
    }, this.retryMs);
    this.retryTimer.unref();
  }

  private stopIfUnneeded(): void {
    clearTimeout(this.idleCheck);
    if (this.wanted()) return;
    if (!this.endpoint) {
      // Nobody needs the port any more: stop retrying and forget who held it.
      clearTimeout(this.retryTimer);
      this.retryTimer = undefined;
      if (this.state !== 'disabled') this.setState('idle', undefined);
      this.holder = undefined;
      return;
    }
    if (this.endpoint.counters().connections > 0 || [...this.needs.values()].some((need) => need.keepOnly)) {
      // A CLI is still connected (a run we did not see start), or another window's claimed run
      // goes on: keep listening and look again after another grace period.
      this.idleCheck = setTimeout(() => this.stopIfUnneeded(), this.graceMs);
      this.idleCheck.unref();
      return;
    }
    const endpoint = this.endpoint;
    this.endpoint = undefined;
    this.setState('idle', undefined);
    this.log.info(`legacy port: no run needs 127.0.0.1:${this.options.port} any more; released it`);
    void endpoint.close().then(() => this.options.onListeningChange?.(false));
  }

  // ---- who holds the port ----------------------------------------------------------------------

  private async identifyHolder(): Promise<void> {
    const { port } = this.options;
    const own = this.options.ownLockFile?.();
    const window = readLockFiles(this.options.lockDir).find((lock) => lock.file !== own && lock.legacyPort === port);
    if (window) {
      const changed = this.state !== 'held-by-window' || this.holder?.lockFile !== window.file;
      this.holder = { pid: window.pid, workspaceFolders: window.workspaceFolders, lockFile: window.file };
      const where = window.workspaceFolders.length > 0 ? window.workspaceFolders.join(', ') : 'no folder';
      this.setState(
        'held-by-window',
        `Port ${port} is held by another VS Code window's Shannon hub (${where}, pid ${window.pid}). ` +
          `Runs started here are claimed there and shown here; this window takes the port when that one closes.`,
      );
      if (changed) this.log.info(`legacy port: ${port} is held by the Shannon hub of ${window.file}`);
      await this.syncClaims(window);
      return;
    }
    for (const sessionId of [...this.claims.keys()]) this.closeClaim(sessionId);
    const stale =
      this.state !== 'port-in-use' ||
      Date.now() - this.holderCheckedAt > HOLDER_RECHECK_MS ||
      (this.holder?.pid !== undefined && !isProcessAlive(this.holder.pid));
    if (!stale) return;
    this.holderCheckedAt = Date.now();
    let found: PortHolderInfo | undefined;
    try {
      found = await (this.options.findHolder ?? findPortHolder)(port);
    } catch (error) {
      this.log.debug?.(`legacy port: could not tell who holds ${port}: ${(error as Error).message}`);
    }
    this.holder = found ? { pid: found.pid, command: found.command } : undefined;
    const who = found
      ? `another program: ${shortCommand(found.command) || '(no command line)'} (pid ${found.pid})`
      : 'another program (the system does not say which)';
    const wasBlocked = this.state === 'port-in-use';
    this.setState(
      'port-in-use',
      `Port ${port} is held by ${who}. Today's Shannon CLI cannot report here while it runs: stop that ` +
        `program for the run, or use a CLI that speaks the native protocol (shannon-hub run -- <command>). ` +
        `Shannon never stops it for you; it takes the port as soon as it is free.`,
    );
    if (!wasBlocked) this.log.warn(`legacy port: ${this.message}`);
  }

  // ---- claims at another window's hub ----------------------------------------------------------

  /**
   * One open claim per needed session id at the holder window's hub, none anywhere else; resolves
   * once every wanted claim was accepted or failed (at most CLAIM_WAIT_MS).
   */
  private syncClaims(window?: FoundLockFile): Promise<void> {
    const lockFile = window?.file ?? this.holder?.lockFile;
    if (!lockFile) return Promise.resolve();
    const wantedSessions = new Set(
      [...this.needs.values()].filter((need) => need.sessionId && !need.keepOnly).map((need) => need.sessionId!),
    );
    for (const [sessionId, claim] of [...this.claims]) {
      if (!wantedSessions.has(sessionId) || claim.lockFile !== lockFile) this.closeClaim(sessionId);
    }
    if (!window) {
      window = readLockFiles(this.options.lockDir).find((lock) => lock.file === lockFile);
      if (!window) return Promise.resolve();
    }
    for (const sessionId of wantedSessions) {
      if (!this.claims.has(sessionId)) this.openClaim(window, sessionId);
    }
    const pending = [...wantedSessions].map((sessionId) => this.claims.get(sessionId)?.ready);
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLAIM_WAIT_MS);
      timer.unref();
    });
    return Promise.race([Promise.all(pending).then(() => {}), timeout]).finally(() => clearTimeout(timer));
  }

  private openClaim(window: FoundLockFile, sessionId: string): void {
    const socket = new WebSocket(window.url, {
      headers: { Authorization: `Bearer ${window.token}` },
      maxPayload: 16 * 1024 * 1024,
      perMessageDeflate: false,
    });
    let settle!: () => void;
    const claim: Claim = {
      lockFile: window.file,
      socket,
      open: false,
      ready: new Promise<void>((resolve) => (settle = resolve)),
    };
    this.claims.set(sessionId, claim);
    socket.on('open', () => {
      socket.send(
        JSON.stringify({
          type: 'hello',
          protocol: PROTOCOL_VERSION,
          role: 'subscriber',
          client: { name: 'shannon-vscode (claim)', version: this.options.version ?? '0.0.0', pid: process.pid },
          sessionId,
          claim: true,
        }),
      );
    });
    socket.on('message', (data) => {
      const parsed = parseHubFrame(data.toString());
      if (!parsed.ok) {
        this.log.warn(`legacy port: claim of ${sessionId}: unreadable frame from the holder: ${parsed.message}`);
        return;
      }
      const frame = parsed.value;
      if (frame.type === 'welcome') {
        claim.open = true;
        settle();
        this.log.info(`legacy port: claimed ${sessionId} at the hub of ${window.file}`);
        if ((this.relayedSeq.get(sessionId) ?? 0) > 0) this.markRelayConnected(sessionId, true);
      } else if (frame.type === 'stored') {
        this.appendRelayed(sessionId, frame.events);
      } else if (frame.type === 'error') {
        this.log.warn(`legacy port: claim of ${sessionId} refused: ${frame.message}`);
        settle();
      }
    });
    socket.on('error', (error) => this.log.debug?.(`legacy port: claim of ${sessionId}: ${error.message}`));
    socket.on('close', () => {
      settle();
      if (this.claims.get(sessionId) === claim) this.claims.delete(sessionId);
      if (claim.open) this.markRelayConnected(sessionId, false);
      // Still needed and still not ours: the next retry opens the claim again or takes the port.
      if (!this.closed && this.needs.size > 0 && !this.endpoint) {
        this.scheduleRetry();
      }
    });
  }

  private closeClaim(sessionId: string | undefined): void {
    if (sessionId === undefined) return;
    const claim = this.claims.get(sessionId);
    if (!claim) return;
    this.claims.delete(sessionId);
    claim.socket.removeAllListeners('close');
    claim.socket.on('error', () => {});
    claim.socket.close(1000, 'claim ended');
  }

  /** Events of a claimed session, in the holder's order and with its timestamps; resends skipped. */
  private appendRelayed(sessionId: string, events: readonly EventEnvelope[]): void {
    let last = this.relayedSeq.get(sessionId) ?? 0;
    const first = last === 0;
    for (const event of events) {
      if (event.sessionId !== sessionId || event.seq <= last) continue;
      try {
        this.options.store.append(sessionId, 'legacy', event.kind, event.data, event.ts);
      } catch (error) {
        this.log.error(`legacy port: could not append a relayed event of ${sessionId}: ${(error as Error).message}`);
      }
      last = event.seq;
    }
    this.relayedSeq.set(sessionId, last);
    if (first && last > 0) this.markRelayConnected(sessionId, true);
  }

  private markRelayConnected(sessionId: string, connected: boolean): void {
    const session = this.options.store.get(sessionId);
    if (!session || (connected && FINAL_STATES.has(session.state))) return;
    this.options.store.setReporter(sessionId, { connected, capabilities: [] });
  }

  // ---- status ----------------------------------------------------------------------------------

  private setState(state: State, message: string | undefined): void {
    if (this.state === state && this.message === message) return;
    this.state = state;
    this.message = message;
    this.changed();
  }

  private changed(): void {
    this.options.onStatusChange?.();
  }
}

function shortCommand(command: string): string {
  return command.length > 120 ? `${command.slice(0, 119)}…` : command;
}
