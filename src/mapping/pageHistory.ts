import { PageInfo, SegmentCall } from './SegmentCall';

/** What is read off the document when an event is captured. */
export type LocationSnapshot = { href: string; pathname: string; search: string; title: string };

/** Where the page is now: the browser's location and the document's title. */
export function locateNow(): LocationSnapshot {
  const { href, pathname, search } = window.location;
  return { href, pathname, search, title: document.title };
}

/** A URL without its fragment, as the Segment library gives a page's URL (the public plugin's page calls had none). */
function withoutFragment(href: string): string {
  const hash = href.indexOf('#');
  return hash === -1 ? href : href.slice(0, hash);
}

/**
 * Remembers the last page navigated to, so that a page call's referrer is
 * the previous in-app URL rather than the document's original referrer.
 * URLs are described without their fragment (`#...`): a move to another
 * anchor of the same page does not make that page its own referrer.
 *
 * A page may rewrite its query without a navigation (Backstage's catalog
 * filters and search box call `history.replaceState`): the URL an event of
 * that page was captured at is what the page showed last, and the next
 * navigation's referrer (the link clicked there is captured before it).
 *
 * @param initialReferrer - the document's referrer, used until the first navigation
 */
export function createPageHistory(initialReferrer: string) {
  let currentUrl: string | undefined;
  /** The current page's URL as last seen at an event (its query rewritten since the navigation, maybe). */
  let lastSeenUrl: string | undefined;
  let currentReferrer = initialReferrer;
  return {
    /**
     * Describes the page of an event; `navigation` moves the history forward.
     * `unsent`: a page the user opened while their choice kept analytics off:
     * the next page's referrer, but itself described with none (the page
     * before it was opened while off too).
     */
    describe(location: LocationSnapshot, navigation: boolean, unsent = false): PageInfo {
      const url = withoutFragment(location.href);
      if (navigation && url !== currentUrl) {
        // Where the page already showed this URL (a navigation reported after the query was rewritten), the URL it was navigated to.
        currentReferrer = unsent ? '' : (lastSeenUrl === url ? currentUrl : lastSeenUrl) ?? initialReferrer;
        currentUrl = url;
        lastSeenUrl = url;
      } else if (currentUrl !== undefined && pageOf(url) === pageOf(currentUrl)) lastSeenUrl = url;
      return {
        url,
        path: location.pathname,
        search: location.search,
        title: location.title,
        referrer: currentReferrer,
      };
    },
  };
}

/**
 * The page a URL shows: everything before its query and fragment, which a
 * page may rewrite without being another page (Backstage's catalog filters
 * add `?filters[...]` right after a navigation).
 */
export function pageOf(url: string): string {
  const end = url.search(/[?#]/);
  return end === -1 ? url : url.slice(0, end);
}

/** The document as a page call about to be sent sees it. */
export type CurrentDocument = {
  href: string;
  title: string;
  /** When `title` was last seen to change (ms, on the monotonic clock of delivery); absent: long enough ago to count as settled. */
  titleChangedAt?: number;
  /** The last title a page (see {@link pageOf}) set while it was shown, if known. */
  titleOfPage?: (page: string) => string | undefined;
  /**
   * When the page was last seen showing a loading indicator (same clock as
   * `titleChangedAt`): its content, and with it its title, may still change.
   */
  loadingSeenAt?: number;
};

/**
 * Gives a page call the title its page ended up with. Backstage reports a
 * navigation before the new page has set `document.title`; by the time the
 * call is sent, it has. While the document still shows the call's page (its
 * query and fragment may have changed), that is the current title; once it
 * shows another page, the last title the call's page set, if it set one.
 */
export function withSettledTitle(call: SegmentCall, current: CurrentDocument): SegmentCall {
  if (call.type !== 'page') return call;
  const page = pageOf(call.page.url);
  const title = page === pageOf(current.href) ? current.title : current.titleOfPage?.(page);
  if (title === undefined || title === call.page.title) return call;
  return { ...call, page: { ...call.page, title }, properties: { ...call.properties, title } };
}

/** A call being handed over, with the document as it is then. */
export type CallAtHandOver = { call: SegmentCall; document: CurrentDocument };

/**
 * The hand-over stage of mapping: the call with its page's settled title
 * (see {@link withSettledTitle}), the document passed on unchanged.
 */
export function settleTitle<T extends CallAtHandOver>(at: T): T {
  return { ...at, call: withSettledTitle(at.call, at.document) };
}

/**
 * Longest a page call waits for its page to set a title of its own (from its
 * capture). Backstage pages set `document.title` after their lazy content has
 * loaded, often hundreds of milliseconds after the navigation is reported.
 */
export const TITLE_WAIT_MS = 3000;

/**
 * How long a new title must stay the same before it counts as the page's:
 * pages often set an interim title (the app's, or a section's) while their
 * content loads, then their own (the scaffolder adds its section's once its
 * templates have loaded from the catalog).
 */
export const TITLE_QUIET_MS = 1000;

/** When a call was captured and what time it is now, on one monotonic clock (never the wall clock). */
export type CallClock = { capturedAt: number; now: number };

/**
 * How long, from `now`, a page call should still wait for its title: until
 * `document.title` differs from the title at capture and has then stayed the
 * same, and the page shown no loading indicator, for `quietMs`; 0 once the
 * document shows another page, or once `maxWaitMs` has passed since capture.
 * Other calls are never held.
 *
 * @remarks
 * Every instant here (`capturedAt`, `now`, `titleChangedAt`) is read from
 * the same monotonic clock: the call's wall-clock `timestamp` plays no part,
 * so a step of the system clock neither holds a call nor releases it early.
 */
export function titleWaitMs(
  call: SegmentCall,
  current: CurrentDocument,
  { capturedAt, now }: CallClock,
  maxWaitMs: number = TITLE_WAIT_MS,
  quietMs: number = TITLE_QUIET_MS,
): number {
  if (call.type !== 'page' || pageOf(call.page.url) !== pageOf(current.href)) return 0;
  const left = capturedAt + maxWaitMs - now;
  if (left <= 0) return 0;
  if (call.page.title === current.title) return left;
  const quietLeft = Math.max(current.titleChangedAt ?? -Infinity, current.loadingSeenAt ?? -Infinity) + quietMs - now;
  return Math.max(0, Math.min(quietLeft, left));
}
