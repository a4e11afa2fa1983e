// How the active session is presented: the status bar text and tooltip, and the context keys that
// enable commands. Kept free of the `vscode` import so it is unit-tested in plain Node;
// status-bar.ts and context-keys.ts only hand the results to VS Code.
import type { HubStatus, SessionState, SessionSummary } from '../protocol/session';
import { FINAL_STATES } from '../protocol/session';

export interface StatusPresentation {
  text: string;
  /** Markdown for the tooltip. */
  tooltip: string;
  /** 'error' and 'warning' map to the theme's status bar background colours. */
  tone: 'normal' | 'warning' | 'error';
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
}

function shorten(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function stepText(session: SessionSummary): string {
  if (session.currentStep === undefined) return '';
  // Steps are reported zero-based by the orchestrator (step_index); people count from 1.
  const step = session.currentStep + 1;
  return session.stepsTotal !== undefined ? ` (step ${step}/${session.stepsTotal})` : ` (step ${step})`;
}

function sessionText(session: SessionSummary | undefined): { text: string; tone: StatusPresentation['tone'] } {
  if (!session) return { text: '$(pulse) Shannon', tone: 'normal' };
  switch (session.state) {
    case 'pending':
      return session.waitingForCli
        ? { text: '$(watch) Shannon: waiting for the CLI', tone: 'warning' }
        : { text: '$(loading~spin) Shannon: starting', tone: 'normal' };
    case 'running': {
      if (session.currentSkill)
        return {
          text: `$(sync~spin) Shannon: ${shorten(session.currentSkill, 40)}${stepText(session)}`,
          tone: 'normal',
        };
      const progress = session.progress !== undefined ? ` ${Math.round(session.progress)}%` : '';
      return { text: `$(sync~spin) Shannon: running${progress}`, tone: 'normal' };
    }
    case 'halted':
      return { text: '$(debug-pause) Shannon: halted', tone: 'warning' };
    case 'completed':
      return { text: '$(check) Shannon: completed', tone: 'normal' };
    case 'failed':
      return { text: '$(error) Shannon: failed', tone: 'error' };
    case 'cancelled':
      return { text: '$(circle-slash) Shannon: cancelled', tone: 'normal' };
    case 'lost':
      return { text: '$(question) Shannon: lost', tone: 'warning' };
  }
}

const LEGACY_STATE_LABELS: Record<HubStatus['legacy']['state'], string> = {
  disabled: 'off',
  idle: 'idle (waiting for a run)',
  listening: 'listening',
  'held-by-window': 'held by another VS Code window',
  'port-in-use': 'blocked by another program',
  failed: 'failed',
};

/** "listening for do_…", "blocked by another program", … (the legacy endpoint in a few words). */
export function legacyStateLabel(legacy: HubStatus['legacy']): string {
  const label = LEGACY_STATE_LABELS[legacy.state] ?? legacy.state;
  return legacy.state === 'listening' && legacy.runs?.length ? `${label} for ${legacy.runs.join(', ')}` : label;
}

/** Who holds the legacy port, as one line (pid and command line, or the other window's folders). */
export function legacyHolderText(legacy: HubStatus['legacy']): string | undefined {
  const holder = legacy.holder;
  if (!holder) return undefined;
  if (holder.workspaceFolders) {
    return `Shannon hub of the window with ${holder.workspaceFolders.join(', ') || 'no folder'} (pid ${holder.pid ?? '?'})`;
  }
  return `${holder.command ?? 'unknown command'}${holder.pid ? ` (pid ${holder.pid})` : ''}`;
}

function hubLines(hub: HubStatus): string[] {
  const lines = [
    `Hub: ${hub.state}${hub.url ? ` at \`${hub.url}\`` : ''}, ${hub.clients} client${hub.clients === 1 ? '' : 's'}`,
  ];
  if (hub.error) lines.push(`Hub error: ${escapeMarkdown(hub.error)}`);
  const legacy = hub.legacy;
  lines.push(
    legacy.state === 'disabled'
      ? 'Legacy endpoint: off'
      : `Legacy endpoint (port ${legacy.port}${legacy.mode ? `, ${legacy.mode}` : ''}): ${escapeMarkdown(legacyStateLabel(legacy))}${legacy.message ? ` (${escapeMarkdown(legacy.message)})` : ''}`,
  );
  return lines;
}

/** A run needs the legacy port and another program holds it: the status bar says so itself. */
function blockedRun(hub: HubStatus): boolean {
  return hub.legacy.state === 'port-in-use' && (hub.legacy.runs?.length ?? 0) > 0;
}

export function presentStatus(session: SessionSummary | undefined, hub: HubStatus): StatusPresentation {
  const { text, tone } = sessionText(session);
  const lines: string[] = [];
  if (session) {
    lines.push(`**Shannon session** \`${session.id}\`: ${session.state}`);
    if (session.task) lines.push(`Task: ${escapeMarkdown(shorten(session.task, 200))}`);
    if (session.error) lines.push(`Error: ${escapeMarkdown(shorten(session.error, 200))}`);
  } else {
    lines.push('**Shannon**: no session yet. Run *Shannon: Do* to start one.');
  }
  lines.push(...hubLines(hub), '', 'Click to show the Shannon Monitor.');
  if (blockedRun(hub)) {
    return {
      text: `$(warning) Shannon: port ${hub.legacy.port} blocked`,
      tooltip: lines.join('\n\n'),
      tone: 'warning',
    };
  }
  return { text, tooltip: lines.join('\n\n'), tone: hub.state === 'failed' ? 'error' : tone };
}

