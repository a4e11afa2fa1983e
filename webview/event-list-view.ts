// The windowed event list, kept outside Preact on purpose: an append is the hottest path of the
// Monitor (docs/architecture.md: <= 0.5 ms per event), and creating one row node and dropping another is far
// cheaper than diffing a component tree. Rows have a fixed height; only the rows in view plus a
// small overscan exist. Rows the webview does not hold yet show as "Loading…" and are asked for
// (RowSource.want); they are drawn when they arrive. Text goes in through textContent, so event
// content is never parsed as HTML.
import type { EventEnvelope } from '../src/protocol/wire';
import { rowTone, summarizeEvent, type RowTone } from '../src/protocol/families/index';
import { formatEventTime } from './format';
import type { TimeMode } from './ui-state';

export const ROW_HEIGHT = 22;
const OVERSCAN = 6;
/** The rendered window grows and shrinks in steps of this many rows (see render). */
const CHUNK = 16;
/** How close to the end counts as "at the bottom" (half a row). */
const BOTTOM_SLACK = ROW_HEIGHT / 2;
/**
 * The tallest the scrolled content gets. Browsers cap an element's height (Chromium near 33.5M
 * px, 1.5M rows), and positions that large lose sub-pixel precision; a longer list scrolls
 * through this height, each pixel standing for proportionally more of the list.
 */
export const MAX_SCROLL_PX = 8_000_000;

/** The list's rows as far as they are held; `want` asks for the rest of a window. */
export interface RowSource {
  get(row: number): EventEnvelope | undefined;
  want(first: number, last: number): void;
}

export interface ListData {
  rows: RowSource;
  rowCount: number;
  timeMode: TimeMode;
  originMs: number | undefined;
  /** Changes whenever the row -> event mapping changes (new snapshot, other filter, time format). */
  dataKey: string;
}

export interface ListCallbacks {
  /** The user scrolled away from the tail (pause) or back to it (resume). */
  followChanged(follow: boolean): void;
  /** The scroll position after scrolling stopped, to save in the webview state. */
  scrollSettled(scrollTop: number): void;
  /** The selected row changed; undefined when nothing is selected. */
  selectionChanged(row: number | undefined): void;
  /** A row was clicked: show that event's details. */
  rowClicked(row: number): void;
}

/** Where a keyboard move takes the selection. */
export type SelectionMove = 'up' | 'down' | 'pageUp' | 'pageDown' | 'first' | 'last';

const ROW_CLASS: Record<RowTone, string> = {
  good: 'event-row kind-good',
  bad: 'event-row kind-bad',
  warn: 'event-row kind-warn',
  plain: 'event-row',
};

function rowId(row: number): string {
  return `event-row-${row}`;
}

/** An empty row: time, kind and text spans, filled in per event by createRow. */
function makeRowTemplate(): HTMLElement {
  const row = document.createElement('div');
  // Options of the list box the scroller is; the total changes with every append, so "unknown".
  row.setAttribute('role', 'option');
  row.setAttribute('aria-selected', 'false');
  row.setAttribute('aria-setsize', '-1');
  for (const className of ['event-time', 'event-kind', 'event-text']) {
    const part = document.createElement('span');
    part.className = className;
    row.append(part);
  }
  return row;
}

export class EventListView {
  private data: ListData | undefined;
  private follow = true;
  private height = 0;
  /** Where the view's top is in the list (rows x ROW_HEIGHT), whatever the scroller's own scale. */
  private scrollTop = 0;
  /** Rendered rows by row number (within the current dataKey). */
  private rows = new Map<number, HTMLElement>();
  /** Rendered rows still waiting for their event. */
  private readonly loading = new Set<number>();
  private dataKey = '';
  /** The tail position we last scrolled to ourselves, and whether its scroll event is still due. */
  private lastSetTop = -1;
  private selfScroll = false;
  private selfScrollTop = 0;
  private pendingRestore: number | undefined;
  /** Last values written to the spacer and window styles; unchanged ones are not written again. */
  private spacerHeight = '';
  /** A scroll position to apply once the layout that makes it reachable is done. */
  private pendingScroll: number | undefined;
  private windowTransform = '';
  private settleTimer: ReturnType<typeof setTimeout> | undefined;
  private readonly resizeObserver: ResizeObserver;
  private readonly rowTemplate = makeRowTemplate();
  /** The selected row number (within the current dataKey), for the keyboard and the details. */
  private selected: number | undefined;

