// E2E layer config. Naming files on the command line runs only those files
// (`npx mocha --config test/e2e/.mocharc.cjs test/e2e/sidebar.test.ts`); otherwise all of test/e2e.
const namedFiles = process.argv.slice(2).some((arg) => /\.test\.ts$/.test(arg));
module.exports = {
  ...(namedFiles ? {} : { spec: ['test/e2e/**/*.test.ts'] }),
  require: ['test/e2e/hooks.ts'],
  'node-option': ['import=tsx'],
  ui: 'tdd',
  timeout: 120000,
  slow: 30000,
  exit: true,
  // A committed `.only` would silently skip the rest of the suite in CI.
  'forbid-only': Boolean(process.env.CI),
};
