// The event stream: toolbar (kind filter, search, time mode) over a windowed list. Rows have a
// fixed height, so only the rows in view (plus a small overscan) exist in the DOM at any length.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { EventEnvelope } from '../../src/protocol/wire';
import type { FilteredEvents } from '../event-filter';
import type { TimeMode } from '../ui-state';
import { memo } from '../memo';
import { Icon } from './Icon';

export const ROW_HEIGHT = 22;
const OVERSCAN = 8;

export interface EventStreamProps {
  events: EventEnvelope[];
  filtered: FilteredEvents;
  rowCount: number;
  kindCounts: Map<string, number>;
  /** Changes when a new kind appears; the filter's options are rebuilt only then. */
  kindsVersion: number;
  kindFilter: string;
  search: string;
  timeMode: TimeMode;
  followTail: boolean;
  initialScrollTop: number;
  originMs: number | undefined;
  onKindFilter(value: string): void;
  onSearch(value: string): void;
  onTimeMode(mode: TimeMode): void;
  onFollowTail(follow: boolean): void;
  onScrollSettled(scrollTop: number): void;
}

function kindOptions(kindCounts: Map<string, number>): { value: string; label: string }[] {
  const kinds = [...kindCounts.keys()].sort();
  const families = new Set<string>();
  for (const kind of kinds) {
    const colon = kind.indexOf(':');
    if (colon > 0) families.add(`${kind.slice(0, colon)}:*`);
  }
  return [
    { value: '', label: 'All kinds' },
    ...[...families].map((family) => ({ value: family, label: family })),
    ...kinds.map((kind) => ({ value: kind, label: kind })),
  ];
}

function kindClass(kind: string): string {
  if (kind.endsWith(':failed') || kind === 'execution:cancelled') return 'kind-bad';
  if (kind.endsWith(':completed')) return 'kind-good';
  if (kind.endsWith(':halted')) return 'kind-warn';
  return '';
}

/** One row; memoized, so an append renders only the rows that entered the window. */
const EventRow = memo(function EventRow({ row, event, text, time }: { row: number; event: EventEnvelope; text: string; time: string }) {
  return (
    <div
      class={`event-row ${kindClass(event.kind)}`}
      role="listitem"
      aria-posinset={row + 1}
      data-seq={event.seq}
      style={{ top: `${row * ROW_HEIGHT}px` }}
    >
      <span class="event-time">{time}</span>
      <span class="event-kind">{event.kind}</span>
      <span class="event-text" title={text}>{text}</span>
    </div>
  );
});

