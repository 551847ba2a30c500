// Headless Debian Chromium through playwright-core, on a fresh profile.
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Why browser tests cannot run here, or undefined when they can; says so loudly on stderr when they cannot. */
export function browserMissing() {
  if (existsSync(CHROMIUM)) return undefined;
  const why = `Chromium not found at ${CHROMIUM}: end-to-end tests SKIPPED. Install it with 'apt-get install -y chromium' (CI does).`;
  console.error(`\n${'!'.repeat(78)}\n${why}\n${'!'.repeat(78)}\n`);
  return why;
}

/**
 * Launches Chromium and opens a page that records every request it makes and
 * every uncaught error, and accepts the dev app's guest sign-in dialog.
 * @param {{ args?: string[] }} [options]
 */
export async function openBrowser({ args = [] } = {}) {
  const profile = mkdtempSync(join(tmpdir(), 'segment-e2e-profile-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport: { width: 1400, height: 1000 },
    args: [
      '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync', ...args,
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  /** @type {{ url: string, method: string, body: string }[]} */
  const requests = [];
  /** @type {string[]} */
  const errors = [];
  context.on('request', r => requests.push({ url: r.url(), method: r.method(), body: r.postData() ?? '' }));
  page.on('pageerror', e => errors.push(String(e)));
  page.on('dialog', d => void d.accept());
  return {
    context,
    page,
    requests,
    errors,
    async close() {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}
