import { PageInfo, SegmentCall } from './SegmentCall';

/** What is read off the document when an event is captured. */
export type LocationSnapshot = { href: string; pathname: string; search: string; title: string };

/**
 * Remembers the last page navigated to, so that a page call's referrer is
 * the previous in-app URL rather than the document's original referrer.
 *
 * @param initialReferrer - the document's referrer, used until the first navigation
 */
export function createPageHistory(initialReferrer: string) {
  let currentUrl: string | undefined;
  let currentReferrer = initialReferrer;
  return {
    /** Describes the page of an event; `navigation` moves the history forward. */
    describe(location: LocationSnapshot, navigation: boolean): PageInfo {
      if (navigation && location.href !== currentUrl) {
        currentReferrer = currentUrl ?? initialReferrer;
        currentUrl = location.href;
      }
      return {
        url: location.href,
        path: location.pathname,
        search: location.search,
        title: location.title,
        referrer: currentReferrer,
      };
    },
  };
}

/**
 * Gives a page call the title its page ended up with. Backstage reports a
 * navigation before the new page has set `document.title`; by the time the
 * call is sent, it has. Only when the document is still at the call's URL.
 */
export function withSettledTitle(call: SegmentCall, current: { href: string; title: string }): SegmentCall {
  if (call.type !== 'page' || call.page.url !== current.href || call.page.title === current.title) return call;
  const page = { ...call.page, title: current.title };
  return { ...call, page, properties: { ...call.properties, title: current.title } };
}

/**
 * Longest a page call waits for its page to set a title of its own (from its
 * capture). Backstage pages set `document.title` after their lazy content has
 * loaded, often hundreds of milliseconds after the navigation is reported.
 */
export const TITLE_WAIT_MS = 1500;

/**
 * How long, from `now`, a page call should still wait for its title:
 * 0 once `document.title` differs from the title at capture, once the
 * document has moved on to another URL, or once `maxWaitMs` has passed since
 * capture. Other calls are never held.
 */
export function titleWaitMs(
  call: SegmentCall,
  current: { href: string; title: string },
  now: number,
  maxWaitMs: number = TITLE_WAIT_MS,
): number {
  if (call.type !== 'page' || call.page.url !== current.href || call.page.title !== current.title) return 0;
  return Math.max(0, call.timestamp.getTime() + maxWaitMs - now);
}
