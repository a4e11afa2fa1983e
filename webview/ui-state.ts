// UI state that must survive the webview being hidden and shown again (VS Code destroys a hidden
// webview's page; setState/getState is how it comes back). Kept small and plain JSON.

export type TimeMode = 'relative' | 'absolute';

export interface UiState {
  /** '' = all kinds, 'skill:*' = a kind family, anything else = one exact kind. */
  kindFilter: string;
  search: string;
  pinnedSessionId: string | null;
  followTail: boolean;
  timeMode: TimeMode;
  scrollTop: number;
  /** Which collapsible sections are open, by name. */
  collapsed: string[];
}

export const DEFAULT_UI_STATE: UiState = {
  kindFilter: '',
  search: '',
  pinnedSessionId: null,
  followTail: true,
  timeMode: 'relative',
  scrollTop: 0,
  collapsed: [],
};

/** Accept a saved state field by field, so a corrupt or older state never breaks the view. */
export function restoreUiState(saved: unknown): UiState {
  const state = { ...DEFAULT_UI_STATE };
  if (!saved || typeof saved !== 'object') return state;
  const s = saved as Record<string, unknown>;
  if (typeof s.kindFilter === 'string') state.kindFilter = s.kindFilter.slice(0, 200);
  if (typeof s.search === 'string') state.search = s.search.slice(0, 500);
  if (typeof s.pinnedSessionId === 'string' && /^[\w.:@-]{1,200}$/.test(s.pinnedSessionId))
    state.pinnedSessionId = s.pinnedSessionId;
  if (typeof s.followTail === 'boolean') state.followTail = s.followTail;
  if (s.timeMode === 'absolute' || s.timeMode === 'relative') state.timeMode = s.timeMode;
  if (typeof s.scrollTop === 'number' && Number.isFinite(s.scrollTop) && s.scrollTop >= 0)
    state.scrollTop = s.scrollTop;
  if (Array.isArray(s.collapsed))
    state.collapsed = s.collapsed.filter((x): x is string => typeof x === 'string').slice(0, 20);
  return state;
}
