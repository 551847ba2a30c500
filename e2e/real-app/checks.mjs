// @ts-check
// What must hold on the wire after a walk through the real app. Each check
// gives a line for the report; the run fails when any does not hold.
import { createHash } from 'node:crypto';
import { gzipSync } from 'node:zlib';

/** Page calls that must carry the title of the page navigated to. */
export const MIN_TITLE_RATIO = 0.95;

/**
 * @typedef {{ name: string, ok: boolean, detail: string }} Check
 * @typedef {Record<string, any>} Message
 */

/**
 * @param {object} input
 * @param {Message[]} input.messages what the collector accepted, in arrival order
 * @param {import('./walk.mjs').WalkResult} input.walk
 * @param {string} input.collectorUrl
 * @param {string} input.userEntityRef the signed-in user, as the backend knows them
 * @param {string} input.searchTerm
 * @param {number} input.searchResults numberOfResults the search backend gives for the term
 * @returns {Check[]}
 */
export function checkWalk({ messages, walk, collectorUrl, userEntityRef, searchTerm, searchResults }) {
  /** @type {Check[]} */
  const checks = [];
  const check = (/** @type {string} */ name, /** @type {boolean} */ ok, /** @type {string} */ detail) => checks.push({ name, ok, detail });
  const userId = createHash('sha256').update(userEntityRef).digest('hex');
  checks.push(...checkUserIds({ messages, userId, how: 'sha-256', userEntityRef }));

  const sentToCollector = walk.requests.filter(r => r.url.startsWith(collectorUrl));
  const plaintext = [userEntityRef, encodeURIComponent(userEntityRef)];
  const leaks = sentToCollector.filter(r => plaintext.some(p => r.url.includes(p) || r.body.includes(p)));
  const leaksAnywhere = walk.requests.filter(r => !r.url.startsWith(collectorUrl) && /segment|\/v1\/[tpigab]$/.test(r.url) && plaintext.some(p => r.body.includes(p)));
  check('the plaintext entity ref is nowhere on the wire to Segment',
    leaks.length === 0 && leaksAnywhere.length === 0 && !JSON.stringify(messages).includes(userEntityRef),
    `${sentToCollector.length} requests to the collector searched for '${userEntityRef}': ${leaks.length + leaksAnywhere.length} contain it`);

  checks.push(checkNavigations({ messages, walk }));

  const pages = messages.filter(m => m.type === 'page').sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  checks.push(checkReferrers(pages, walk));
  const entityRoute = /^\/catalog\/([^/]+)\/([^/]+)\/([^/?#]+)/;
  const entityPages = pages.filter(m => entityRoute.test(m.properties?.path ?? ''));
  const badAttributes = entityPages.filter(m => {
    const [, namespace, kind, name] = /** @type {RegExpExecArray} */ (entityRoute.exec(m.properties.path));
    const a = m.properties.attributes ?? {};
    return a.namespace !== namespace || a.kind !== kind || a.name !== name;
  });
  check('entity page calls carry the route attributes kind, namespace, name',
    entityPages.length > 0 && badAttributes.length === 0,
    `${entityPages.length} entity page calls, ${badAttributes.length} without them, e.g. ${JSON.stringify(entityPages[0]?.properties?.attributes)}`);

  // Pair each step of the walk with its page call, in order.
  let cursor = 0;
  const titled = walk.steps.map(step => {
    const index = pages.findIndex((m, i) => i >= cursor && pathOf(m.properties?.subject) === pathOf(step.url));
    if (index >= 0) cursor = index + 1;
    const sent = index >= 0 ? pages[index].properties?.title : undefined;
    return { step, sent, ok: sent === step.title };
  });
  const right = titled.filter(t => t.ok).length;
  check(`page calls carry the title of the page navigated to (>= ${MIN_TITLE_RATIO * 100}%)`,
    right / Math.max(1, titled.length) >= MIN_TITLE_RATIO,
    `${right}/${titled.length} right${titled.filter(t => !t.ok).map(t => `\n      ${t.step.url}: sent '${t.sent}', page '${t.step.title}'`).join('')}`);

  checks.push(checkSearch({ messages, walk, searchTerm, searchResults }));

  checks.push(checkLazyLibrary({ messages, walk }), checkNothingBlocked(walk));
  return checks;
}

/**
 * The library is in a chunk of its own, loaded after the app's first scripts.
 * @param {{ messages: Message[], walk: import('./walk.mjs').WalkResult }} input
 * @returns {Check}
 */
export function checkLazyLibrary({ messages, walk }) {
  const initialScripts = [...walk.indexHtml.matchAll(/<script[^>]*\ssrc="([^"]+)"/g)].map(m => new URL(m[1], walk.requests[0]?.url).href);
  const libraryChunks = [...walk.scripts].filter(([, source]) => source.includes('npm:next')).map(([url]) => url);
  const eager = libraryChunks.filter(url => initialScripts.includes(url));
  const versions = [...new Set(messages.map(m => m.context?.library?.version))];
  return {
    name: '@segment/analytics-next is loaded from a lazily loaded chunk',
    ok: initialScripts.length > 0 && libraryChunks.length > 0 && eager.length === 0 && versions.every(v => String(v).startsWith('npm:next')),
    detail: `${initialScripts.length} initial scripts, none with the library; library in ${libraryChunks.map(u => `${u.replace(/^.*\//, '')} (${(gzipSync(walk.scripts.get(u) ?? '').length / 1024).toFixed(1)} KiB gzipped)`).join(', ')}, loaded on demand; calls made by ${versions.join(', ')}${eager.length ? `; EAGER: ${eager.join(' ')}` : ''}`,
  };
}

/**
 * No request from the browser to another host than the app's and the collector's (all are blocked and recorded).
 * @param {import('./walk.mjs').WalkResult} walk
 * @param {{ host: string, why: string }[]} [templateHosts] hosts the app's template itself calls (not the module)
 * @returns {Check}
 */
export function checkNothingBlocked(walk, templateHosts = []) {
  const ofTemplate = (/** @type {string} */ url) => templateHosts.some(t => new URL(url).hostname === t.host);
  const blocked = [...new Set(walk.blocked)].filter(url => !ofTemplate(url));
  const allowed = templateHosts.map(t => `${t.host} (${t.why}) blocked, not counted`).join('; ');
  return {
    name: 'the browser called nothing but the app and the collector',
    ok: blocked.length === 0,
    detail: `${blocked.length ? `blocked: ${blocked.slice(0, 10).join(' ')}` : 'no other host'}${allowed ? `; ${allowed}` : ''}`,
  };
}

/**
 * identify first, and one user id on every call.
 * @param {object} input
 * @param {Message[]} input.messages what the collector accepted
 * @param {string} input.userId the id every call must carry
 * @param {string} input.how how it is made from the ref, for the report (`sha-256`, `HMAC-SHA-256`)
 * @param {string} input.userEntityRef
 * @returns {Check[]}
 */
export function checkUserIds({ messages, userId, how, userEntityRef }) {
  // identify is handed over first, without holding the events for its response: separate requests may
  // arrive in either order, so "first" is read from what the library stamps (sentAt) and what Segment
  // orders by (timestamp), equal milliseconds allowed.
  const identify = messages.find(m => m.type === 'identify');
  const at = (/** @type {string | undefined} */ iso) => Date.parse(iso ?? '');
  const before = identify
    ? messages.filter(m => m !== identify && (at(m.sentAt) < at(identify.sentAt) || at(m.timestamp) < at(identify.timestamp)))
    : [];
  const wrongIds = messages.filter(m => m.userId !== userId);
  return [
    {
      name: `identify goes out first, with the ${how} of the user entity ref`,
      ok: identify?.userId === userId && before.length === 0,
      detail: `identify userId=${identify?.userId}, sentAt ${identify?.sentAt}; ${how}(${userEntityRef}) = ${userId}; ` +
        `${before.length} messages sent or stamped before it ${JSON.stringify(before.slice(0, 3).map(m => [m.type, m.sentAt]))}`,
    },
    {
      name: `every call carries the ${how} user id`,
      ok: messages.length > 0 && wrongIds.length === 0,
      detail: `${messages.length} calls, ${wrongIds.length} with another userId ${JSON.stringify(wrongIds.slice(0, 3).map(m => [m.type, m.userId]))}`,
    },
  ];
}

/**
 * One page call per router navigation, in order.
 * @param {object} input
 * @param {Message[]} input.messages
 * @param {import('./walk.mjs').WalkResult} input.walk
 * @param {(location: string) => string} [input.sentAs] the location as the page call must carry it (pseudonyms)
 * @param {boolean} [input.startMayRepeat] the page the app starts on may be reported twice (New Frontend System, README)
 * @returns {Check}
 */
export function checkNavigations({ messages, walk, sentAs = here => here, startMayRepeat = false }) {
  const pages = messages.filter(m => m.type === 'page').sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
  const reported = pages.map(m => m.properties?.subject);
  const pageSubjects = startMayRepeat && reported.length > 1 && reported[1] === reported[0] ? reported.slice(1) : reported;
  // A navigation is a change of path: pages that only rewrite their query
  // (the catalog's filters) are still the same page. The sign-in screen is
  // outside the app's router: count from the location the app opened on.
  const locations = walk.locations.map(sentAs);
  const navigations = locations
    .slice(locations.indexOf(pageSubjects[0]))
    .filter((here, i, all) => i === 0 || pathOf(here) !== pathOf(all[i - 1]));
  return {
    name: 'one page call per navigation, in order',
    ok: pageSubjects.length > 0 && JSON.stringify(pageSubjects) === JSON.stringify(navigations),
    detail: `page calls (${reported.length}${reported.length > pageSubjects.length ? ', the start page twice' : ''}): ${reported.join(' ')}\n      navigations (${navigations.length}): ${navigations.join(' ')}`,
  };
}

/**
 * Each page call after the first has as referrer the location the browser
 * showed just before it, query included: the catalog's filters and the
 * search box rewrite it with `history.replaceState`, and every step of the
 * walk leaves a page by a link or a tab (an event captured there, after the
 * rewrite).
 * @param {Message[]} pages the page calls, in order
 * @param {import('./walk.mjs').WalkResult} walk
 * @returns {Check}
 */
export function checkReferrers(pages, walk) {
  const origin = pages.length ? new URL(pages[0].context.page.url).origin : '';
  let cursor = 0;
  const wrong = [];
  for (const [i, m] of pages.entries()) {
    const at = walk.locations.indexOf(m.properties?.subject, cursor);
    if (at < 0) {
      wrong.push(`${m.properties?.subject}: not among the walk's locations after ${walk.locations[cursor]}`);
      continue;
    }
    cursor = at + 1;
    if (i === 0) continue;
    const expected = `${origin}${walk.locations[at - 1]}`;
    const sent = [m.properties?.referrer, m.context?.page?.referrer];
    if (sent.some(r => r !== expected)) wrong.push(`${m.properties?.subject}: referrer ${JSON.stringify(sent)}, the browser showed ${expected} before`);
  }
  return {
    name: "page calls' referrer is the location shown before, query included (the catalog's filters, the search box)",
    ok: pages.length > 1 && wrong.length === 0,
    detail: `${pages.length - 1} page calls after the first, ${wrong.length} wrong${wrong.map(w => `\n      ${w}`).join('')}`,
  };
}

/**
 * The search is tracked with its query and the backend's result count.
 * @param {{ messages: Message[], walk: import('./walk.mjs').WalkResult, searchTerm: string, searchResults: number }} input
 * @returns {Check}
 */
export function checkSearch({ messages, walk, searchTerm, searchResults }) {
  const searches = messages.filter(m => m.type === 'track' && m.event === 'search' && m.properties?.subject === searchTerm);
  return {
    name: 'search is tracked with the query and its result count',
    ok: searches.length > 0 && searchResults > 0 && searches.every(m => m.properties.value === searchResults),
    detail: `${searches.length} search calls for '${searchTerm}', values ${JSON.stringify(searches.map(m => m.properties.value))}; the backend finds ${searchResults}, the page lists ${walk.searchResultsShown}`,
  };
}

/**
 * The path of an in-app location (`/catalog?filters=...` -> `/catalog`).
 * @param {unknown} location
 */
function pathOf(location) {
  return String(location).replace(/[?#].*$/, '');
}
