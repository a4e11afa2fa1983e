// extensionTestsPath for the extension figures: runs inside the real extension host (code-server,
// via the harness's code-server-host.mjs) and writes to the file named by SHANNON_BENCH_OUT what
// activate() measured about itself, and how long after a Shannon command starts in a terminal the
// legacy port listens (shannon.legacy.listen "auto"; the extension measures from the
// shell-execution start event to the port's answer). Plain CommonJS: `vscode` is provided by the
// extension host.
const { writeFileSync } = require('node:fs');

async function waitFor(what, probe, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** One `shannon do …` typed into a fresh terminal; resolves with the extension's measurement. */
async function legacyListenMs(vscode, api) {
  const hub = await api.hub;
  const before = api.legacyListenLatencies().length;
  const terminal = vscode.window.createTerminal({ name: 'bench' });
  try {
    await waitFor('shell integration', () => terminal.shellIntegration, 20_000);
    // A Shannon command that does nothing (a shell function): only its start matters here.
    terminal.shellIntegration.executeCommand('shannon() { :; }; shannon do bench');
    const latencies = await waitFor(
      'the legacy port to answer',
      () => api.legacyListenLatencies().length > before && api.legacyListenLatencies(),
      10_000,
    );
    const state = hub.status().legacy.state;
    if (state !== 'listening') throw new Error(`the legacy port is ${state}, not listening`);
    return latencies[latencies.length - 1];
  } finally {
    terminal.dispose();
  }
}

exports.run = async function run() {
  // code-server-host.mjs relays the workbench console from this marker on.
  console.log('[shannon-integration] running the bench activation probe');
  const vscode = require('vscode');
  const extension = vscode.extensions.getExtension('shannon.shannon-vscode');
  if (!extension) throw new Error('shannon.shannon-vscode is not loaded in the extension host');
  const api = await extension.activate();
  if (typeof api?.activationMs !== 'number') throw new Error('activate() returned no activationMs');
  const result = { activationMs: api.activationMs };
  console.log(`[shannon-bench] activate() took ${api.activationMs.toFixed(2)} ms`);
  try {
    result.legacyListenMs = await legacyListenMs(vscode, api);
    console.log(
      `[shannon-bench] shell-execution start -> legacy port listening: ${result.legacyListenMs.toFixed(2)} ms`,
    );
  } catch (error) {
    result.legacyListenError = error.message;
  }
  writeFileSync(process.env.SHANNON_BENCH_OUT, JSON.stringify(result));
};
