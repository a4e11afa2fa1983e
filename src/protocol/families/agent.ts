// The agent pool: agents the run spawns, what each is doing, and how each ended. One summary
// entry per agent id.
import type { AgentRun, SessionSummary } from '../session';
import type { EventEnvelope } from '../wire';
import { bool, formatDuration, millisBetween, num, str, text, type EventFamily } from './family';
import { capped } from './file';

/** The summary lists the latest 500 agents (the events keep them all), as it does for skills. */
export const MAX_AGENTS_LISTED = 500;

/** What an agent without an id is called. */
export const UNNAMED_AGENT = 'agent';

const agentId = (data: Record<string, unknown>): string => text(data.agentId) ?? UNNAMED_AGENT;

/** The agent's entry (the latest with that id), created when its spawn was missed. */
function agentIndex(next: SessionSummary, id: string, ts: string): { agents: AgentRun[]; index: number } {
  const agents = (next.agents ?? []).slice();
  for (let i = agents.length - 1; i >= 0; i--) if (agents[i].id === id) return { agents, index: i };
  agents.push({ id, status: 'active', lastActivityAt: ts });
  return { agents, index: agents.length - 1 };
}

function endAgent(next: SessionSummary, event: EventEnvelope, failedKind: boolean): void {
  const { agents, index } = agentIndex(next, agentId(event.data), event.ts);
  const success = !failedKind && bool(event.data.success) !== false;
  const agent: AgentRun = { ...agents[index], status: success ? 'completed' : 'failed', endedAt: event.ts };
  agent.lastActivityAt = event.ts;
  const duration = num(event.data.durationMs) ?? millisBetween(agent.startedAt, event.ts);
  if (duration !== undefined) agent.durationMs = duration;
  const error = str(event.data.error);
  if (error !== undefined) agent.error = error;
  agents[index] = agent;
  next.agents = capped(agents, MAX_AGENTS_LISTED, next, 'agentsDropped');
}

function endedText(d: Record<string, unknown>, failedKind: boolean): string {
  const ms = num(d.durationMs);
  const failed = failedKind || d.success === false;
  const error = text(d.error);
  return (
    `${agentId(d)} ${failed ? 'failed' : 'completed'}${ms !== undefined ? ` in ${formatDuration(ms)}` : ''}` +
    `${error ? `: ${error}` : ''}`
  );
}

export const agentFamily: EventFamily = {
  name: 'agent',
  kinds: {
    'agent:spawned': {
      summary: (d) =>
        `${agentId(d)}${text(d.role) ? ` ${d.role as string}` : ''}${text(d.skillName) ? ` (${d.skillName as string})` : ''}`,
      tone: 'plain',
      legacy: 'normalize',
    },
    'agent:progress': {
      summary: (d) => {
        const pct = num(d.progress);
        return `${agentId(d)}: ${pct !== undefined ? `${Math.round(pct)}% ` : ''}${text(d.message) ?? ''}`.trim();
      },
      tone: 'plain',
      legacy: 'normalize',
    },
    'agent:completed': {
      summary: (d) => endedText(d, false),
      tone: (d) => (d.success === false ? 'bad' : 'good'),
      legacy: 'normalize',
    },
    'agent:failed': { summary: (d) => endedText(d, true), tone: 'bad', legacy: 'normalize' },
  },
  legacy: { underscore: true },
  summaryArrays: ['agents'],
  initSummary(summary) {
    summary.agents = [];
  },
  reduce(next, event) {
    const data = event.data;
    switch (event.kind) {
      case 'agent:spawned': {
        const agent: AgentRun = { id: agentId(data), status: 'active', startedAt: event.ts, lastActivityAt: event.ts };
        const role = str(data.role);
        if (role !== undefined) agent.role = role;
        const skillName = str(data.skillName);
        if (skillName !== undefined) agent.skillName = skillName;
        next.agents = capped([...(next.agents ?? []), agent], MAX_AGENTS_LISTED, next, 'agentsDropped');
        break;
      }
      case 'agent:progress': {
        const { agents, index } = agentIndex(next, agentId(data), event.ts);
        const agent: AgentRun = { ...agents[index], lastActivityAt: event.ts };
        const message = str(data.message);
        if (message !== undefined) agent.lastActivity = message;
        const progress = num(data.progress);
        if (progress !== undefined) agent.progress = progress;
        const skillName = str(data.skillName);
        if (skillName !== undefined) agent.skillName = skillName;
        agents[index] = agent;
        next.agents = capped(agents, MAX_AGENTS_LISTED, next, 'agentsDropped');
        break;
      }
      case 'agent:completed':
        endAgent(next, event, false);
        break;
      case 'agent:failed':
        endAgent(next, event, true);
        break;
    }
  },
};
