// How each session state looks: one codicon and one word, used by the header and the picker.
import type { SessionState } from '../../src/protocol/session';

export const STATUS_LOOK: Record<SessionState, { icon: string; label: string; spin?: boolean }> = {
  pending: { icon: 'clock', label: 'Pending' },
  // No spinning icon while running: an endless CSS animation restyles the page every frame, which
  // would tax every append of a long run (docs/architecture.md, performance budget); the ticking clock shows life instead.
  running: { icon: 'play-circle', label: 'Running' },
  halted: { icon: 'debug-pause', label: 'Halted' },
  completed: { icon: 'pass', label: 'Completed' },
  failed: { icon: 'error', label: 'Failed' },
  cancelled: { icon: 'circle-slash', label: 'Cancelled' },
  lost: { icon: 'debug-disconnect', label: 'Lost' },
};

export function isUnfinished(state: SessionState): boolean {
  return state === 'pending' || state === 'running' || state === 'halted';
}
