// Each check's output lines, taken from the shown session's events as they reach the webview
// (the snapshot's latest page, then every delta), and a windowed view of them. A check can print
// 100,000 lines: the index keeps the line texts only (the events themselves may be dropped by the
// event list's paging), and the view (outside Preact, like the event list) creates DOM nodes only
// for the lines in view. ANSI colours become CSS classes mapped to the theme's terminal colours;
// text goes in through textContent.
import type { EventEnvelope } from '../src/protocol/wire';
import { parseAnsi, stripAnsi, type AnsiStyle } from '../src/protocol/families/ansi';
import { checkName } from '../src/protocol/families/validation';

export interface CheckOutput {
  /** This run's output lines in order, raw (with escapes). */
  lines: string[];
  /** Parallel to `lines`: whether the line came on stderr. */
  stderr: boolean[];
  stderrLines: number;
}

function newRun(): CheckOutput {
  return { lines: [], stderr: [], stderrLines: 0 };
}

/**
 * Check runs in the order the hub's reducer creates them (a start opens a run; a completion
 * without a running run of that name opens one too). The webview may have only the latest events
 * of a long session, so the runs found here are the last ones of `summary.checks`.
 */
export class ValidationOutputIndex {
  readonly runs: CheckOutput[] = [];
  private readonly running = new Map<string, number>();
  /** Bumped whenever a line is added, so views know to redraw. */
  version = 0;

  /** A snapshot replaced the events: start over. */
  reset(): void {
    this.runs.length = 0;
    this.running.clear();
    this.version++;
  }

  /** The session's next events, in order (the snapshot's page, then each delta's). */
  add(events: readonly EventEnvelope[]): void {
    for (const event of events) {
      if (event.kind.charCodeAt(0) !== 118 /* v */ || !event.kind.startsWith('validation:')) continue;
      const name = checkName(event.data);
      if (event.kind === 'validation:started') {
        this.running.set(name, this.runs.push(newRun()) - 1);
      } else if (event.kind === 'validation:output') {
        let run = this.running.get(name);
        if (run === undefined) {
          // Output of a check whose start we never saw: the reducer has no run for it either
          // until its completion, which then opens one; keep the lines for that run.
          run = this.runs.push(newRun()) - 1;
          this.running.set(name, run);
        }
        const output = this.runs[run];
        const line = event.data.line;
        const stderr = event.data.stream === 'stderr';
        output.lines.push(typeof line === 'string' ? line : '');
        output.stderr.push(stderr);
        if (stderr) output.stderrLines++;
        this.version++;
      } else if (event.kind === 'validation:completed') {
        if (!this.running.has(name)) this.runs.push(newRun());
        this.running.delete(name);
      }
    }
  }
}

export const LINE_HEIGHT = 18;
const OVERSCAN = 8;
const VISIBLE_LINES = 10;
const BOTTOM_SLACK = LINE_HEIGHT / 2;

function styleClasses(style: AnsiStyle): string {
  let classes = '';
  // Inverse swaps the colours; without explicit ones it uses the theme's background as text.
  const fg = style.inverse ? style.bg : style.fg;
  const bg = style.inverse ? style.fg : style.bg;
  if (fg !== undefined) classes += ` ansi-fg-${fg}`;
  else if (style.inverse) classes += ' ansi-fg-inverse';
  if (bg !== undefined) classes += ` ansi-bg-${bg}`;
  else if (style.inverse) classes += ' ansi-bg-inverse';
  if (style.bold) classes += ' ansi-bold';
  if (style.dim) classes += ' ansi-dim';
  if (style.italic) classes += ' ansi-italic';
  if (style.underline) classes += ' ansi-underline';
  if (style.strike) classes += ' ansi-strike';
  return classes.trim();
}

/** One output line as DOM: spans per styled segment, text only. */
export function renderLine(el: HTMLElement, line: string): void {
  el.textContent = '';
  for (const segment of parseAnsi(line)) {
    const classes = styleClasses(segment.style);
    if (!classes) {
      el.append(segment.text);
      continue;
    }
    const span = document.createElement('span');
    span.className = classes;
    span.textContent = segment.text;
    el.append(span);
  }
}

export interface OutputSource {
  count(): number;
  /** The line's raw text (with escapes) and stream. */
  line(index: number): { text: string; stderr: boolean };
}

/**
 * A fixed-height, windowed, tail-following view of one check's output. Following stops when the
 * user scrolls up and resumes at the bottom (or through `follow()`), like the event stream.
 */
export class OutputView {
  readonly scroller: HTMLElement;
  private readonly spacer: HTMLElement;
  private readonly window: HTMLElement;
  private following = true;
  private first = -1;
  private last = -1;
  private shownCount = -1;
  private frame = 0;
  private height = 0;
  /** Where to scroll once the grown spacer is laid out (see update). */
  private pendingScroll: number | undefined;
  private readonly resizeObserver: ResizeObserver;

