// The skills timeline: each run of a skill with its step and duration; a failed one shows its error.
import type { SkillRun } from '../../src/protocol/session';
import { formatDuration, stepLabel } from '../format';
import { Icon } from './Icon';

const SKILL_ICON: Record<SkillRun['status'], { icon: string; label: string; spin?: boolean }> = {
  running: { icon: 'play-circle', label: 'running' },
  completed: { icon: 'pass', label: 'completed' },
  failed: { icon: 'error', label: 'failed' },
};

function skillDuration(skill: SkillRun): string {
  if (skill.durationMs !== undefined) return formatDuration(skill.durationMs);
  if (skill.startedAt && skill.endedAt) return formatDuration(Date.parse(skill.endedAt) - Date.parse(skill.startedAt));
  return '';
}

export function SkillItem({ skill }: { skill: SkillRun }) {
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

export function SkillsPanel({ skills, dropped = 0 }: { skills: readonly SkillRun[]; dropped?: number }) {
  if (skills.length === 0) return <p class="muted">No skills yet.</p>;
  return (
    <>
      {dropped > 0 && <p class="muted earlier-runs">{earlierRunsText(dropped, 'skill run')}</p>}
      <ol class="skills" aria-label="Skills timeline">
        {skills.map((skill, i) => (
          <SkillItem key={`${dropped + i}:${skill.name}`} skill={skill} />
        ))}
      </ol>
    </>
  );
}

/** A long run lists its latest runs only; say how many came before (their events are in the stream). */
export function earlierRunsText(dropped: number, what: string): string {
  return `${dropped.toLocaleString('en-US')} earlier ${what}${dropped === 1 ? ' is' : 's are'} not listed; the event stream has them.`;
}
