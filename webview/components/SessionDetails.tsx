// The run's structure: one section per event family that has a panel (skills, checkpoints,
// files, checks, agents; webview/components/panels.tsx). Each is a native <details> section, so
// it opens and closes from the keyboard with no extra code.
import type { ComponentChildren } from 'preact';
import type { ReviewMarks, SessionSummary } from '../../src/protocol/session';
import type { ReviewAction, WebviewCommand } from '../../src/protocol/webview';
import type { MonitorModel } from '../monitor-model';
import { memo } from '../memo';
import { PANELS } from './panels';

export function Section(props: {
  name: string;
  title: string;
  /** What the section holds: a count, or "3 checks, 1 failed". */
  badge: string | number;
  /** A shorter badge while the section is folded (a chip in a narrow side bar). */
  badgeShort?: string | number;
  collapsed: boolean;
  onToggle: (name: string, open: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <details
      class={`section section-${props.name}`}
      open={!props.collapsed}
      onToggle={(e) => {
        const section = e.currentTarget as HTMLDetailsElement;
        // Open sections come first: after a fold, show them from the top; an opened one, whole.
        if (section.open) section.scrollIntoView({ block: 'nearest' });
        else section.closest('.details-area')?.scrollTo({ top: 0 });
        props.onToggle(props.name, section.open);
      }}
    >
      <summary>
        <span class="section-title">{props.title}</span> <span class="count-badge">{props.badge}</span>
      </summary>
      <div class="section-body">{props.children}</div>
    </details>
  );
}

function SessionDetailsView(props: {
  session: SessionSummary;
  model: MonitorModel;
  collapsed: string[];
  onToggle: (name: string, open: boolean) => void;
  run: (command: WebviewCommand) => void;
  copy: (text: string) => void;
  marks: ReviewMarks;
  review: (action: ReviewAction, path?: string) => void;
}) {
  const { session } = props;
  return (
    <div class="details-area">
      {PANELS.filter((panel) => !panel.hiddenWhenEmpty || panel.count(session) > 0).map((panel) => (
        <Section
          key={panel.name}
          name={panel.name}
          title={panel.title}
          badge={panel.badge ? panel.badge(session) : panel.count(session)}
          badgeShort={panel.badgeShort?.(session)}
          collapsed={props.collapsed.includes(panel.name)}
          onToggle={props.onToggle}
        >
          <panel.Component
            session={session}
            model={props.model}
            run={props.run}
            copy={props.copy}
            marks={props.marks}
            review={props.review}
          />
        </Section>
      ))}
    </div>
  );
}

export const SessionDetails = memo(SessionDetailsView);
