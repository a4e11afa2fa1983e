// Steering and navigation buttons. Unavailable steering stays focusable (aria-disabled rather
// than disabled) so keyboard and screen-reader users can still reach the reason in its tooltip.
import type { SessionSummary } from '../../src/protocol/session';
import type { WebviewCommand } from '../../src/protocol/webview';
import { Icon } from './Icon';

export const LEGACY_STEERING_TOOLTIP =
  'Steering is disabled: this session came through the legacy endpoint, which has no authentication';

interface Availability {
  enabled: boolean;
  title: string;
}

function steering(session: SessionSummary, command: 'halt' | 'resume' | 'cancel'): Availability {
  if (session.unauthenticated) return { enabled: false, title: LEGACY_STEERING_TOOLTIP };
  const declared = session.capabilities.includes(command);
  switch (command) {
    case 'halt':
      if (session.state !== 'running') return { enabled: false, title: 'Only a running session can be halted' };
      if (!declared) return { enabled: false, title: 'The connected CLI does not support halt' };
      return { enabled: true, title: 'Ask the CLI to halt after the current step' };
    case 'resume':
      if (session.state !== 'halted') return { enabled: false, title: 'Only a halted session can be resumed' };
      if (!declared) return { enabled: false, title: 'The connected CLI does not support resume' };
      return { enabled: true, title: 'Ask the CLI to continue' };
    case 'cancel':
      if (session.state !== 'running' && session.state !== 'halted' && session.state !== 'pending') {
        return { enabled: false, title: 'The session has already ended' };
      }
      // Without the capability the host falls back to Ctrl-C in the session's terminal.
      return {
        enabled: true,
        title: declared ? 'Ask the CLI to cancel the run' : 'Cancel the run (sends Ctrl-C to its terminal)',
      };
  }
}

function ActionButton(props: {
  command: WebviewCommand;
  label: string;
  icon: string;
  availability: Availability;
  run: (command: WebviewCommand) => void;
  /** Show only the icon (the label stays for screen readers); keeps the row on one line in a narrow panel. */
  iconOnly?: boolean;
}) {
  const { enabled, title } = props.availability;
  return (
    <button
      type="button"
      class={props.iconOnly ? 'action icon-action' : 'action'}
      data-command={props.command}
      aria-disabled={enabled ? undefined : 'true'}
      title={title}
      onClick={() => enabled && props.run(props.command)}
    >
      <Icon name={props.icon} />
      <span class={props.iconOnly ? 'visually-hidden' : undefined}>{props.label}</span>
    </button>
  );
}

/** Halt / Resume / Cancel: the steering row under the header. */
export function Actions({ session, run }: { session: SessionSummary; run: (command: WebviewCommand) => void }) {
  return (
    <div class="actions" role="toolbar" aria-label="Steer the session">
      <ActionButton command="halt" label="Halt" icon="debug-pause" availability={steering(session, 'halt')} run={run} />
      <ActionButton
        command="resume"
        label="Resume"
        icon="debug-continue"
        availability={steering(session, 'resume')}
        run={run}
      />
      <ActionButton
        command="cancel"
        label="Cancel"
        icon="debug-stop"
        availability={steering(session, 'cancel')}
        run={run}
      />
    </div>
  );
}

/** Show Terminal / Open Log as icons next to the session id, so a narrow panel keeps one action row. */
export function SessionLinks({ run }: { run: (command: WebviewCommand) => void }) {
  const always = (title: string): Availability => ({ enabled: true, title });
  return (
    <>
      <ActionButton
        command="showTerminal"
        label="Show Terminal"
        icon="terminal"
        availability={always('Show Terminal: the terminal running this session')}
        run={run}
        iconOnly
      />
      <ActionButton
        command="openLog"
        label="Open Log"
        icon="output"
        availability={always('Open Log: the session log (JSONL journal)')}
        run={run}
        iconOnly
      />
    </>
  );
}
