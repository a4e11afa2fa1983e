// Entry point: build the services, register them, push every disposable. Nothing else lives here.
// activate() must stay fast (< 50 ms): commands and views are registered synchronously, and the hub
// (ws, socket.io, the journal) starts in the background once activate() has returned.
import * as vscode from 'vscode';
import type { Hub } from './hub/hub';
import { registerCheckpoints, type CheckpointsApi } from './vscode/checkpoint-commands';
import { registerCommands } from './vscode/commands';
import { DoCommand } from './vscode/do-command';
import { HubService } from './vscode/hub-service';
import { LegacyDemand } from './vscode/legacy-demand';
import { createLogChannel, errorText } from './vscode/log';
import type { SteeringMessage } from './vscode/monitor-connection';
import { registerMonitor, type MonitorHandle } from './vscode/monitor-view';
import { REVIEW_COMMANDS, registerReview, type ChangesReview } from './vscode/review';
import { STEERING_COMMANDS, registerSteering, type SteeringApi } from './vscode/steering-commands';
import { SessionFollower } from './vscode/session-follower';
import { TerminalRunner } from './vscode/terminal-runner';
import { WorkspaceTrustGuard } from './vscode/workspace-trust';

/** What activate() returns to other extensions and to the integration tests. */
export interface ShannonExtensionApi {
  /** How long activate() itself took, measured here so tests and bench can log it. */
  activationMs: number;
  /** The running hub (address, token, session store); rejects if it could not start. */
  hub: Promise<Hub>;
  /** The status bar item's current text and tooltip. */
  statusBar(): { text: string; tooltip: string };
  /** The context keys as last set (shannon.sessionState, shannon.canHalt, ...). */
  contextKeys(): Record<string, unknown>;
  /** The integrated terminal a session started by Shannon: Do runs in, if it is still open. */
  terminalFor(sessionId: string): vscode.Terminal | undefined;
  /** Background notifications shown so far. */
  notifications(): readonly { sessionId: string; state: string; message: string }[];
  /** The Checkpoints tree and its view; undefined if it could not be registered. */
  checkpoints: CheckpointsApi | undefined;
  /** Milliseconds from each Shannon command's shell-execution start to the legacy port's answer. */
  legacyListenLatencies(): readonly number[];
  /** Explanations shown because the workspace is in Restricted Mode (Shannon: Do, Restore). */
  restrictedModeRefusals(): readonly string[];
  /** Decision notifications shown so far. */
  steering: SteeringApi;
  /** The Changes review (kept/undone marks per session). */
  review: ChangesReview;
  /** The Monitor's visibility and its badge (files to review); undefined if it could not be registered. */
  monitor: MonitorHandle | undefined;
}

/** The Monitor page's steering requests, carried out by the same commands the palette runs. */
function steerFromMonitor(message: SteeringMessage): Thenable<unknown> {
  switch (message.type) {
    case 'decide':
      return vscode.commands.executeCommand(STEERING_COMMANDS.answerDecision, message);
    case 'instruct':
      return vscode.commands.executeCommand(STEERING_COMMANDS.sendInstruction, message);
    case 'review':
      return vscode.commands.executeCommand(REVIEW_COMMANDS[message.action], {
        sessionId: message.sessionId,
        path: message.path,
      });
  }
}

let hubService: HubService | undefined;

export function activate(context: vscode.ExtensionContext): ShannonExtensionApi {
  const started = performance.now();
  const log = createLogChannel();
  const service = new HubService(context, log);
  hubService = service;
  const runner = new TerminalRunner(log);
  const legacyDemand = new LegacyDemand(service, log);
  const trust = new WorkspaceTrustGuard(log);
  const doCommand = new DoCommand(context, service, runner, log, legacyDemand, trust);
  const follower = new SessionFollower(service, runner, log);
  context.subscriptions.push(
    log,
    service,
    service.watchStartupSettings(),
    runner,
    legacyDemand,
    doCommand,
    follower,
    ...registerCommands({ doCommand, hubService: service, runner, log }),
  );

  const review = registerReview(context, () => service.current?.store, log, trust);
  let monitor: MonitorHandle | undefined;
  const steering = registerSteering({ hubService: service, monitorVisible: () => monitor?.isVisible() ?? false, log });
  context.subscriptions.push(...steering.disposables);

  // A view that fails to register must not take the commands and the hub down with it.
  try {
    monitor = registerMonitor(context, {
      store: service.ready.then((hub) => hub.store),
      hub: { status: () => service.status(), onStatusChange: (listener) => service.onDidChangeStatus(listener) },
      log,
      review: {
        marks: (sessionId) => review.marks(sessionId),
        onDidChange: (listener) => review.onDidChange(listener),
        unreviewedCount: (sessionId) => review.unreviewedCount(sessionId),
      },
      steer: (message) => {
        steerFromMonitor(message).then(undefined, (error: unknown) =>
          log.error(`monitor: ${message.type} failed: ${errorText(error)}`),
        );
      },
      visibilityChanged: () => steering.monitorVisibilityChanged(),
    });
  } catch (error) {
    log.error(`activate: the Monitor view could not be registered: ${errorText(error)}`);
  }

  let checkpoints: CheckpointsApi | undefined;
  try {
    checkpoints = registerCheckpoints(context, { store: service.ready.then((hub) => hub.store), log, trust });
  } catch (error) {
    log.error(`activate: the Checkpoints view could not be registered: ${errorText(error)}`);
  }

  // After activate() returns: the first await in startHub already leaves this call stack, but the
  // lazy import of the hub module would still run its top-level code here.
  setTimeout(() => service.start(), 0);

  const activationMs = performance.now() - started;
  log.info(`activate: ${activationMs.toFixed(1)} ms`);
  return {
    activationMs,
    hub: service.ready,
    statusBar: () => ({ text: follower.statusBar.text, tooltip: follower.statusBar.tooltipText }),
    contextKeys: () => follower.contextKeys.values,
    terminalFor: (sessionId) => runner.terminalFor(sessionId),
    notifications: () => follower.notifications.shown,
    checkpoints,
    legacyListenLatencies: () => [...legacyDemand.listenLatencies],
    restrictedModeRefusals: () => [...trust.refusals],
    steering: steering.api,
    review,
    monitor,
  };
}

/** VS Code waits for the returned promise: the hub, legacy endpoint and lock file are gone after it. */
export function deactivate(): Promise<void> | undefined {
  const service = hubService;
  hubService = undefined;
  return service?.disposeAsync();
}