  constructor(
    private readonly scroller: HTMLElement,
    private readonly spacer: HTMLElement,
    private readonly windowEl: HTMLElement,
    private readonly callbacks: ListCallbacks,
    initialScrollTop: number,
  ) {
    this.pendingRestore = initialScrollTop;
    this.height = scroller.clientHeight;
    // Runs after layout, before paint: the viewport's new height, and the moment to follow the
    // tail once the spacer has grown (see render).
    this.resizeObserver = new ResizeObserver((entries) => {
      if (entries.some((entry) => entry.target === this.scroller)) {
        this.height = this.scroller.clientHeight;
        this.render();
      }
      if (this.pendingScroll !== undefined) this.scrollTo(this.pendingScroll);
    });
    this.resizeObserver.observe(scroller);
    this.resizeObserver.observe(spacer);
    // A list taller than MAX_SCROLL_PX keeps its spacer's height: rows coming and going change the
    // window's instead, which brings the same after-layout moment.
    this.resizeObserver.observe(windowEl);
    scroller.addEventListener('scroll', this.onScroll, { passive: true });
    windowEl.addEventListener('click', this.onClick);
  }

  dispose(): void {
    this.resizeObserver.disconnect();
    this.scroller.removeEventListener('scroll', this.onScroll);
    this.windowEl.removeEventListener('click', this.onClick);
    clearTimeout(this.settleTimer);
  }

  /** New data and/or follow mode; re-windows. Cheap when only rows were appended. */
  update(data: ListData, follow: boolean): void {
    if (follow && !this.follow) this.lastSetTop = -1;
    this.follow = follow;
    this.data = data;
    this.render();
  }

  scrollToTop(): void {
    this.scroller.scrollTop = 0;
  }

  /** The list's height in list pixels, and the scroller's (capped at MAX_SCROLL_PX). */
  private heights(): { list: number; scroller: number } {
    const list = (this.data?.rowCount ?? 0) * ROW_HEIGHT;
    return { list, scroller: Math.min(list, MAX_SCROLL_PX) };
  }

  /** A scroller position as a list position: the scrollable ranges map onto each other linearly. */
  private toList(scrollerTop: number): number {
    const { list, scroller } = this.heights();
    if (list === scroller) return scrollerTop;
    const range = scroller - this.height;
    return range > 0 ? (scrollerTop * (list - this.height)) / range : 0;
  }

  private toScroller(listTop: number): number {
    const { list, scroller } = this.heights();
    if (list === scroller) return listTop;
    const range = list - this.height;
    return range > 0 ? Math.round((listTop * (scroller - this.height)) / range) : 0;
  }

  /** The selected row, if any. */
  selectedRow(): number | undefined {
    return this.selected;
  }

  /** Move the selection from the keyboard and scroll it into view. With nothing selected, the
   *  first move starts from the row the user is looking at (the newest in view while following). */
  moveSelection(move: SelectionMove): void {
    const rowCount = this.data?.rowCount ?? 0;
    if (rowCount === 0) return;
    const page = Math.max(1, Math.floor(this.height / ROW_HEIGHT) - 1);
    const firstInView = Math.min(rowCount - 1, Math.ceil(this.scrollTop / ROW_HEIGHT));
    const lastInView = Math.max(0, Math.min(rowCount - 1, Math.floor((this.scrollTop + this.height) / ROW_HEIGHT) - 1));
    const from = this.selected ?? (this.follow ? lastInView : firstInView);
    const unselected = this.selected === undefined;
    const target = {
      up: unselected ? from : from - 1,
      down: unselected ? from : from + 1,
      pageUp: from - page,
      pageDown: from + page,
      first: 0,
      last: rowCount - 1,
    }[move];
    this.select(Math.max(0, Math.min(rowCount - 1, target)));
    this.reveal(this.selected!);
  }

  clearSelection(): void {
    this.select(undefined);
  }

  private select(row: number | undefined): void {
    if (row === this.selected) return;
    if (this.selected !== undefined) this.markSelected(this.rows.get(this.selected), false);
    this.selected = row;
    if (row !== undefined) this.markSelected(this.rows.get(row), true);
    this.updateActiveDescendant();
    this.callbacks.selectionChanged(this.selected);
  }

  private markSelected(el: HTMLElement | undefined, selected: boolean): void {
    if (!el) return;
    el.classList.toggle('selected', selected);
    el.setAttribute('aria-selected', String(selected));
  }

