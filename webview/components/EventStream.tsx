// The event stream: toolbar (kind filter, search, time mode) over the windowed list. The list
// itself (EventListView) is imperative; this component owns its container, the follow state and
// the "Resume following" button. Appends that change nothing else, and rows the list asked the
// host for, reach the list directly through `appendSink`, without re-rendering the app. Filters
// run on the host over the whole session; while one runs, the toolbar shows its match count.
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { RowStore } from '../event-rows';
import { EventListView, type ListData, type SelectionMove } from '../event-list-view';
import type { QueryView } from '../monitor-model';
import { memo } from '../memo';
import type { TimeMode } from '../ui-state';
import { EventDetails } from './EventDetails';
import { Icon } from './Icon';

export interface EventStreamProps {
  /** The rows shown: every event of the session, or the filter's matches. */
  rows: RowStore;
  /** The filter the host runs, or null when every event is shown. */
  query: QueryView | null;
  /** Every event of the session (its count says whether the session has any). */
  eventCount: number;
  /** Bumped by each snapshot (the rows were replaced). */
  generation: number;
  kinds: Set<string>;
  /** Changes when a new kind appears; the filter's options are rebuilt only then. */
  kindsVersion: number;
  kindFilter: string;
  search: string;
  timeMode: TimeMode;
  followTail: boolean;
  initialScrollTop: number;
  originMs: number | undefined;
  /** The model calls `appendSink.current()` when only events were appended or rows arrived. */
  appendSink: { current: (() => void) | null };
  onKindFilter(value: string): void;
  onSearch(value: string): void;
  onTimeMode(mode: TimeMode): void;
  onFollowTail(follow: boolean): void;
  onScrollSettled(scrollTop: number): void;
  onCopy(text: string): void;
}

