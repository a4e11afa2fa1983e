// One event in full: the list shows a one-line summary, this shows everything the event carries
// (kind, seq, exact time, its data as indented JSON), always as text. Escape or Close returns to
// the list; Copy puts the whole event on the clipboard as JSON.
import { useMemo } from 'preact/hooks';
import type { EventEnvelope } from '../../src/protocol/wire';
import { Icon } from './Icon';

/** Past this, the panel shows the start of the data and says how much more Copy would give. */
const MAX_SHOWN_CHARS = 100_000;

export function EventDetails({
  event,
  onClose,
  onCopy,
}: {
  event: EventEnvelope;
  onClose(): void;
  onCopy(text: string): void;
}) {
  const dataText = useMemo(() => {
    const text = JSON.stringify(event.data, null, 2) ?? '{}';
    return text.length > MAX_SHOWN_CHARS
      ? `${text.slice(0, MAX_SHOWN_CHARS)}\n… ${text.length - MAX_SHOWN_CHARS} more characters (Copy gets all of it)`
      : text;
  }, [event]);
  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.preventDefault();
      onClose();
    }
  };
  return (
    <section class="event-details" aria-label={`Event ${event.seq} details`} onKeyDown={onKeyDown}>
      <div class="event-details-head">
        <span class="event-details-kind">{event.kind}</span>
        <span class="muted">#{event.seq}</span>
        <time class="muted event-details-time" dateTime={event.ts}>
          {event.ts}
        </time>
        <button
          type="button"
          class="icon-button"
          title="Copy event as JSON"
          onClick={() => onCopy(JSON.stringify(event, null, 2))}
        >
          <Icon name="copy" />
          <span class="visually-hidden">Copy event as JSON</span>
        </button>
        <button type="button" class="icon-button event-details-close" title="Close details (Escape)" onClick={onClose}>
          <Icon name="close" />
          <span class="visually-hidden">Close details</span>
        </button>
      </div>
      <pre class="event-details-data" tabIndex={0} aria-label="Event data">
        {dataText}
      </pre>
    </section>
  );
}