  /** The focused list names its selected row for screen readers, while that row is rendered. */
  private updateActiveDescendant(): void {
    if (this.selected !== undefined && this.rows.has(this.selected))
      this.scroller.setAttribute('aria-activedescendant', rowId(this.selected));
    else this.scroller.removeAttribute('aria-activedescendant');
  }

  /** Scroll just enough for the row to be fully in view (scrolling up pauses following, as a user's scroll does). */
  private reveal(row: number): void {
    const top = row * ROW_HEIGHT;
    let target: number;
    if (top < this.scrollTop) target = top;
    else if (top + ROW_HEIGHT > this.scrollTop + this.height) target = top + ROW_HEIGHT - this.height;
    else return;
    this.scroller.scrollTop = this.toScroller(target);
    // The list position itself, not read back: on a scaled scroller that would be off by a fraction.
    this.scrollTop = target;
    // Decided here, not by the scroll event: an append before it would scroll back to the tail.
    if (this.follow && !this.isAtBottom(this.scrollTop, this.height)) this.pauseFollowing();
    this.render();
  }

  /** Whether a view of `height` at `top` shows the last row (within half a row). */
  private isAtBottom(top: number, height: number): boolean {
    return top + height >= (this.data?.rowCount ?? 0) * ROW_HEIGHT - BOTTOM_SLACK;
  }

  /** The user moved away from the tail. A tail position still waiting for the resize observer
   *  must not pull them back down. */
  private pauseFollowing(): void {
    this.follow = false;
    this.pendingScroll = undefined;
    this.callbacks.followChanged(false);
  }

  private readonly onClick = (e: MouseEvent): void => {
    const rowEl = (e.target as Element | null)?.closest?.('.event-row');
    if (!rowEl || !this.data) return;
    const row = Number(rowEl.getAttribute('aria-posinset')) - 1;
    if (!Number.isInteger(row) || row < 0 || row >= this.data.rowCount) return;
    this.select(row);
    this.scroller.focus({ preventScroll: true });
    this.callbacks.rowClicked(row);
  };

