// Who is running and how far: state, task, id, elapsed time, progress, trust badge, actions.
import { useEffect, useState } from 'preact/hooks';
import type { SessionSummary } from '../../src/protocol/session';
import type { WebviewCommand } from '../../src/protocol/webview';
import { formatClock, stepLabel } from '../format';
import { Actions, SessionLinks } from './Actions';
import { Icon } from './Icon';
import { STATUS_LOOK, isUnfinished } from './status';
import { memo } from '../memo';

function Elapsed({ session }: { session: SessionSummary }) {
  const running = isUnfinished(session.state);
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    if (!running) return;
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, [running]);
  const start = Date.parse(session.startedAt ?? session.createdAt);
  if (Number.isNaN(start)) return null;
  const endParsed = session.endedAt ? Date.parse(session.endedAt) : NaN;
  const end = running || Number.isNaN(endParsed) ? now : endParsed;
  return (
    <span class="elapsed" title="Elapsed time">
      <Icon name="watch" /> <span class="elapsed-value">{formatClock(end - start)}</span>
    </span>
  );
}

function Progress({ session }: { session: SessionSummary }) {
  const known = typeof session.progress === 'number' && Number.isFinite(session.progress);
  // Once a run completed, its last step and progress message are history, not where it is: show
  // 100% alone. A run that failed or stopped keeps them: that is where it stopped.
  const completed = session.state === 'completed';
  const stepText = session.stepsTotal && !completed ? stepLabel(session.currentStep, session.stepsTotal) : '';
  const message = completed ? undefined : session.progressMessage;
  if (!known && !stepText && !message) return null;
  const value = known ? Math.max(0, Math.min(100, session.progress!)) : undefined;
  return (
    <div class="progress">
      {value !== undefined && (
        <div
          class="progress-track"
          role="progressbar"
          aria-label="Progress"
          aria-valuemin={0}
          aria-valuemax={100}
          aria-valuenow={Math.round(value)}
        >
          <div class="progress-fill" style={{ width: `${value}%` }} />
        </div>
      )}
      <div class="progress-text">
        {value !== undefined && <span>{Math.round(value)}%</span>}
        {stepText && <span>{stepText}</span>}
        {message && <span class="progress-message">{message}</span>}
      </div>
    </div>
  );
}

function HeaderView(props: {
  session: SessionSummary;
  run: (command: WebviewCommand) => void;
  copy: (text: string) => void;
}) {
  const { session } = props;
  const look = STATUS_LOOK[session.state];
  return (
    <header class="session-header" aria-label="Session">
      <div class="header-line">
        <span class={`status-badge state-${session.state}`} data-state={session.state}>
          <Icon name={look.icon} spin={look.spin} /> <span>{look.label}</span>
        </span>
        {session.unauthenticated && (
          <span
            class="legacy-badge"
            title="This session came through the legacy Socket.IO endpoint on port 8000, which has no authentication"
          >
            <Icon name="unlock" /> legacy, unauthenticated
          </span>
        )}
        <Elapsed session={session} />
      </div>
      <h1 class="task" title={session.task ?? ''}>
        {session.task ?? 'Untitled session'}
      </h1>
      <div class="session-id">
        <code>{session.id}</code>
        <button
          type="button"
          class="icon-button"
          title="Copy session id"
          aria-label="Copy session id"
          onClick={() => props.copy(session.id)}
        >
          <Icon name="copy" />
        </button>
        <SessionLinks run={props.run} />
      </div>
      <Progress session={session} />
      {session.state === 'failed' && session.error && <p class="session-error">{session.error}</p>}
      {session.state === 'lost' && (
        <p class="session-note">
          <Icon name="debug-disconnect" /> The CLI stopped reporting without a final event
          {session.exitCode !== undefined ? ` (exit code ${session.exitCode})` : ''}.
        </p>
      )}
      {session.waitingForCli && (
        <div class="waiting" role="status">
          <Icon name="loading" spin /> <span>Waiting for the Shannon CLI to report…</span>
          <button type="button" class="link-button" onClick={() => props.run('showTerminal')}>
            Show Terminal
          </button>
        </div>
      )}
      <Actions session={session} run={props.run} />
    </header>
  );
}

export const Header = memo(HeaderView);
