// Debian's Chromium through playwright-core, the only browser these machines have.
// Never `npx playwright install`: it downloads a browser and fails without network.
import { chromium } from 'playwright-core';
import { provisionBrowser } from './provision.mjs';

export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

/** launch() gives every browser a fresh temporary profile, deleted on close. */
export async function launchChromium() {
  const executablePath = provisionBrowser();
  return chromium.launch({ executablePath, args: CHROMIUM_ARGS, headless: true, timeout: 60_000 });
}

/** A page at 1400x900 so the workbench lays out the activity bar, side bar and panel. */
export async function newWorkbenchPage(browser) {
  const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
  const page = await context.newPage();
  page.setDefaultTimeout(30_000);
  return page;
}
