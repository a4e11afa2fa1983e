// Mocha root hooks for the e2e layer (loaded through test/e2e/.mocharc.json `require`):
// a failed test leaves a screenshot of every open workbench in test-results/.
import type { Context } from 'mocha';
import { screenshotOpenWorkbenches } from './workbench';

export const mochaHooks = {
  async afterEach(this: Context) {
    const test = this.currentTest;
    if (test?.state !== 'failed') return;
    const files = await screenshotOpenWorkbenches(test.fullTitle());
    for (const file of files) console.log(`      screenshot: ${path(file)}`);
  },
};

function path(file: string): string {
  return file.replace(`${process.cwd()}/`, '');
}
