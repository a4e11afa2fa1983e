// The Changes section: every file the run changed, with its operation and whether it was reviewed.
// A click on a file opens the diff (before the run on the left, the file now on the right); Keep
// marks it reviewed, Undo puts the before text back (the host confirms nothing for one file, and
// writes a safety checkpoint first); Keep All and Undo All… act on every file not yet reviewed.
import type { FileChange, ReviewMarks } from '../../src/protocol/session';
import type { ReviewAction } from '../../src/protocol/webview';
import { memo } from '../memo';
import { Icon } from './Icon';

/** The same rule as the host's (src/checkpoints/review.ts): a change after the mark reopens it. */
function markOf(change: FileChange, marks: ReviewMarks): 'kept' | 'undone' | undefined {
  const mark = Object.hasOwn(marks, change.path) ? marks[change.path] : undefined;
  return mark && mark.seq >= change.seq ? mark.action : undefined;
}

const MAX_CHANGES_SHOWN = 200;

function ChangeRow(props: {
  change: FileChange;
  mark: 'kept' | 'undone' | undefined;
  review: (action: ReviewAction, path?: string) => void;
}) {
  const { change, mark } = props;
  const name = change.path.split('/').pop() ?? change.path;
  const folder = change.path.slice(0, change.path.length - name.length).replace(/\/$/, '');
  return (
    <li class={`change${mark ? ` change-${mark}` : ' change-unreviewed'}`} data-path={change.path}>
      <button
        type="button"
        class="change-file link-button"
        title={`Compare ${change.path} with the version before the run`}
        onClick={() => props.review('diff', change.path)}
      >
        <Icon name={mark === 'undone' ? 'discard' : mark === 'kept' ? 'check' : 'diff'} />
        <span class="change-name">{name}</span>
        {folder && <span class="change-folder muted">{folder}</span>}
      </button>
      <span class="change-operation muted">{mark ?? change.operation ?? 'changed'}</span>
      <button
        type="button"
        class="icon-button change-keep"
        title={`Keep ${change.path}`}
        aria-label={`Keep ${change.path}`}
        aria-pressed={mark === 'kept' ? 'true' : undefined}
        onClick={() => props.review('keep', change.path)}
      >
        <Icon name="check" />
      </button>
      <button
        type="button"
        class="icon-button change-undo"
        title={`Undo the run's change to ${change.path}`}
        aria-label={`Undo ${change.path}`}
        onClick={() => props.review('undo', change.path)}
      >
        <Icon name="discard" />
      </button>
    </li>
  );
}

function ChangesView(props: {
  changes: readonly FileChange[];
  /** Earlier changed files the summary no longer lists. */
  dropped?: number;
  marks: ReviewMarks;
  review: (action: ReviewAction, path?: string) => void;
}) {
  const { changes, marks } = props;
  if (changes.length === 0) return <p class="muted">No files changed yet.</p>;
  const open = changes.filter((change) => markOf(change, marks) === undefined).length;
  return (
    <div class="changes">
      <div class="changes-toolbar">
        <span class="muted changes-state">{open === 0 ? 'All reviewed' : `${open} to review`}</span>
        <button
          type="button"
          class="link-button changes-keep-all"
          aria-disabled={open === 0 ? 'true' : undefined}
          onClick={() => open > 0 && props.review('keepAll')}
        >
          <Icon name="check-all" /> Keep All
        </button>
        <button
          type="button"
          class="link-button changes-undo-all"
          aria-disabled={open === 0 ? 'true' : undefined}
          onClick={() => open > 0 && props.review('undoAll')}
        >
          <Icon name="discard" /> Undo All…
        </button>
      </div>
      {(props.dropped ?? 0) > 0 && (
        <p class="muted earlier-runs">
          {props.dropped!.toLocaleString('en-US')} earlier changed files are not listed, nor part of Keep All and Undo
          All; the event stream has them.
        </p>
      )}
      <ul class="change-list" aria-label="Changed files">
        {changes.slice(-MAX_CHANGES_SHOWN).map((change) => (
          <ChangeRow key={change.path} change={change} mark={markOf(change, marks)} review={props.review} />
        ))}
        {changes.length > MAX_CHANGES_SHOWN && (
          <li class="muted">and {changes.length - MAX_CHANGES_SHOWN} earlier (Keep All and Undo All… include them)</li>
        )}
      </ul>
    </div>
  );
}

export const Changes = memo(ChangesView);
