// @ts-check
// Invalid values under app.analytics.segment in a real app served by its own
// backend: the backend still serves the app (no 503), and the module says
// what is wrong with one console.error naming the key, and sends nothing.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { openBrowser } from '../support/browser.mjs';
import { start, tail } from './exec.mjs';

const MINUTE = 60_000;

/** Each case is one start of the app backend with these keys added to the block. */
export const INVALID_CASES = [
  { name: 'region: asia', segment: { region: 'asia' }, key: 'app.analytics.segment.region' },
  { name: 'batching.size: twenty', segment: { batching: { size: 'twenty' } }, key: 'app.analytics.segment.batching.size' },
  { name: 'a misspelled key, maskIp', segment: { maskIp: true }, key: 'app.analytics.segment.maskIp' },
];

/**
 * @typedef {object} InvalidConfigResult
 * @property {string} name
 * @property {number | undefined} status what `/` answered once the backend was up
 * @property {string[]} errors the page's console.error lines from the module
 * @property {number} sent calls of this case's write key that reached the collector
 * @property {string} key the key the error must name
 */

/**
 * Starts the app backend once per case, with the case's keys in
 * app-config.local.yaml, and loads the app in Chromium (guest sign-in).
 * @param {object} options
 * @param {import('./prepareApp.mjs').Workspace} options.ws
 * @param {any} options.localConfig the app-config.local.yaml of the walk
 * @param {string} options.appUrl
 * @param {{ url: string, messages(): any[] }} options.collector
 * @param {(line: string) => void} options.say
 * @returns {Promise<InvalidConfigResult[]>}
 */
export async function runInvalidConfigs({ ws, localConfig, appUrl, collector, say }) {
  /** @type {InvalidConfigResult[]} */
  const results = [];
  for (const [index, { name, segment, key }] of INVALID_CASES.entries()) {
    const writeKey = `real-app-invalid-${index}`;
    const config = structuredClone(localConfig);
    config.app.analytics.segment = { ...config.app.analytics.segment, writeKey, ...segment };
    writeFileSync(join(ws.appDir, 'app-config.local.yaml'), `${JSON.stringify(config, null, 2)}\n`);
    const log = join(ws.cache, `backend-invalid-${index}.log`);
    writeFileSync(log, '');
    const backend = start('yarn', ['workspace', 'backend', 'start'], { cwd: ws.appDir, env: ws.env, log });
    try {
      const status = await firstAnswer(appUrl, backend.exited, log);
      const { errors } = await loadApp(appUrl, collector.url);
      const sent = collector.messages().filter(m => m.writeKey === writeKey).length;
      results.push({ name, status, errors, sent, key });
      say(`with ${name}: / answered ${status}; console.error from the module: ${JSON.stringify(errors)}`);
    } finally {
      await backend.stop();
    }
  }
  writeFileSync(join(ws.appDir, 'app-config.local.yaml'), `${JSON.stringify(localConfig, null, 2)}\n`);
  return results;
}

/**
 * The status of `/` once the backend answers it (it answers 503 while its
 * plugins start, and for good when the frontend config fails its schema).
 * @param {string} appUrl
 * @param {Promise<number | null>} exited
 * @param {string} log
 */
async function firstAnswer(appUrl, exited, log) {
  let gone = false;
  void exited.then(() => {
    gone = true;
  });
  let status;
  const deadline = Date.now() + 4 * MINUTE;
  while (Date.now() < deadline && !gone) {
    try {
      const response = await fetch(appUrl);
      status = response.status;
      if (status === 200 && (await response.text()).includes('<script')) return status;
    } catch {
      // not listening yet
    }
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
  if (gone) throw new Error(`the backend exited\n${tail(log)}`);
  return status;
}

/**
 * Opens the app, signs in as guest, goes from the catalog to the docs (two
 * router navigations, each an analytics event); returns the module's
 * console.error lines.
 * @param {string} appUrl
 * @param {string} collectorUrl
 */
async function loadApp(appUrl, collectorUrl) {
  const browser = await openBrowser();
  /** @type {string[]} */
  const errors = [];
  browser.page.on('console', message => {
    if (message.type() === 'error' && message.text().includes('Segment analytics')) errors.push(message.text());
  });
  try {
    const { context, page } = browser;
    await context.route(
      url => !url.href.startsWith(appUrl) && !url.href.startsWith(collectorUrl),
      route => route.abort(),
    );
    page.setDefaultTimeout(60_000);
    await page.goto(appUrl);
    await page.getByRole('button', { name: 'Enter' }).click();
    await page.waitForURL(url => url.pathname === '/catalog');
    await page.locator('nav a[href="/docs"]').first().click();
    await page.waitForURL(url => url.pathname.startsWith('/docs'));
    await page.waitForTimeout(3000);
    return { errors };
  } finally {
    await browser.close();
  }
}

/**
 * The checks on the results: `/` served, one error naming the key, nothing sent.
 * @param {InvalidConfigResult[]} results
 * @returns {{ name: string, ok: boolean, detail: string }[]}
 */
export function checkInvalidConfigs(results) {
  return results.map(({ name, status, errors, sent, key }) => ({
    name: `with ${name}, the app backend serves the app and the module says what is wrong, once, and sends nothing`,
    ok:
      status === 200 &&
      errors.length === 1 &&
      errors[0].startsWith(`Segment analytics is off: Invalid config ${key}`) &&
      sent === 0,
    detail: `/ answered ${status}; ${errors.length} console.error: ${errors.join(' | ')}; ${sent} calls sent`,
  }));
}
