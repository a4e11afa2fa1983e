// The hub logs through whatever the host gives it: the extension passes its LogOutputChannel,
// `shannon-hub serve` passes stderr, tests pass a recorder.
export interface HubLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug?(message: string): void;
}

export const silentLogger: HubLogger = { info() {}, warn() {}, error() {} };