  private readonly onScroll = (): void => {
    // The scroll we caused by following the tail: nothing to decide.
    if (this.selfScroll) {
      this.selfScroll = false;
      // Unless the user scrolled elsewhere before our scroll's event came (one event for both).
      // Layout is clean at scroll-event time, so this read costs nothing on the append path.
      if (Math.abs(this.scroller.scrollTop - this.selfScrollTop) < 1) return;
    }
    this.lastSetTop = -1;
    const el = this.scroller;
    this.scrollTop = this.toList(el.scrollTop);
    const atBottom = this.isAtBottom(this.scrollTop, el.clientHeight);
    if (this.follow && !atBottom) {
      this.pauseFollowing();
    } else if (!this.follow && atBottom && this.pendingRestore === undefined) {
      this.follow = true;
      this.callbacks.followChanged(true);
    }
    this.render();
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => this.callbacks.scrollSettled(this.scrollTop), 150);
  };

  private render(): void {
    const data = this.data;
    if (!data) return;
    if (data.dataKey !== this.dataKey) {
      this.dataKey = data.dataKey;
      this.rows.clear();
      this.loading.clear();
      this.windowEl.replaceChildren();
      // Row numbers mean other events now (another filter or snapshot).
      if (this.selected !== undefined) this.select(undefined);
    }
    const total = data.rowCount * ROW_HEIGHT;

    // Where the view will be. Following the tail, that is computed, not read: reading the scroll
    // position (or writing it before the DOM changes) would cost a second style and layout pass.
    let top: number;
    let scrollTo: number | undefined;
    if (this.follow) {
      top = Math.max(0, total - this.height);
      if (top !== this.lastSetTop) scrollTo = top;
      this.pendingRestore = undefined;
    } else if (this.pendingRestore !== undefined && data.rowCount > 0) {
      // First data after a reload while paused: go back to where the user was.
      top = Math.min(this.pendingRestore, Math.max(0, total - this.height));
      scrollTo = top;
      this.pendingRestore = undefined;
    } else {
      top = this.scrollTop;
    }
    this.scrollTop = top;

    // The rendered window starts and ends on chunk boundaries, so an ordinary append only adds a
    // row at the end: no row leaves at the top and the window does not move, except once a chunk.
    const firstVisible = Math.floor(top / ROW_HEIGHT);
    const lastVisible = Math.ceil((top + this.height) / ROW_HEIGHT);
    const first = Math.max(0, Math.floor((firstVisible - OVERSCAN) / CHUNK) * CHUNK);
    const last = Math.min(data.rowCount, Math.ceil((lastVisible + OVERSCAN) / CHUNK) * CHUNK);
    let rowsChanged = false;
    for (const [row, el] of this.rows) {
      if (row < first || row >= last) {
        rowsChanged = true;
        el.remove();
        this.rows.delete(row);
        this.loading.delete(row);
      }
    }
    // Rows that were loading and have arrived are drawn anew.
    for (const row of this.loading) {
      if (!data.rows.get(row)) continue;
      rowsChanged = true;
      this.rows.get(row)?.remove();
      this.rows.delete(row);
      this.loading.delete(row);
    }
    // Insert missing rows in order; rows already present keep their nodes.
    let cursor = this.windowEl.firstChild;
    for (let row = first; row < last; row++) {
      let el = this.rows.get(row);
      if (!el) {
        el = this.createRow(data, row);
        this.rows.set(row, el);
        rowsChanged = true;
      }
      if (el === cursor) cursor = cursor.nextSibling;
      else this.windowEl.insertBefore(el, cursor);
    }
    if (this.selected !== undefined) this.updateActiveDescendant();
    // Ask for what is shown (and the overscan) but not held; answers come back through update().
    if (this.loading.size > 0) data.rows.want(first, last);
    // Rows sit where the list position puts them relative to the view's top (the same place
    // unless the scroller is scaled).
    const offset = first * ROW_HEIGHT - top + this.toScroller(top);
    const transform = `translateY(${offset}px)`;
    if (this.windowTransform !== transform) this.windowEl.style.transform = this.windowTransform = transform;
    const height = `${Math.min(total, MAX_SCROLL_PX)}px`;
    const grew = this.spacerHeight !== height;
    if (grew) this.spacer.style.height = this.spacerHeight = height;

    if (scrollTo === undefined) return;
    // Writing scrollTop now would force a synchronous layout of everything just changed. When the
    // spacer or the window changed size, the resize observer runs after the frame's own layout,
    // before paint, and scrolls there at no layout cost (a window that kept its size by losing as
    // many rows as it gained: the next frame scrolls); with nothing changed, scroll now.
    if (grew || rowsChanged) {
      this.pendingScroll = scrollTo;
      if (!grew)
        requestAnimationFrame(() => {
          if (this.pendingScroll !== undefined) this.scrollTo(this.pendingScroll);
        });
    } else this.scrollTo(scrollTo);
  }

  private scrollTo(top: number): void {
    this.pendingScroll = undefined;
    this.lastSetTop = this.follow ? top : -1;
    const scrollerTop = this.toScroller(top);
    // At 0 there may be no scroll event to swallow; a spurious one there is harmless anyway.
    this.selfScroll = scrollerTop > 0 && scrollerTop !== this.scroller.scrollTop;
    this.selfScrollTop = scrollerTop;
    // Its scroll event comes before the next frame's callbacks; a position the browser clamped
    // sends none, and the flag must not then swallow the user's next scroll.
    if (this.selfScroll) requestAnimationFrame(() => (this.selfScroll = false));
    this.scroller.scrollTop = scrollerTop;
  }

  private createRow(data: ListData, row: number): HTMLElement {
    const event = data.rows.get(row);
    // Cloning a prepared row is cheaper than building its four elements one by one.
    const el = this.rowTemplate.cloneNode(true) as HTMLElement;
    el.id = rowId(row);
    el.setAttribute('aria-posinset', String(row + 1));
    const time = el.firstChild as HTMLElement;
    const kind = time.nextSibling as HTMLElement;
    const textSpan = kind.nextSibling as HTMLElement;
    if (!event) {
      el.className = 'event-row loading';
      el.setAttribute('aria-busy', 'true');
      textSpan.textContent = 'Loading…';
      this.loading.add(row);
      if (row === this.selected) this.markSelected(el, true);
      return el;
    }
    const text = summarizeEvent(event);
    el.className = ROW_CLASS[rowTone(event)];
    el.setAttribute('data-seq', String(event.seq));
    time.textContent = formatEventTime(event.ts, data.timeMode, data.originMs);
    kind.textContent = event.kind;
    textSpan.textContent = text;
    textSpan.title = text;
    // After the class name is set: it would wipe the selection's class.
    if (row === this.selected) this.markSelected(el, true);
    return el;
  }
}