function kindOptions(kindSet: Set<string>): { value: string; label: string }[] {
  const kinds = [...kindSet].sort();
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

/** Filter, search and time mode; memoized so appends do not re-render it. */
const EventToolbar = memo(function EventToolbar(props: {
  kinds: Set<string>;
  kindsVersion: number;
  kindFilter: string;
  search: string;
  timeMode: TimeMode;
  onKindFilter(value: string): void;
  onSearch(value: string): void;
  onTimeMode(mode: TimeMode): void;
}) {
  const options = useMemo(() => kindOptions(props.kinds), [props.kindsVersion, props.kinds]);
  return (
    <div class="event-toolbar" role="search">
      <label class="visually-hidden" for="kind-filter">
        Filter by kind
      </label>
      <select
        id="kind-filter"
        value={props.kindFilter}
        onChange={(e) => props.onKindFilter((e.currentTarget as HTMLSelectElement).value)}
      >
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
        {props.kindFilter && !props.kinds.has(props.kindFilter) && !props.kindFilter.endsWith(':*') && (
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
        title={
          props.timeMode === 'absolute'
            ? 'Showing clock time; switch to time since start'
            : 'Showing time since start; switch to clock time'
        }
        onClick={() => props.onTimeMode(props.timeMode === 'absolute' ? 'relative' : 'absolute')}
      >
        <Icon name={props.timeMode === 'absolute' ? 'clock' : 'watch'} />
        <span class="visually-hidden">Absolute time</span>
      </button>
    </div>
  );
});

/** "1,234 matches", "1,234 matches so far (40% searched)", or why the search stopped. */
function queryStatus(query: QueryView, matched: number): string {
  const count = `${matched.toLocaleString('en-US')} ${matched === 1 ? 'match' : 'matches'}`;
  if (query.error) return `${count}; the search stopped: ${query.error}`;
  if (!query.started) return 'Searching…';
  if (query.done) return count;
  const percent = query.total > 0 ? Math.floor((query.scanned / query.total) * 100) : 0;
  return `${count} so far (${percent}% searched)`;
}

export function EventStream(props: EventStreamProps) {
  const scroller = useRef<HTMLDivElement>(null);
  const spacer = useRef<HTMLDivElement>(null);
  const windowEl = useRef<HTMLDivElement>(null);
  const view = useRef<EventListView | null>(null);
  const latest = useRef(props);
  latest.current = props;
  const [pausedAtCount, setPausedAtCount] = useState(0);
  const [, setAppendTick] = useState(0);
  /** The row whose event's details are open, or null. */
  const [detailsRow, setDetailsRow] = useState<number | null>(null);
  const detailsOpen = useRef(false);
  detailsOpen.current = detailsRow !== null;
  const detailsWaiting = useRef(false);

  const rowCount = props.rows.count;
  const listData = (p: EventStreamProps): ListData => ({
    rows: p.rows,
    rowCount: p.rows.count,
    timeMode: p.timeMode,
    originMs: p.originMs,
    dataKey: `${p.generation}|${p.query?.id ?? 0}|${p.timeMode}|${p.originMs}`,
  });

  useLayoutEffect(() => {
    const list = new EventListView(
      scroller.current!,
      spacer.current!,
      windowEl.current!,
      {
        followChanged: (follow) => {
          if (!follow) setPausedAtCount(latest.current.rows.count);
          latest.current.onFollowTail(follow);
        },
        scrollSettled: (top) => latest.current.onScrollSettled(top),
        // Open details follow the selection, so the arrow keys step through events.
        selectionChanged: (row) => {
          if (detailsOpen.current && row !== undefined) setDetailsRow(row);
        },
        rowClicked: (row) => setDetailsRow(row),
      },
      props.initialScrollTop,
    );
    view.current = list;
    return () => list.dispose();
  }, []);

  // Every render: hand the list its data (it re-windows; unchanged rows keep their nodes).
  useLayoutEffect(() => {
    view.current!.update(listData(props), props.followTail);
  });

  // Appends and arriving rows that changed nothing else: update the list directly, re-render
  // only for the counter, the empty-list text, or details waiting for their event.
  useLayoutEffect(() => {
    props.appendSink.current = () => {
      const p = latest.current;
      const count = p.rows.count;
      view.current!.update(listData(p), p.followTail);
      if (!p.followTail || count <= 1 || detailsWaiting.current) setAppendTick((t) => t + 1);
    };
    return () => {
      props.appendSink.current = null;
    };
  }, [props.appendSink]);

  // "N new" counts rows added since the pause under the current filter, so restart it with the filter.
  useEffect(() => setPausedAtCount(rowCount), [props.query?.id, props.generation]);
  // A snapshot or another filter renumbers the rows: a row number means nothing now.
  useEffect(() => setDetailsRow(null), [props.generation, props.query?.id]);

  const closeDetails = () => {
    setDetailsRow(null);
    scroller.current?.focus({ preventScroll: true });
  };

  const moves: Record<string, SelectionMove> = {
    ArrowUp: 'up',
    ArrowDown: 'down',
    PageUp: 'pageUp',
    PageDown: 'pageDown',
  };
  const onKeyDown = (e: KeyboardEvent) => {
    const list = view.current!;
    if (e.key in moves) {
      e.preventDefault();
      list.moveSelection(moves[e.key]);
    } else if (e.key === 'End') {
      e.preventDefault();
      list.clearSelection();
      props.onFollowTail(true);
    } else if (e.key === 'Home') {
      e.preventDefault();
      list.scrollToTop();
      list.moveSelection('first');
    } else if (e.key === 'Enter' || e.key === ' ') {
      e.preventDefault();
      if (list.selectedRow() === undefined) list.moveSelection('up');
      const row = list.selectedRow();
      if (row !== undefined) setDetailsRow(row);
    } else if (e.key === 'Escape') {
      if (detailsRow !== null) setDetailsRow(null);
      else list.clearSelection();
    }
  };

  const newSincePause = Math.max(0, rowCount - pausedAtCount);
  const detailsEvent = detailsRow !== null ? props.rows.get(detailsRow) : undefined;
  detailsWaiting.current = detailsRow !== null && detailsEvent === undefined;
  const query = props.query;
  return (
    <section class="event-stream" aria-label="Events">
      <EventToolbar
        kinds={props.kinds}
        kindsVersion={props.kindsVersion}
        kindFilter={props.kindFilter}
        search={props.search}
        timeMode={props.timeMode}
        onKindFilter={props.onKindFilter}
        onSearch={props.onSearch}
        onTimeMode={props.onTimeMode}
      />
      {query && (
        <p class="muted query-status" role="status" aria-live="polite">
          {queryStatus(query, rowCount)}
        </p>
      )}
      {/* The viewport has its size from the layout, the scroller fills it absolutely: that makes the
          scroller a relayout boundary, so an append lays out the list, not the whole page. */}
      <div class="event-viewport">
        <div
          ref={scroller}
          class="event-scroll"
          tabIndex={0}
          role="listbox"
          aria-label="Events. Up and Down select an event, Enter shows its details, Home goes to the first event, End follows new events."
          onKeyDown={onKeyDown}
        >
          {/* The spacer gives the full scroll height; the list moves the window of rows inside it. */}
          <div ref={spacer} class="event-list" role="none">
            <div ref={windowEl} class="event-window" role="none" />
          </div>
        </div>
        {rowCount === 0 && (
          <p class="muted event-empty">
            {props.eventCount === 0
              ? 'No events yet.'
              : query && !query.done
                ? 'Searching…'
                : 'No events match the filter.'}
          </p>
        )}
      </div>
      {!props.followTail && (
        <button type="button" class="resume-follow" onClick={() => props.onFollowTail(true)}>
          <Icon name="arrow-down" /> Resume following{newSincePause > 0 ? ` (${newSincePause} new)` : ''}
        </button>
      )}
      {detailsEvent && <EventDetails event={detailsEvent} onClose={closeDetails} onCopy={props.onCopy} />}
    </section>
  );
}
