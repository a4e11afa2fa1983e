// The Monitor's panels, one per event family that has one, in the order the families are
// registered (src/protocol/families/index.ts). A panel reads its family's slice of the session
// summary; the validation panel also reads the output lines among the events.
import type { FunctionComponent } from 'preact';
import { EVENT_FAMILIES } from '../../src/protocol/families/index';
import type { ReviewMarks, SessionSummary } from '../../src/protocol/session';
import type { ReviewAction, WebviewCommand } from '../../src/protocol/webview';
import type { MonitorModel } from '../monitor-model';
import { AgentsPanel } from './AgentsPanel';
import { Changes } from './Changes';
import { Icon } from './Icon';
import { SkillsPanel } from './SkillsPanel';
import { ValidationPanel, checksHeadline } from './ValidationPanel';

export interface PanelProps {
  session: SessionSummary;
  model: MonitorModel;
  run: (command: WebviewCommand) => void;
  copy: (text: string) => void;
  /** The Changes review: which files were kept or undone, and diff, keep, undo (one file or all). */
  marks: ReviewMarks;
  review: (action: ReviewAction, path?: string) => void;
}

export interface Panel {
  /** The event family whose slice the panel shows. */
  family: string;
  /** Section name (saved when the user folds it). */
  name: string;
  title: string;
  /** How many items the panel holds (its badge, unless `badge` says more). */
  count(session: SessionSummary): number;
  badge?(session: SessionSummary): string;
  /** The badge while folded, when `badge` is long. */
  badgeShort?(session: SessionSummary): string;
  /** Sections most runs never fill stay out of a narrow side bar until they have something. */
  hiddenWhenEmpty?: boolean;
  Component: FunctionComponent<PanelProps>;
}

function CheckpointsPanel({ session, run }: PanelProps) {
  const latest = session.checkpoints[session.checkpoints.length - 1];
  return (
    <div class="checkpoints-summary">
      {latest ? (
        <span>
          Latest: <span class="checkpoint-label">{latest.label ?? latest.id}</span>
          {latest.skillName && !(latest.label ?? '').includes(latest.skillName) ? (
            <span class="muted"> after {latest.skillName}</span>
          ) : null}
        </span>
      ) : (
        <span class="muted">No checkpoints yet.</span>
      )}
      <button type="button" class="link-button" onClick={() => run('showCheckpoints')}>
        <Icon name="git-commit" /> Show checkpoints
      </button>
    </div>
  );
}

const PANEL_LIST: Panel[] = [
  {
    family: 'skill',
    name: 'skills',
    title: 'Skills',
    count: (s) => s.skills.length,
    Component: ({ session }) => <SkillsPanel skills={session.skills} dropped={session.skillsDropped} />,
  },
  {
    family: 'checkpoint',
    name: 'checkpoints',
    title: 'Checkpoints',
    count: (s) => s.checkpoints.length + (s.checkpointsDropped ?? 0),
    Component: CheckpointsPanel,
  },
  {
    // What the run changed, for review: diff, keep or undo each file (the file family's `changes`).
    family: 'file',
    name: 'changes',
    title: 'Changes',
    count: (s) => (s.changes?.length ?? s.filesChanged.length) + (s.changesDropped ?? 0),
    Component: ({ session, marks, review }) => (
      <Changes changes={session.changes ?? []} dropped={session.changesDropped} marks={marks} review={review} />
    ),
  },
  {
    family: 'validation',
    name: 'validation',
    title: 'Validation',
    count: (s) => s.checks?.length ?? 0,
    badge: (s) => checksHeadline(s.checks ?? [], s.checksDropped),
    badgeShort: (s) => {
      const failed = (s.checks ?? []).filter((c) => c.status === 'failed').length;
      return failed > 0 ? `${failed} failed` : String(s.checks?.length ?? 0);
    },
    hiddenWhenEmpty: true,
    Component: ({ session, model, copy }) => (
      <ValidationPanel checks={session.checks ?? []} dropped={session.checksDropped} model={model} copy={copy} />
    ),
  },
  {
    family: 'agent',
    name: 'agents',
    title: 'Agents',
    count: (s) => (s.agents?.length ?? 0) + (s.agentsDropped ?? 0),
    hiddenWhenEmpty: true,
    Component: ({ session }) => <AgentsPanel agents={session.agents ?? []} dropped={session.agentsDropped} />,
  },
];

const FAMILY_ORDER = EVENT_FAMILIES.map((family) => family.name);

/** Every panel, in the order of the families. */
export const PANELS: readonly Panel[] = [...PANEL_LIST].sort(
  (a, b) => FAMILY_ORDER.indexOf(a.family) - FAMILY_ORDER.indexOf(b.family),
);
