// The run's structure: skills in order, checkpoints and changed files. Each is a native
// <details> section, so it opens and closes from the keyboard with no extra code.
import type { ComponentChildren } from 'preact';
import type { SessionSummary, SkillRun } from '../../src/protocol/session';
import type { WebviewCommand } from '../../src/protocol/webview';
import { formatDuration, stepLabel } from '../format';
import { Icon } from './Icon';
import { memo } from '../memo';

const SKILL_ICON: Record<SkillRun['status'], { icon: string; label: string; spin?: boolean }> = {
  running: { icon: 'play-circle', label: 'running' },
  completed: { icon: 'pass', label: 'completed' },
  failed: { icon: 'error', label: 'failed' },
};
const MAX_FILES_SHOWN = 50;

function Section(props: {
  name: string;
  title: string;
  count: number;
  collapsed: boolean;
  onToggle: (name: string, open: boolean) => void;
  children: ComponentChildren;
}) {
  return (
    <details
      class={`section section-${props.name}`}
      open={!props.collapsed}
      onToggle={(e) => props.onToggle(props.name, (e.currentTarget as HTMLDetailsElement).open)}
    >
      <summary>
        <span class="section-title">{props.title}</span> <span class="count-badge">{props.count}</span>
      </summary>
      {props.children}
    </details>
  );
}

function skillDuration(skill: SkillRun): string {
  if (skill.durationMs !== undefined) return formatDuration(skill.durationMs);
  if (skill.startedAt && skill.endedAt) return formatDuration(Date.parse(skill.endedAt) - Date.parse(skill.startedAt));
  return '';
}

function SkillItem({ skill }: { skill: SkillRun }) {
  const look = SKILL_ICON[skill.status];
  const step = stepLabel(skill.stepIndex, skill.stepsTotal);
  return (
    <li class={`skill skill-${skill.status}`} aria-current={skill.status === 'running' ? 'step' : undefined}>
      <div class="skill-line">
        <Icon name={look.icon} spin={look.spin} class={`skill-icon skill-icon-${skill.status}`} />
        <span class="visually-hidden">{look.label}: </span>
        <span class="skill-name">{skill.name}</span>
        {step && <span class="skill-step">{step}</span>}
        <span class="skill-duration">{skillDuration(skill)}</span>
      </div>
      {skill.status === 'failed' && (
        <details class="skill-error" open>
          <summary>Error</summary>
          <pre>{skill.error ?? 'The skill failed without an error message.'}</pre>
        </details>
      )}
    </li>
  );
}

function SessionDetailsView(props: {
  session: SessionSummary;
  collapsed: string[];
  onToggle: (name: string, open: boolean) => void;
  run: (command: WebviewCommand) => void;
}) {
  const { session } = props;
  const latest = session.checkpoints[session.checkpoints.length - 1];
  const files = session.filesChanged;
  return (
    <div class="details-area">
      <Section
        name="skills"
        title="Skills"
        count={session.skills.length}
        collapsed={props.collapsed.includes('skills')}
        onToggle={props.onToggle}
      >
        {session.skills.length === 0 ? (
          <p class="muted">No skills yet.</p>
        ) : (
          <ol class="skills" aria-label="Skills timeline">
            {session.skills.map((skill, i) => (
              <SkillItem key={`${i}:${skill.name}`} skill={skill} />
            ))}
          </ol>
        )}
      </Section>
      <Section
        name="checkpoints"
        title="Checkpoints"
        count={session.checkpoints.length}
        collapsed={props.collapsed.includes('checkpoints')}
        onToggle={props.onToggle}
      >
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
          <button type="button" class="link-button" onClick={() => props.run('showCheckpoints')}>
            <Icon name="git-commit" /> Show checkpoints
          </button>
        </div>
      </Section>
      <Section
        name="files"
        title="Files changed"
        count={files.length}
        collapsed={props.collapsed.includes('files')}
        onToggle={props.onToggle}
      >
        {files.length === 0 ? (
          <p class="muted">No files changed yet.</p>
        ) : (
          <ul class="files">
            {files.slice(-MAX_FILES_SHOWN).map((file) => (
              <li key={file} title={file}>
                <Icon name="file" /> {file}
              </li>
            ))}
            {files.length > MAX_FILES_SHOWN && <li class="muted">and {files.length - MAX_FILES_SHOWN} earlier…</li>}
          </ul>
        )}
      </Section>
    </div>
  );
}

export const SessionDetails = memo(SessionDetailsView);
