// Types for browser.mjs.
import type { Browser, Page } from 'playwright-core';
export const CHROMIUM_ARGS: string[];
export function launchChromium(): Promise<Browser>;
export function newWorkbenchPage(browser: Browser): Promise<Page>;
