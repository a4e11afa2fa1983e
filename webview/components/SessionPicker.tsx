// Which session the panel shows: follow the active one (default) or pin one from history.
import type { SessionListEntry } from '../../src/protocol/webview';
import { shortSessionLabel } from '../format';
import { Icon } from './Icon';
import { STATUS_LOOK } from './status';
import { memo } from '../memo';

export const FOLLOW_ACTIVE = '';

function SessionPickerView(props: {
  sessions: SessionListEntry[];
  activeSessionId: string | null;
  pinnedSessionId: string | null;
  onPin(sessionId: string | null): void;
}) {
  const { sessions, pinnedSessionId } = props;
  const pinnedMissing = pinnedSessionId !== null && !sessions.some((s) => s.id === pinnedSessionId);
  return (
    <nav class="session-picker" aria-label="Sessions">
      <label for="session-select">
        <Icon name={pinnedSessionId ? 'pinned' : 'history'} />
        <span class="visually-hidden">Session</span>
      </label>
      <select
        id="session-select"
        value={pinnedSessionId ?? FOLLOW_ACTIVE}
        onChange={(e) => {
          const value = (e.currentTarget as HTMLSelectElement).value;
          props.onPin(value === FOLLOW_ACTIVE ? null : value);
        }}
      >
        <option value={FOLLOW_ACTIVE}>Follow active session</option>
        {pinnedMissing && <option value={pinnedSessionId!}>{pinnedSessionId}</option>}
        {sessions.map((s) => (
          <option key={s.id} value={s.id}>
            {STATUS_LOOK[s.state].label} · {shortSessionLabel(s.task, s.id)}
            {s.id === props.activeSessionId ? ' (active)' : ''}
          </option>
        ))}
      </select>
      {pinnedSessionId && (
        <button
          type="button"
          class="icon-button"
          title="Unpin: follow the active session"
          aria-label="Follow active session"
          onClick={() => props.onPin(null)}
        >
          <Icon name="close" />
        </button>
      )}
    </nav>
  );
}

export const SessionPicker = memo(SessionPickerView);
