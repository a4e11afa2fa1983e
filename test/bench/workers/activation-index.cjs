// extensionTestsPath for the activation figure: runs inside the real extension host (code-server,
// via the harness's code-server-host.mjs) and writes what activate() measured about itself to the
// file named by SHANNON_BENCH_OUT. Plain CommonJS: `vscode` is provided by the extension host.
const { writeFileSync } = require('node:fs');

exports.run = async function run() {
  // code-server-host.mjs relays the workbench console from this marker on.
  console.log('[shannon-integration] running the bench activation probe');
  const vscode = require('vscode');
  const extension = vscode.extensions.getExtension('shannon.shannon-vscode');
  if (!extension) throw new Error('shannon.shannon-vscode is not loaded in the extension host');
  const api = await extension.activate();
  if (typeof api?.activationMs !== 'number') throw new Error('activate() returned no activationMs');
  writeFileSync(process.env.SHANNON_BENCH_OUT, JSON.stringify({ activationMs: api.activationMs }));
  console.log(`[shannon-bench] activate() took ${api.activationMs.toFixed(2)} ms`);
};
