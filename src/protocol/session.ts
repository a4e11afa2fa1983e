// What views know about a session: a summary derived from its events by the hub's pure reducer
// (src/hub/session-model.ts), so the webview, tree, status bar and journal index agree.
import * as z from 'zod';
import {
  AgentRun,
  CheckpointRef,
  ControlState,
  DecisionState,
  FileChange,
  SkillRun,
  ValidationCheck,
} from './families/schemas';
import { Capability, EventEnvelope, SessionId } from './wire';

export const SessionState = z.enum(['pending', 'running', 'halted', 'completed', 'failed', 'cancelled', 'lost']);
export type SessionState = z.infer<typeof SessionState>;
export const FINAL_STATES: ReadonlySet<SessionState> = new Set(['completed', 'failed', 'cancelled', 'lost']);

/** Where a session's events come from. `legacy` = the unauthenticated Socket.IO endpoint. */
export const SessionSource = z.enum(['native', 'legacy', 'extension']);
export type SessionSource = z.infer<typeof SessionSource>;

export {
  SkillRun,
  CheckpointRef,
  ValidationCheck,
  AgentRun,
  DecisionState,
  ControlState,
  FileChange,
} from './families/schemas';

/** A changed file the person reviewed: kept or undone, as of the change with this seq. */
export interface ReviewMark {
  seq: number;
  action: 'kept' | 'undone';
}
/** Per session, by the path as the run reported it; kept in the window's workspace state. */
export type ReviewMarks = Record<string, ReviewMark>;

export const SessionSummary = z.object({
  id: SessionId,
  state: SessionState,
  source: SessionSource,
  /** True for sessions from the legacy endpoint: no token, so steering is disabled. */
  unauthenticated: z.boolean(),
  task: z.string().optional(),
  createdAt: z.string(),
  startedAt: z.string().optional(),
  endedAt: z.string().optional(),
  lastSeq: z.number().int().nonnegative(),
  eventCount: z.number().int().nonnegative(),
  progress: z.number().optional(),
  progressMessage: z.string().optional(),
  currentSkill: z.string().optional(),
  currentStep: z.number().int().optional(),
  stepsTotal: z.number().int().optional(),
  skills: z.array(SkillRun),
  checkpoints: z.array(CheckpointRef),
  filesChanged: z.array(z.string()),
  // Slices added after release 0.1.0 are optional (absent = empty), so its journals still load.
  /** Checks the run executed (validation family). */
  checks: z.array(ValidationCheck).optional(),
  /** Earlier skill and check runs no longer listed (the lists keep the latest 500 each). */
  skillsDropped: z.number().int().nonnegative().optional(),
  checksDropped: z.number().int().nonnegative().optional(),
  /** Earlier changed files and checkpoints no longer listed (latest 2,000 and 1,000 kept). */
  changesDropped: z.number().int().nonnegative().optional(),
  checkpointsDropped: z.number().int().nonnegative().optional(),
  /** Earlier agents no longer listed (latest 500 kept). */
  agentsDropped: z.number().int().nonnegative().optional(),
  /** Agents the run spawned (agent family). */
  agents: z.array(AgentRun).optional(),
  /** Decisions the run asked (decision family). */
  decisions: z.array(DecisionState).optional(),
  /** Controls sent to the run and their results (control family). */
  controls: z.array(ControlState).optional(),
  /** Files the run changed, with the seq of the latest change (file family; the Changes review). */
  changes: z.array(FileChange).optional(),
  /** Capabilities declared by the connected reporter (empty when none is connected). */
  capabilities: z.array(Capability),
  reporterConnected: z.boolean(),
  exitCode: z.number().int().optional(),
  error: z.string().optional(),
  /** Set by the extension while a session started with Shannon: Do has had no report yet. */
  waitingForCli: z.boolean().optional(),
});
export type SessionSummary = z.infer<typeof SessionSummary>;

/** `shannon.legacy.listen`: auto listens only while a run needs it. */
export const LegacyListenMode = z.enum(['auto', 'always', 'off']);
export type LegacyListenMode = z.infer<typeof LegacyListenMode>;

export const PortHolder = z.object({
  pid: z.number().int().positive().optional(),
  /** The holder's command line (bounded), when the operating system tells. */
  command: z.string().optional(),
  /** Set when the holder is another VS Code window's Shannon hub (from its lock file). */
  workspaceFolders: z.array(z.string()).optional(),
  lockFile: z.string().optional(),
});
export type PortHolder = z.infer<typeof PortHolder>;

export const HubStatus = z.object({
  url: z.string().optional(),
  state: z.enum(['starting', 'running', 'failed', 'stopped']),
  clients: z.number().int().nonnegative(),
  error: z.string().optional(),
  legacy: z.object({
    /**
     * disabled: off by setting; idle: auto mode, no run needs it; listening; held-by-window: another
     * VS Code window's hub holds the port (runs are claimed there); port-in-use: another program
     * holds it; failed: it could not listen for another reason.
     */
    state: z.enum(['disabled', 'idle', 'listening', 'held-by-window', 'port-in-use', 'failed']),
    mode: LegacyListenMode.optional(),
    port: z.number().int(),
    message: z.string().optional(),
    /** The runs that need the endpoint now (labels such as the session id or the command). */
    runs: z.array(z.string()).optional(),
    /** Who holds the port (held-by-window, port-in-use), as far as the operating system tells. */
    holder: PortHolder.optional(),
  }),
  lockFile: z.string().optional(),
});
export type HubStatus = z.infer<typeof HubStatus>;

export { EventEnvelope };
