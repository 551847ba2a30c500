// Launches the system Chromium through playwright-core, loopback only.
import { chromium } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';

/**
 * No host name resolves, so nothing can leave the machine even if a library
 * tried to reach its CDN; 127.0.0.1 is an IP literal and is not resolved.
 */
export const LOOPBACK_ONLY = '--host-resolver-rules=MAP * ~NOTFOUND , EXCLUDE 127.0.0.1';

const ARGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  LOOPBACK_ONLY,
];

/**
 * A fresh browser: playwright gives each launch its own temporary
 * --user-data-dir and removes it on close. Each scenario then opens a new
 * context (no cookies, storage or HTTP cache from the one before).
 */
export function launchBrowser() {
  return chromium.launch({ executablePath: CHROMIUM, args: ARGS, headless: true });
}