  constructor(
    container: HTMLElement,
    private source: OutputSource,
    private readonly onFollowChange: (following: boolean) => void,
  ) {
    this.scroller = container;
    this.spacer = document.createElement('div');
    this.spacer.className = 'output-spacer';
    this.window = document.createElement('div');
    this.window.className = 'output-window';
    this.spacer.append(this.window);
    this.scroller.append(this.spacer);
    this.scroller.addEventListener('scroll', this.onScroll, { passive: true });
    this.resizeObserver = new ResizeObserver((entries) => {
      if (entries.some((entry) => entry.target === this.spacer) && this.pendingScroll !== undefined) {
        this.scroller.scrollTop = this.pendingScroll;
        this.pendingScroll = undefined;
      }
      if (entries.some((entry) => entry.target === this.scroller) && this.height !== this.scroller.clientHeight) {
        this.height = this.scroller.clientHeight;
        this.update();
      }
    });
    this.resizeObserver.observe(this.scroller);
    this.resizeObserver.observe(this.spacer);
    this.update();
  }

  setSource(source: OutputSource): void {
    this.source = source;
    this.first = this.last = this.shownCount = -1;
    this.update();
  }

  get isFollowing(): boolean {
    return this.following;
  }

  follow(): void {
    this.setFollowing(true);
    this.update();
  }

  /** Redraw after lines were added (cheap when nothing in view changed). */
  update(): void {
    const count = this.source.count();
    let grew = false;
    if (count !== this.shownCount) {
      this.spacer.style.height = `${count * LINE_HEIGHT}px`;
      // The box grows with the output up to ten lines (the stylesheet caps it in a short view).
      const shown = Math.max(3, Math.min(count, VISIBLE_LINES));
      if (this.shownCount < VISIBLE_LINES || count < VISIBLE_LINES)
        this.scroller.style.height = `${shown * LINE_HEIGHT + 2}px`;
      this.shownCount = count;
      grew = true;
    }
    const height = this.height || LINE_HEIGHT * VISIBLE_LINES;
    if (this.following) {
      const bottom = Math.max(0, count * LINE_HEIGHT - height);
      this.renderWindow(count, bottom, height);
      // Writing scrollTop now would force a synchronous layout of what just changed; after a
      // growth the resize observer scrolls once the frame's own layout is done, before paint.
      if (grew) this.pendingScroll = bottom;
      else if (this.scroller.scrollTop !== bottom) this.scroller.scrollTop = bottom;
      return;
    }
    this.renderWindow(count, this.scroller.scrollTop, height);
  }

  private renderWindow(count: number, scrollTop: number, height: number): void {
    const first = Math.max(0, Math.floor(scrollTop / LINE_HEIGHT) - OVERSCAN);
    const last = Math.min(count, Math.ceil((scrollTop + height) / LINE_HEIGHT) + OVERSCAN);
    if (first === this.first && last === this.last) return;
    if (first >= this.last || last <= this.first || this.first < 0) {
      // A jump: build the window anew.
      const rows: HTMLElement[] = [];
      for (let i = first; i < last; i++) rows.push(this.createRow(i));
      this.window.replaceChildren(...rows);
    } else {
      // A slide (the tail grew, or a scroll): drop rows that left, add the ones that came in.
      for (let i = this.first; i < first; i++) this.window.firstElementChild?.remove();
      for (let i = this.last; i > last; i--) this.window.lastElementChild?.remove();
      if (first < this.first) {
        const rows: HTMLElement[] = [];
        for (let i = first; i < this.first; i++) rows.push(this.createRow(i));
        this.window.prepend(...rows);
      }
      for (let i = Math.max(this.last, first); i < last; i++) this.window.append(this.createRow(i));
    }
    this.window.style.transform = `translateY(${first * LINE_HEIGHT}px)`;
    this.first = first;
    this.last = last;
  }

  private createRow(index: number): HTMLElement {
    const { text, stderr } = this.source.line(index);
    const row = document.createElement('div');
    row.className = stderr ? 'output-line stderr' : 'output-line';
    row.dataset.line = String(index);
    renderLine(row, text);
    return row;
  }

  private readonly onScroll = (): void => {
    const el = this.scroller;
    const atBottom = el.scrollTop + el.clientHeight >= el.scrollHeight - BOTTOM_SLACK;
    if (this.following !== atBottom) this.setFollowing(atBottom);
    if (!this.frame)
      this.frame = requestAnimationFrame(() => {
        this.frame = 0;
        this.renderWindow(this.shownCount, this.scroller.scrollTop, this.height || this.scroller.clientHeight);
      });
  };

  private setFollowing(following: boolean): void {
    if (this.following === following) return;
    this.following = following;
    this.onFollowChange(following);
  }

  dispose(): void {
    this.scroller.removeEventListener('scroll', this.onScroll);
    this.resizeObserver.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
  }
}

/** A run's output as plain text (escapes removed), for the clipboard. */
export function outputText(output: CheckOutput): string {
  return output.lines.map(stripAnsi).join('\n');
}