export interface ContextValues {
  'shannon.sessionState': string;
  'shannon.hasSession': boolean;
  'shannon.canHalt': boolean;
  'shannon.canResume': boolean;
  'shannon.canCancel': boolean;
  'shannon.hubRunning': boolean;
}

/**
 * `hasTerminal`: the session runs in a terminal we started, so Cancel can fall back to Ctrl-C.
 * Legacy (unauthenticated) sessions never get halt/resume: the legacy endpoint accepts no control.
 */
export function contextValuesFor(
  session: SessionSummary | undefined,
  hasTerminal: boolean,
  hubRunning: boolean,
): ContextValues {
  const live = session !== undefined && !FINAL_STATES.has(session.state);
  const steerable = live && session.reporterConnected && !session.unauthenticated;
  return {
    'shannon.sessionState': session?.state ?? 'none',
    'shannon.hasSession': session !== undefined,
    'shannon.canHalt': steerable && session!.state === 'running' && session!.capabilities.includes('halt'),
    'shannon.canResume': steerable && session!.state === 'halted' && session!.capabilities.includes('resume'),
    'shannon.canCancel': live && ((steerable && session!.capabilities.includes('cancel')) || hasTerminal),
    'shannon.hubRunning': hubRunning,
  };
}

export interface RunNotice {
  level: 'info' | 'error';
  message: string;
}

/**
 * Whether a state change deserves a notification: only a real transition into completed or failed
 * (not a session loaded already finished), only while the window is in the background, and only
 * when the user has not turned notifications off.
 */
export function noticeFor(
  before: SessionState | undefined,
  session: SessionSummary,
  windowFocused: boolean,
  enabled: boolean,
): RunNotice | undefined {
  if (before === undefined || before === session.state || FINAL_STATES.has(before)) return undefined;
  if (session.state !== 'completed' && session.state !== 'failed') return undefined;
  if (windowFocused || !enabled) return undefined;
  const task = session.task ? `: ${shorten(session.task, 80)}` : '';
  return session.state === 'completed'
    ? { level: 'info', message: `Shannon finished${task}` }
    : { level: 'error', message: `Shannon failed${task}${session.error ? ` (${shorten(session.error, 200)})` : ''}` };
}
