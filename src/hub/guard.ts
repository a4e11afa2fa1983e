// The last line of defence for callbacks the event loop calls (timers, socket and server events):
// an exception thrown there has no caller to catch it, and in `shannon-hub serve` it would end the
// process, every reporter's connection with it. Each such callback is wrapped: the exception is
// logged with its stack and the hub keeps serving. Frame handling has its own, finer handling
// (an `internal` error reply); this catches whatever a bug lets through.
import type { HubLogger } from './logger';

/** `fn`, but an exception it throws is logged as an error naming `what` instead of propagating. */
export function guarded<A extends unknown[]>(
  log: HubLogger,
  what: string,
  fn: (...args: A) => void,
): (...args: A) => void {
  return (...args: A) => {
    try {
      fn(...args);
    } catch (error) {
      log.error(`${what} failed (the hub keeps serving): ${(error as Error)?.stack ?? String(error)}`);
    }
  };
}
