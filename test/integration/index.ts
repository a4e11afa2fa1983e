// Test index loaded by the extension host (the `extensionTestsPath` contract: export run(): Promise).
// Bundled by test/harness/integration.mjs next to the compiled *.test.js files; mocha stays external
// and is required from the repo's node_modules at run time.
import Mocha from 'mocha';
import { readdirSync } from 'node:fs';
import path from 'node:path';

export function run(): Promise<void> {
  // TDD interface (suite/test/suiteSetup/setup) with a timeout generous enough for real I/O;
  // colours off because the report travels through the workbench console to a log file or CI.
  const mocha = new Mocha({ ui: 'tdd', timeout: 30_000, color: false, reporter: 'spec' });
  // A committed `.only` would silently skip the rest of the suite in CI.
  if (process.env.CI) mocha.forbidOnly();
  const grep = process.env.SHANNON_TEST_GREP;
  if (grep) mocha.grep(grep);
  // integration.mjs starts one extension host per file and names it here; all files otherwise.
  const only = process.env.SHANNON_TEST_FILES?.split(',').filter(Boolean);
  const testFiles = readdirSync(__dirname)
    .filter((name) => name.endsWith('.test.js') && (!only || only.includes(name)))
    .sort();
  if (testFiles.length === 0)
    return Promise.reject(new Error(`no compiled test files in ${__dirname} match ${only?.join(',') ?? '*.test.js'}`));
  for (const name of testFiles) mocha.addFile(path.join(__dirname, name));
  // code-server-host.mjs shows the workbench console only from this marker on.
  console.log(`[shannon-integration] running ${testFiles.length} file(s): ${testFiles.join(', ')}`);
  return new Promise((resolve, reject) => {
    try {
      mocha.run((failures) => {
        if (failures > 0) reject(new Error(`${failures} integration test(s) failed`));
        else resolve();
      });
    } catch (error) {
      reject(error);
    }
  });
}
