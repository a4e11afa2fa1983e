// Webview entry: restore UI state, start the model, render, then tell the host we are ready
// (the host answers with a snapshot; the pinned session travels with `ready` so the first
// snapshot already shows the right one).
import { render } from 'preact';
import { App } from './app';
import { MonitorModel } from './monitor-model';
import { restoreUiState } from './ui-state';
import { loadSavedState, onHostMessage, postToHost } from './vscode-api';

const initialUi = restoreUiState(loadSavedState());
const model = new MonitorModel(postToHost);
onHostMessage((message) => model.receive(message));
render(<App model={model} initialUi={initialUi} />, document.body);
postToHost({ type: 'ready', pinnedSessionId: initialUi.pinnedSessionId });
