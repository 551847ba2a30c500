// @ts-check
// Headless Debian Chromium through playwright-core. One Chromium process per
// set of launch flags is shared by the whole test process; every openBrowser()
// gets a fresh browser context of its own (its own storage, cookies and
// cache, like a new profile), which is far cheaper than a new process.
import { existsSync } from 'node:fs';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Flags of every Chromium the tests launch (loopback only, nothing in the background). */
export const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** How long an unused Chromium stays up for the next openBrowser() before it is closed. */
const LINGER_MS = 2000;

/**
 * @typedef {object} SharedBrowser
 * @property {Promise<import('playwright-core').Browser>} launched
 * @property {number} users contexts open on it
 * @property {NodeJS.Timeout} [idle] closes it once it has been unused for LINGER_MS
 */

/** Launched Chromium processes, by their extra flags. @type {Map<string, SharedBrowser>} */
const browsers = new Map();

/** Why browser tests cannot run here, or undefined when they can; says so loudly on stderr when they cannot. */
export function browserMissing() {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `Chromium not found at ${CHROMIUM}: end-to-end tests SKIPPED. Install it with 'apt-get install -y chromium' (CI does).`;
  console.error(`\n${'!'.repeat(78)}\n${why}\n${'!'.repeat(78)}\n`);
  return why;
}

/**
 * The Chromium process for these extra flags, launched on first use.
 * @param {string[]} args
 * @param {boolean} backForwardCache keep the back/forward cache on (Playwright turns it off by default)
 */
function acquire(args, backForwardCache) {
  const key = JSON.stringify([args, backForwardCache]);
  let shared = browsers.get(key);
  if (!shared) {
    const launched = chromium.launch({
      executablePath: CHROMIUM,
      headless: true,
      args: [...FLAGS, ...args],
      ...(backForwardCache && { ignoreDefaultArgs: ['--disable-back-forward-cache'] }),
    });
    shared = { launched, users: 0 };
    browsers.set(key, shared);
    launched.catch(() => browsers.delete(key));
  }
  clearTimeout(shared.idle);
  shared.users++;
  const entry = shared;
  return {
    launched: entry.launched,
    release() {
      if (--entry.users > 0) return;
      entry.idle = setTimeout(() => void closeEntry(key, entry), LINGER_MS);
    },
  };
}

/**
 * @param {string} key
 * @param {SharedBrowser} entry
 */
async function closeEntry(key, entry) {
  clearTimeout(entry.idle);
  if (browsers.get(key) === entry) browsers.delete(key);
  await entry.launched.then(b => b.close()).catch(() => {});
}

/**
 * Closes at once every shared Chromium no context uses any more (instead of
 * after LINGER_MS): what a test file calls when its last test is over.
 */
export async function closeIdleBrowsers() {
  await Promise.all([...browsers].filter(([, entry]) => entry.users === 0).map(([key, entry]) => closeEntry(key, entry)));
}

/**
 * Opens a fresh browser context (like a new profile: empty storage, cookies
 * and cache) with one page, on the Chromium shared by every context asking
 * for the same extra flags. The context records every request it makes and
 * the page every uncaught error, and accepts the dev app's guest sign-in dialog.
 * Pages of one context share storage, across reloads and new tabs.
 * @param {{ args?: string[], backForwardCache?: boolean }} [options] extra Chromium flags
 *   (`--host-resolver-rules=...`, say); `backForwardCache`: pages left may be kept and restored
 */
export async function openBrowser({ args = [], backForwardCache = false } = {}) {
  const lease = acquire(args, backForwardCache);
  /** @type {import('playwright-core').BrowserContext | undefined} */
  let opened;
  /** @type {import('playwright-core').Page} */
  let page;
  try {
    opened = await (await lease.launched).newContext({ viewport: { width: 1400, height: 1000 } });
    page = await opened.newPage();
  } catch (error) {
    await opened?.close().catch(() => {});
    lease.release();
    throw error;
  }
  const context = opened;
  /** @type {{ url: string, method: string, body: string }[]} */
  const requests = [];
  /** @type {string[]} */
  const errors = [];
  context.on('request', r => requests.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' }));
  page.on('pageerror', e => errors.push(String(e)));
  page.on('dialog', d => void d.accept());
  let closed = false;
  return {
    context,
    page,
    requests,
    errors,
    async close() {
      if (closed) return;
      closed = true;
      try {
        await context.close();
      } finally {
        lease.release();
      }
    },
  };
}
