// Typed access to the one VS Code API object a webview gets. acquireVsCodeApi may be called only
// once per page load, so every module goes through this wrapper.
import type { HostToWebview, WebviewToHost } from '../src/protocol/webview';
import type { UiState } from './ui-state';

interface VsCodeApi {
  postMessage(message: WebviewToHost): void;
  getState(): unknown;
  setState(state: UiState): void;
}

declare function acquireVsCodeApi(): VsCodeApi;

const api: VsCodeApi = acquireVsCodeApi();

export function postToHost(message: WebviewToHost): void {
  api.postMessage(message);
}

/** Whatever was saved last; untrusted shape (older versions of the webview may have saved it). */
export function loadSavedState(): unknown {
  return api.getState();
}

export function saveState(state: UiState): void {
  api.setState(state);
}

/** Host messages arrive as window `message` events; anything else posting to us is ignored by the model. */
export function onHostMessage(listener: (message: HostToWebview) => void): void {
  window.addEventListener('message', (event: MessageEvent) => {
    const data = event.data as { type?: unknown } | null;
    if (data && typeof data === 'object' && typeof data.type === 'string') listener(data as HostToWebview);
  });
}
