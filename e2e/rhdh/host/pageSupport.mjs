// @ts-check
// What the RHDH-like host pages share: how a CommonJS module is provided, the
// signed-in user, and replaying a list of events through the app's analytics API.

/** `module.exports` of a CommonJS package (React, ReactDOM), as a bundler's host provides it to plugins. */
export const cjs = (/** @type {any} */ ns) => ns.default ?? ns;

/** The user RHDH's guest sign-in gives. */
export const GUEST_REF = 'user:development/guest';

/** A guest-like IdentityApi, as RHDH's app hands it to analytics API factories. */
export function guestIdentity() {
  const identity = { type: /** @type {const} */ ('user'), userEntityRef: GUEST_REF, ownershipEntityRefs: [GUEST_REF] };
  return {
    getBackstageIdentity: async () => identity,
    getProfileInfo: async () => ({ displayName: 'Guest' }),
    getCredentials: async () => ({}),
    signOut: async () => {},
  };
}

/**
 * @typedef {object} PageEvent
 * @property {string} [path] navigate the page there (history.pushState) first
 * @property {string} [title] the document title then
 * @property {import('@backstage/core-plugin-api').AnalyticsEvent} event
 */

/**
 * Captures each event through `window.rhdhHost.analytics`, after moving the
 * page where the event says.
 * @param {PageEvent[]} events
 */
export function runEvents(events) {
  const { analytics } = /** @type {any} */ (window).rhdhHost;
  for (const { path, title, event } of events) {
    if (path) window.history.pushState({}, '', path);
    if (title) document.title = title;
    analytics.captureEvent(event);
  }
}
