// The agent pool: counts of active, completed and failed agents, then one row per agent with its
// role, current skill, state, duration and last activity.
import type { AgentRun } from '../../src/protocol/session';
import { formatDuration } from '../format';
import { Icon } from './Icon';
import { earlierRunsText } from './SkillsPanel';

const AGENT_LOOK: Record<AgentRun['status'], { icon: string; label: string }> = {
  active: { icon: 'loading', label: 'active' },
  completed: { icon: 'pass', label: 'completed' },
  failed: { icon: 'error', label: 'failed' },
};

export function agentCounts(agents: readonly AgentRun[]): string {
  const count = (status: AgentRun['status']) => agents.filter((a) => a.status === status).length;
  return `${count('active')} active, ${count('completed')} completed, ${count('failed')} failed`;
}

function AgentRow({ agent }: { agent: AgentRun }) {
  const look = AGENT_LOOK[agent.status];
  const activity = agent.error ?? agent.lastActivity;
  return (
    <li class={`agent agent-${agent.status}`}>
      <div class="agent-line">
        <Icon name={look.icon} spin={agent.status === 'active'} class={`agent-icon agent-icon-${agent.status}`} />
        <span class="agent-role" title={agent.id}>
          {agent.role ?? agent.id}
        </span>
        {agent.skillName && <span class="agent-skill">{agent.skillName}</span>}
        <span class="agent-state">{look.label}</span>
        <span class="agent-duration">{agent.durationMs !== undefined ? formatDuration(agent.durationMs) : ''}</span>
      </div>
      {activity && (
        <div class="agent-activity" title={activity}>
          {activity}
        </div>
      )}
    </li>
  );
}

export function AgentsPanel({ agents, dropped = 0 }: { agents: readonly AgentRun[]; dropped?: number }) {
  if (agents.length === 0) return <p class="muted">No agents yet.</p>;
  return (
    <>
      <p class="agent-counts">{agentCounts(agents)}</p>
      {dropped > 0 && <p class="muted earlier-runs">{earlierRunsText(dropped, 'agent')}</p>}
      <ul class="agents" aria-label="Agents">
        {agents.map((agent, i) => (
          <AgentRow key={`${i}:${agent.id}`} agent={agent} />
        ))}
      </ul>
    </>
  );
}
