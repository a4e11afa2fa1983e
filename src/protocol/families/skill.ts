// Skills in the order they ran (a skill can run more than once): the summary's `skills`,
// `currentSkill` and the step they report.
import type { SessionSummary, SkillRun } from '../session';
import type { EventEnvelope } from '../wire';
import { formatDuration, int, millisBetween, num, str, stepSuffix, text, type EventFamily } from './family';

/**
 * A long run may start skills without end; the summary keeps the latest runs (the events keep them
 * all). Without a bound every skill event would copy an ever longer list: a 1,000,000-event session
 * with a skill every 50 events held 20,000 runs and spent most of its ingest time copying them.
 */
export const MAX_SKILL_RUNS_KEPT = 500;

/** Index of the most recent still-running run of a skill (skills can repeat within a session). */
function runningSkillIndex(skills: readonly SkillRun[], name: string): number {
  for (let i = skills.length - 1; i >= 0; i--) {
    if (skills[i].name === name && skills[i].status === 'running') return i;
  }
  return -1;
}

function endSkill(next: SessionSummary, event: EventEnvelope, status: 'completed' | 'failed'): void {
  const name = str(event.data.skillName);
  if (!name) return;
  const skills = next.skills.slice();
  let index = runningSkillIndex(skills, name);
  if (index < 0) {
    // An end without a start (e.g. the start was sent before we were listening): still show it.
    skills.push({ name, status: 'running' });
    if (skills.length > MAX_SKILL_RUNS_KEPT) {
      const dropped = skills.splice(0, skills.length - MAX_SKILL_RUNS_KEPT).length;
      next.skillsDropped = (next.skillsDropped ?? 0) + dropped;
    }
    index = skills.length - 1;
  }
  const run: SkillRun = { ...skills[index], status, endedAt: event.ts };
  const stepIndex = int(event.data.stepIndex);
  if (stepIndex !== undefined) run.stepIndex = stepIndex;
  const duration = num(event.data.durationMs) ?? millisBetween(run.startedAt, event.ts);
  if (duration !== undefined) run.durationMs = duration;
  const error = str(event.data.error);
  if (error !== undefined) run.error = error;
  skills[index] = run;
  next.skills = skills;
  if (next.currentSkill === name) delete next.currentSkill;
}

const nameAndStep = (d: Record<string, unknown>) => {
  const ms = num(d.durationMs);
  return `${text(d.skillName) ?? ''}${stepSuffix(d)}${ms !== undefined ? ` ${formatDuration(ms)}` : ''}`;
};

export const skillFamily: EventFamily = {
  name: 'skill',
  kinds: {
    'skill:started': { summary: nameAndStep, tone: 'plain', legacy: 'normalize' },
    'skill:completed': { summary: nameAndStep, tone: 'good', legacy: 'normalize' },
    'skill:failed': {
      summary: (d) => `${text(d.skillName) ?? ''}${stepSuffix(d)}: ${text(d.error) ?? 'failed'}`,
      tone: 'bad',
      legacy: 'normalize',
    },
  },
  legacy: { underscore: true },
  summaryArrays: ['skills'],
  initSummary(summary) {
    summary.skills = [];
  },
  reduce(next, event) {
    const data = event.data;
    switch (event.kind) {
      case 'skill:started': {
        const name = str(data.skillName);
        if (!name) break;
        const run: SkillRun = { name, status: 'running', startedAt: event.ts };
        const stepIndex = int(data.stepIndex);
        if (stepIndex !== undefined) {
          run.stepIndex = stepIndex;
          next.currentStep = stepIndex;
        }
        const stepsTotal = int(data.stepsTotal);
        if (stepsTotal !== undefined) {
          run.stepsTotal = stepsTotal;
          next.stepsTotal = stepsTotal;
        }
        if (next.skills.length >= MAX_SKILL_RUNS_KEPT)
          next.skillsDropped = (next.skillsDropped ?? 0) + next.skills.length - MAX_SKILL_RUNS_KEPT + 1;
        next.skills = [...next.skills.slice(1 - MAX_SKILL_RUNS_KEPT), run];
        next.currentSkill = name;
        break;
      }
      case 'skill:completed':
        endSkill(next, event, 'completed');
        break;
      case 'skill:failed':
        endSkill(next, event, 'failed');
        break;
    }
  },
};
