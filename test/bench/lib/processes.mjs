// Child processes for the bench: every process started here is tracked and stopped, and every
// wait has a timeout, so a hung worker fails one figure instead of hanging the whole run.
import { fork, spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

const started = new Set();

/** Stop every child this run started (called on exit and on Ctrl-C). */
export function stopAllChildren() {
  for (const child of started) {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  }
  started.clear();
}
process.on('exit', stopAllChildren);

/** Remember a child so stopAllChildren() ends it if the figure that started it fails or times out. */
export function track(child) {
  started.add(child);
  child.once('exit', () => started.delete(child));
  return child;
}

/** Reject after `ms` with a message that says what was being waited for. */
export function withTimeout(promise, ms, what) {
  let timer;
  const timeout = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms waiting for ${what}`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * A forked worker script that talks with IPC messages `{ type, ... }`.
 * `next(type)` resolves with the next message of that type (or rejects if the worker dies first).
 */
export function forkWorker(script, args = [], { execArgv = [], env } = {}) {
  const child = track(
    fork(script, args, { execArgv, env: env ?? process.env, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] }),
  );
  const queued = [];
  const waiting = [];
  let exitError;
  child.on('message', (message) => {
    const index = waiting.findIndex((w) => w.type === message.type || message.type === 'error');
    if (index >= 0) {
      const [w] = waiting.splice(index, 1);
      if (message.type === 'error') w.reject(new Error(`${script}: ${message.message}`));
      else w.resolve(message);
    } else queued.push(message);
  });
  child.on('exit', (code, signal) => {
    exitError = new Error(`${script} exited (${code ?? signal}) early`);
    for (const w of waiting.splice(0)) w.reject(exitError);
  });
  return {
    child,
    send(message) {
      child.send(message);
    },
    next(type, ms = 60_000) {
      const index = queued.findIndex((m) => m.type === type || m.type === 'error');
      if (index >= 0) {
        const [message] = queued.splice(index, 1);
        return message.type === 'error' && type !== 'error'
          ? Promise.reject(new Error(`${script}: ${message.message}`))
          : Promise.resolve(message);
      }
      if (exitError) return Promise.reject(exitError);
      return withTimeout(
        new Promise((resolve, reject) => waiting.push({ type, resolve, reject })),
        ms,
        `${type} from ${script}`,
      );
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGTERM');
      await withTimeout(exited, 5_000, `${script} to exit`).catch(() => child.kill('SIGKILL'));
    },
  };
}

/**
 * Start a process that prints one JSON line on stdout when it is ready (like `shannon-hub serve`)
 * and resolve with the parsed line and a stop() that sends SIGTERM and waits for the exit.
 */
export async function spawnWithReadyLine(command, args, { cwd, env, timeoutMs = 20_000 } = {}) {
  const child = track(spawn(command, args, { cwd, env: env ?? process.env, stdio: ['ignore', 'pipe', 'pipe'] }));
  let stderr = '';
  child.stderr.on('data', (chunk) => {
    stderr += chunk;
    if (stderr.length > 20_000) stderr = stderr.slice(-10_000);
  });
  const ready = new Promise((resolve, reject) => {
    let stdout = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
      const newline = stdout.indexOf('\n');
      if (newline < 0) return;
      try {
        resolve(JSON.parse(stdout.slice(0, newline)));
      } catch (error) {
        reject(new Error(`${command} ${args.join(' ')} printed a line that is not JSON: ${stdout.slice(0, 200)}`));
      }
    });
    child.once('exit', (code, signal) =>
      reject(
        new Error(`${command} ${args.join(' ')} exited (${code ?? signal}) before ready: ${stderr.trim().slice(-500)}`),
      ),
    );
  });
  const line = await withTimeout(ready, timeoutMs, `${command} ${args.join(' ')} to be ready`);
  return {
    line,
    child,
    stderr: () => stderr,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      const exited = new Promise((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGTERM');
      return withTimeout(exited, 10_000, `${command} to exit`).catch(() => {
        child.kill('SIGKILL');
        return null;
      });
    },
  };
}

/**
 * CPU time (user + system, microseconds) a process has used so far, from /proc (Linux). Unlike
 * wall time it barely moves with the machine's load, so it explains a throughput figure on a
 * busy machine. Clock ticks are 1/100 s here (getconf CLK_TCK).
 */
export function cpuMicrosOf(pid) {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * 10_000; // utime + stime, 100 ticks/s
  } catch {
    return NaN;
  }
}
