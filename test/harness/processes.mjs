// Every long-lived process the harness starts goes through here, so that it runs in its own
// process group and that group is killed however we leave: normal exit, failure, Ctrl-C, SIGTERM.
// Killing only the direct child is not enough: code-server's extension hosts and pty helpers
// otherwise outlive the test run for hours.
import { spawn } from 'node:child_process';

/** @type {Set<import('node:child_process').ChildProcess>} */
const liveGroups = new Set();
let exitHooksInstalled = false;

function killGroupNow(child, signal) {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, signal);
  } catch {
    // ESRCH: the group is already gone.
  }
}

function installExitHooks() {
  if (exitHooksInstalled) return;
  exitHooksInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL is the only thing that reliably finishes in time.
  process.on('exit', () => {
    for (const child of liveGroups) killGroupNow(child, 'SIGKILL');
  });
  for (const [signal, code] of [
    ['SIGINT', 130],
    ['SIGTERM', 143],
    ['SIGHUP', 129],
  ]) {
    process.on(signal, () => {
      process.stderr.write(`\n[harness] ${signal}: stopping ${liveGroups.size} process group(s)\n`);
      process.exit(code);
    });
  }
}

/**
 * Spawn `command` detached (leader of a new process group) and remember it until it exits.
 * stdio defaults to pipes so callers can read the output.
 */
export function spawnGroup(command, args, options = {}) {
  installExitHooks();
  const child = spawn(command, args, { stdio: ['ignore', 'pipe', 'pipe'], ...options, detached: true });
  liveGroups.add(child);
  child.once('exit', () => liveGroups.delete(child));
  child.once('error', () => liveGroups.delete(child));
  return child;
}

/** SIGTERM the whole group, then SIGKILL whatever is left after `graceMs`. Resolves when the leader is gone. */
export async function stopGroup(child, graceMs = 5000) {
  if (child.pid === undefined) return;
  const exited =
    child.exitCode !== null || child.signalCode !== null
      ? Promise.resolve()
      : new Promise((resolve) => child.once('exit', resolve));
  killGroupNow(child, 'SIGTERM');
  let timer;
  const timedOut = new Promise((resolve) => {
    timer = setTimeout(() => resolve('timeout'), graceMs);
  });
  await Promise.race([exited, timedOut]);
  clearTimeout(timer);
  // The leader may be gone while children it started (extension host, pty host) still linger.
  killGroupNow(child, 'SIGKILL');
  liveGroups.delete(child);
}

/** Reject with a clear message if `promise` does not settle within `ms`. `what` may be a function (evaluated late). */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => {
      const description = typeof what === 'function' ? what() : what;
      reject(new Error(`Timed out after ${Math.round(ms / 1000)} s waiting for ${description}`));
    }, ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}
