// The Monitor: wires the model (host data) and the persisted UI state to the components.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { WebviewCommand } from '../src/protocol/webview';
import { EmptyState } from './components/EmptyState';
import { EventStream } from './components/EventStream';
import { Footer } from './components/Footer';
import { Header } from './components/Header';
import { SessionDetails } from './components/SessionDetails';
import { SessionPicker } from './components/SessionPicker';
import { STATUS_LOOK } from './components/status';
import { FilteredEvents } from './event-filter';
import { MonitorModel } from './monitor-model';
import type { UiState } from './ui-state';
import { postToHost, saveState } from './vscode-api';

export function App({ model, initialUi }: { model: MonitorModel; initialUi: UiState }) {
  const [, setRevision] = useState(0);
  const [ui, setUi] = useState(initialUi);
  const [announcement, setAnnouncement] = useState('');
  const filtered = useMemo(() => new FilteredEvents(), []);
  const lastAnnounced = useRef<string>('');

  // Assigned during render (not in an effect) so no model change can slip in before it is set.
  model.onChange = () => setRevision((r) => r + 1);

  const updateUi = (patch: Partial<UiState>) => {
    setUi((current) => {
      const next = { ...current, ...patch };
      saveState(next);
      return next;
    });
  };

  const session = model.session;

  // Announce state changes of the shown session (not every event) to screen readers.
  useEffect(() => {
    const key = session ? `${session.id}:${session.state}` : '';
    if (!session || key === lastAnnounced.current) return;
    const first = lastAnnounced.current === '';
    lastAnnounced.current = key;
    if (!first) setAnnouncement(`Session ${STATUS_LOOK[session.state].label.toLowerCase()}: ${session.task ?? session.id}`);
  });

  // The host may drop a pin (the session was removed): keep the saved state in line with it.
  const syncedGeneration = useRef(-1);
  useEffect(() => {
    if (!model.loaded || syncedGeneration.current === model.generation) return;
    syncedGeneration.current = model.generation;
    if (model.pinnedSessionId !== ui.pinnedSessionId) updateUi({ pinnedSessionId: model.pinnedSessionId });
  });

  const run = (command: WebviewCommand) => postToHost({ type: 'command', command, sessionId: session?.id });
  const copy = (text: string) => postToHost({ type: 'copy', text });
  const pin = (sessionId: string | null) => {
    updateUi({ pinnedSessionId: sessionId, followTail: true });
    postToHost({ type: 'pin', sessionId });
  };
  const toggleSection = (name: string, open: boolean) => {
    const collapsed = ui.collapsed.filter((n) => n !== name);
    if (!open) collapsed.push(name);
    if (collapsed.length !== ui.collapsed.length) updateUi({ collapsed });
  };

  const rowCount = filtered.update(model.events, model.generation, { kindFilter: ui.kindFilter, search: ui.search });
  const origin = session ? Date.parse(session.startedAt ?? session.createdAt) : NaN;

  return (
    <div class="app">
      <SessionPicker
        sessions={model.sessions}
        activeSessionId={model.activeSessionId}
        pinnedSessionId={model.loaded ? model.pinnedSessionId : ui.pinnedSessionId}
        onPin={pin}
      />
      {!model.loaded ? (
        <main class="loading">
          <p class="muted">Connecting to the Shannon hub…</p>
        </main>
      ) : !session ? (
        <main>
          <EmptyState hub={model.hub} run={run} />
        </main>
      ) : (
        <>
          <Header session={session} run={run} copy={copy} />
          <main class="session-main">
            <SessionDetails session={session} collapsed={ui.collapsed} onToggle={toggleSection} run={run} />
            <EventStream
              events={model.events}
              filtered={filtered}
              rowCount={rowCount}
              kindCounts={model.kindCounts}
              kindFilter={ui.kindFilter}
              search={ui.search}
              timeMode={ui.timeMode}
              followTail={ui.followTail}
              initialScrollTop={ui.scrollTop}
              originMs={Number.isNaN(origin) ? undefined : origin}
              onKindFilter={(kindFilter) => updateUi({ kindFilter })}
              onSearch={(search) => updateUi({ search })}
              onTimeMode={(timeMode) => updateUi({ timeMode })}
              onFollowTail={(followTail) => updateUi({ followTail })}
              onScrollSettled={(scrollTop) => updateUi({ scrollTop })}
            />
          </main>
        </>
      )}
      <Footer hub={model.hub} />
      <div class="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>
    </div>
  );
}
