// The reporter library's public surface, for anything in this repo (benchmarks, the extension)
// or a bundled tool that reports to the hub. No `vscode` import anywhere below.
export {
  Reporter,
  handshake,
  probeHub,
  reconnectDelayMs,
  HubConnectionError,
  InvalidEventError,
  FlushTimeoutError,
  type ReporterOptions,
  type ReporterState,
  type ReporterLogger,
  type HubAddress,
  type ConnectFailure,
  type DropInfo,
} from './client';
export {
  findHub,
  selectLockFile,
  isInside,
  type HubLocation,
  type DiscoveryResult,
  type DiscoveryInput,
} from './discovery';
export { makeSessionId, SESSION_ID_PATTERN } from './session-id';
