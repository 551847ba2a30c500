// @ts-check
// What must hold on the wire after the walk through the New Frontend System
// app: the module found by feature discovery, pseudonyms from config, no name
// of either user anywhere on the wire, and the settings page's switch obeyed.
import { checkLazyLibrary, checkNavigations, checkNothingBlocked, checkSearch, checkUserIds } from './checks.mjs';
import { EXAMPLE_USER } from './prepareApp.mjs';
import { sha256 } from '../support/sha256.mjs';

/**
 * @typedef {import('./checks.mjs').Check} Check
 * @typedef {import('./checks.mjs').Message} Message
 */

/** What the New Frontend System template's own pages call (its home page shows a joke fetched from the internet). */
const TEMPLATE_HOSTS = [{ host: 'official-joke-api.appspot.com', why: "@backstage/plugin-home's RandomJoke widget, on the template's home page" }];


/**
 * @param {object} input
 * @param {Message[]} input.messages what the collector accepted until the switch was turned off
 * @param {Awaited<ReturnType<typeof import('./walkNfs.mjs').walkNfsApp>>} input.walk
 * @param {string} input.collectorUrl
 * @param {string} input.userEntityRef the signed-in user, as the backend knows them
 * @param {string} input.searchTerm
 * @param {number} input.searchResults
 * @returns {Check[]}
 */
export function checkNfsWalk({ messages, walk, collectorUrl, userEntityRef, searchTerm, searchResults }) {
  const member = `user:default/${EXAMPLE_USER.name}`;
  const checks = checkUserIds({ messages, userId: sha256(userEntityRef), how: 'sha-256', userEntityRef });

  const plaintext = [userEntityRef, encodeURIComponent(userEntityRef), member, EXAMPLE_USER.name, EXAMPLE_USER.displayName];
  const sent = walk.requests.filter(r => r.url.startsWith(collectorUrl));
  const found = plaintext.map(p => [p, sent.filter(r => r.url.includes(p) || r.body.includes(p)).length]).filter(([, n]) => n);
  checks.push({
    name: "neither the user's ref nor a member's name or display name is on the wire",
    ok: sent.length > 0 && found.length === 0,
    detail: `${sent.length} requests to the collector searched for ${plaintext.map(p => `'${p}'`).join(', ')}: ${found.length ? JSON.stringify(found) : 'none found'}`,
  });

  // A member's page is sent under that member's pseudonym.
  const memberPath = `/catalog/default/user/${EXAMPLE_USER.name}`;
  const sentAs = (/** @type {string} */ here) => (here.startsWith(memberPath) ? here.replace(memberPath, `/catalog/default/user/${sha256(member)}`) : here);
  checks.push(checkNavigations({ messages, walk, sentAs, startMayRepeat: true }));
  checks.push(checkSearch({ messages, walk, searchTerm, searchResults }));
  checks.push(checkLazyLibrary({ messages, walk }), checkNothingBlocked(walk, TEMPLATE_HOSTS));

  const { consent } = walk;
  checks.push({
    name: 'the settings page has a Usage analytics tab whose switch turns sending off, also after a reload, and on again',
    ok: consent.tabs.includes('Usage analytics') && consent.onAtFirst && consent.offAfterClick && consent.offAfterReload &&
      consent.sentWhileOff === 0 && consent.sentAfterOn > 0,
    detail: `tabs ${JSON.stringify(consent.tabs)}; switch on at first: ${consent.onAtFirst}, off after a click: ${consent.offAfterClick}, ` +
      `still off after a reload: ${consent.offAfterReload}; calls while off (3 pages, a reload): ${consent.sentWhileOff}; after on again: ${consent.sentAfterOn}`,
  });
  return checks;
}
