// The Monitor: wires the model (host data) and the persisted UI state to the components.
// Handlers are created once (they read current values through refs) so the memoized parts of
// the page skip re-rendering when only the event list moved.
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { ReviewAction, WebviewCommand } from '../src/protocol/webview';
import { Decisions } from './components/DecisionCard';
import { ControlStatus, Instruct } from './components/Instruct';
import { EmptyState } from './components/EmptyState';
import { EventStream } from './components/EventStream';
import { Footer } from './components/Footer';
import { Header } from './components/Header';
import { SessionDetails } from './components/SessionDetails';
import { SessionPicker } from './components/SessionPicker';
import { STATUS_LOOK } from './components/status';
import { MonitorModel } from './monitor-model';
import type { UiState } from './ui-state';
import { postToHost, saveState } from './vscode-api';

export function App({ model, initialUi }: { model: MonitorModel; initialUi: UiState }) {
  const [, setRevision] = useState(0);
  const [ui, setUi] = useState(initialUi);
  const [announcement, setAnnouncement] = useState('');
  const lastAnnounced = useRef<string>('');
  const shownSessionId = useRef<string | undefined>(undefined);

  const appendSink = useMemo<{ current: (() => void) | null }>(() => ({ current: null }), []);
  // Assigned during render (not in an effect) so no model change can slip in before it is set.
  model.onChange = () => setRevision((r) => r + 1);
  model.onAppend = () => (appendSink.current ? appendSink.current() : setRevision((r) => r + 1));
  model.onRows = model.onAppend;
  // The host runs the filter over the whole session; the model sends it (again after each snapshot).
  model.setFilter({ kindFilter: ui.kindFilter, search: ui.search });

  const session = model.session;
  shownSessionId.current = session?.id;

  const handlers = useMemo(() => {
    const updateUi = (patch: Partial<UiState> | ((current: UiState) => Partial<UiState>)) =>
      setUi((current) => {
        const next = { ...current, ...(typeof patch === 'function' ? patch(current) : patch) };
        saveState(next);
        return next;
      });
    return {
      updateUi,
      run: (command: WebviewCommand) => postToHost({ type: 'command', command, sessionId: shownSessionId.current }),
      copy: (text: string) => postToHost({ type: 'copy', text }),
      decide: (decisionId: string, optionId: string) => {
        const sessionId = shownSessionId.current;
        if (sessionId) postToHost({ type: 'decide', sessionId, decisionId, optionId });
      },
      instruct: (text: string) => {
        const sessionId = shownSessionId.current;
        if (sessionId) postToHost({ type: 'instruct', sessionId, text });
      },
      review: (action: ReviewAction, path?: string) => {
        const sessionId = shownSessionId.current;
        if (sessionId)
          postToHost(
            path === undefined ? { type: 'review', sessionId, action } : { type: 'review', sessionId, action, path },
          );
      },
      pin: (sessionId: string | null) => {
        updateUi({ pinnedSessionId: sessionId, followTail: true });
        postToHost({ type: 'pin', sessionId });
      },
      toggleSection: (name: string, open: boolean) =>
        updateUi((current) => {
          const collapsed = current.collapsed.filter((n) => n !== name);
          if (!open) collapsed.push(name);
          return { collapsed };
        }),
      onKindFilter: (kindFilter: string) => updateUi({ kindFilter }),
      onSearch: (search: string) => updateUi({ search }),
      onTimeMode: (timeMode: UiState['timeMode']) => updateUi({ timeMode }),
      onFollowTail: (followTail: boolean) => updateUi({ followTail }),
      onScrollSettled: (scrollTop: number) => updateUi({ scrollTop }),
    };
  }, []);

  // Announce state changes of the shown session (not every event) to screen readers.
  useEffect(() => {
    const key = session ? `${session.id}:${session.state}` : '';
    if (!session || key === lastAnnounced.current) return;
    const first = lastAnnounced.current === '';
    lastAnnounced.current = key;
    if (!first)
      setAnnouncement(`Session ${STATUS_LOOK[session.state].label.toLowerCase()}: ${session.task ?? session.id}`);
  }, [session?.id, session?.state]);

  // The host may drop a pin (the session was removed): keep the saved state in line after each snapshot.
  const syncedGeneration = useRef(-1);
  useEffect(() => {
    if (!model.loaded || syncedGeneration.current === model.generation) return;
    syncedGeneration.current = model.generation;
    if (model.pinnedSessionId !== ui.pinnedSessionId) handlers.updateUi({ pinnedSessionId: model.pinnedSessionId });
  }, [model.generation, model.loaded]);

  const origin = session ? Date.parse(session.startedAt ?? session.createdAt) : NaN;

  return (
    <div class="app">
      <SessionPicker
        sessions={model.sessions}
        activeSessionId={model.activeSessionId}
        pinnedSessionId={model.loaded ? model.pinnedSessionId : ui.pinnedSessionId}
        onPin={handlers.pin}
      />
      {!model.loaded ? (
        <main class="loading">
          <p class="muted">Connecting to the Shannon hub…</p>
        </main>
      ) : !session ? (
        <main>
          <EmptyState hub={model.hub} run={handlers.run} />
        </main>
      ) : (
        <>
          <Decisions session={session} decide={handlers.decide} />
          <Header session={session} run={handlers.run} copy={handlers.copy} />
          <ControlStatus session={session} />
          <main class="session-main">
            <SessionDetails
              session={session}
              model={model}
              collapsed={ui.collapsed}
              onToggle={handlers.toggleSection}
              run={handlers.run}
              copy={handlers.copy}
              marks={model.review}
              review={handlers.review}
            />
            <EventStream
              rows={model.rows()}
              query={model.query}
              eventCount={model.all.count}
              generation={model.generation}
              appendSink={appendSink}
              kinds={model.kinds}
              kindsVersion={model.kindsVersion}
              kindFilter={ui.kindFilter}
              search={ui.search}
              timeMode={ui.timeMode}
              followTail={ui.followTail}
              initialScrollTop={ui.scrollTop}
              originMs={Number.isNaN(origin) ? undefined : origin}
              onKindFilter={handlers.onKindFilter}
              onSearch={handlers.onSearch}
              onTimeMode={handlers.onTimeMode}
              onFollowTail={handlers.onFollowTail}
              onScrollSettled={handlers.onScrollSettled}
              onCopy={handlers.copy}
            />
          </main>
          <Instruct session={session} instruct={handlers.instruct} />
        </>
      )}
      <Footer hub={model.hub} />
      <div class="visually-hidden" aria-live="polite" role="status">
        {announcement}
      </div>
    </div>
  );
}