export function EventStream(props: EventStreamProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const [viewport, setViewport] = useState({ top: props.initialScrollTop, height: 400 });
  const [pausedAtCount, setPausedAtCount] = useState(props.rowCount);
  const restored = useRef(false);
  const settleTimer = useRef<ReturnType<typeof setTimeout>>();

  // "N new" counts rows added since the pause under the current filter, so restart it with the filter.
  useEffect(() => setPausedAtCount(props.rowCount), [props.kindFilter, props.search]);

  // Track the list's own height (the panel is resized by the user, and differs view vs editor).
  useLayoutEffect(() => {
    const el = scroller.current!;
    const observer = new ResizeObserver(() => setViewport((v) => ({ ...v, height: el.clientHeight })));
    observer.observe(el);
    setViewport((v) => ({ ...v, height: el.clientHeight }));
    return () => observer.disconnect();
  }, []);

  const setTop = (scrollTop: number) => setViewport((v) => (v.top === scrollTop ? v : { ...v, top: scrollTop }));

  // While following, the window is derived from the row count, so an append renders once.
  const top = props.followTail ? Math.max(0, props.rowCount * ROW_HEIGHT - viewport.height) : viewport.top;

  // After every render: keep the tail in view while following, or restore the saved position once.
  useLayoutEffect(() => {
    const el = scroller.current!;
    if (props.followTail) {
      if (Math.abs(el.scrollTop - top) >= 1) el.scrollTop = top;
      restored.current = true;
    } else if (!restored.current && props.rowCount > 0) {
      el.scrollTop = props.initialScrollTop;
      restored.current = true;
      setTop(el.scrollTop);
    }
  });


  const onScroll = () => {
    const el = scroller.current!;
    const atBottom = el.scrollTop + el.clientHeight >= props.rowCount * ROW_HEIGHT - ROW_HEIGHT / 2;
    // Our own scroll to the tail needs no state change (the window is derived while following).
    if (!(props.followTail && atBottom)) setTop(el.scrollTop);
    if (props.followTail && !atBottom) {
      setPausedAtCount(props.rowCount);
      props.onFollowTail(false);
    } else if (!props.followTail && atBottom && restored.current) {
      props.onFollowTail(true);
    }
    clearTimeout(settleTimer.current);
    settleTimer.current = setTimeout(() => props.onScrollSettled(el.scrollTop), 150);
  };

  const onKeyDown = (e: KeyboardEvent) => {
    const el = scroller.current!;
    if (e.key === 'End') {
      e.preventDefault();
      props.onFollowTail(true);
    } else if (e.key === 'Home') {
      e.preventDefault();
      el.scrollTop = 0;
    }
  };

  const first = Math.max(0, Math.floor(top / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(props.rowCount, Math.ceil((top + viewport.height) / ROW_HEIGHT) + OVERSCAN);
  const options = useMemo(() => kindOptions(props.kindCounts), [props.kindsVersion, props.kindCounts]);
  const rows = [];
  for (let row = first; row < last; row++) {
    const index = props.filtered.eventIndexAt(row);
    const event = props.events[index];
    rows.push(
      <EventRow
        key={event.seq}
        row={row}
        event={event}
        text={props.filtered.summaryOf(props.events, index)}
        time={props.filtered.timeOf(props.events, index, props.timeMode, props.originMs)}
      />,
    );
  }

  const newSincePause = Math.max(0, props.rowCount - pausedAtCount);
  return (
    <section class="event-stream" aria-label="Events">
      <div class="event-toolbar" role="search">
        <label class="visually-hidden" for="kind-filter">Filter by kind</label>
        <select id="kind-filter" value={props.kindFilter} onChange={(e) => props.onKindFilter((e.currentTarget as HTMLSelectElement).value)}>
          {options.map((o) => (
            <option key={o.value} value={o.value}>{o.label}</option>
          ))}
          {props.kindFilter && !props.kindCounts.has(props.kindFilter) && !props.kindFilter.endsWith(':*') && (
            <option value={props.kindFilter}>{props.kindFilter} (0)</option>
          )}
        </select>
        <div class="search-box">
          <Icon name="search" />
          <input
            type="search"
            aria-label="Search events"
            placeholder="Search events"
            value={props.search}
            onInput={(e) => props.onSearch((e.currentTarget as HTMLInputElement).value)}
          />
        </div>
        <button
          type="button"
          class="icon-button time-toggle"
          aria-pressed={props.timeMode === 'absolute'}
          title={props.timeMode === 'absolute' ? 'Showing clock time; switch to time since start' : 'Showing time since start; switch to clock time'}
          onClick={() => props.onTimeMode(props.timeMode === 'absolute' ? 'relative' : 'absolute')}
        >
          <Icon name={props.timeMode === 'absolute' ? 'clock' : 'watch'} />
          <span class="visually-hidden">Absolute time</span>
        </button>
      </div>
      <div
        ref={scroller}
        class="event-scroll"
        tabIndex={0}
        role="region"
        aria-label={`Event list, ${props.rowCount} events. Arrow keys and Page Up/Down scroll, End follows new events.`}
        onScroll={onScroll}
        onKeyDown={onKeyDown}
      >
        <div class="event-list" role="list" style={{ height: `${props.rowCount * ROW_HEIGHT}px` }}>
          {rows}
        </div>
        {props.rowCount === 0 && <p class="muted event-empty">{props.events.length ? 'No events match the filter.' : 'No events yet.'}</p>}
      </div>
      {!props.followTail && (
        <button type="button" class="resume-follow" onClick={() => props.onFollowTail(true)}>
          <Icon name="arrow-down" /> Resume following{newSincePause > 0 ? ` (${newSincePause} new)` : ''}
        </button>
      )}
    </section>
  );
}
