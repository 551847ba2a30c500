// @ts-check
// Launches the system Chromium through playwright-core, loopback only, with
// the flags of the end-to-end tests (e2e/support/browser.mjs; CHROMIUM_PATH too).
import { chromium } from 'playwright-core';
import { CHROMIUM, FLAGS } from '../e2e/support/browser.mjs';

/**
 * No host name resolves, so nothing can leave the machine even if a library
 * tried to reach its CDN; 127.0.0.1 is an IP literal and is not resolved.
 */
export const LOOPBACK_ONLY = '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1';

/**
 * A fresh browser: playwright gives each launch its own temporary
 * --user-data-dir and removes it on close. Each scenario then opens a new
 * context (no cookies, storage or HTTP cache from the one before).
 */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, LOOPBACK_ONLY], headless: true });
}
