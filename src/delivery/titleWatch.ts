import { CurrentDocument, pageOf } from '../mapping/pageHistory';
import { MonotonicClock, monotonicClock } from '../time/monotonicClock';

/**
 * What {@link watchTitles} returns: the document as it is now, with its
 * titles' history; and when the page was last seen loading (see
 * {@link CurrentDocument.loadingSeenAt}), looked at only when asked.
 */
export type TitleWatch = { look(): CurrentDocument; loadingSeenAt(): number | undefined };

/**
 * A progress indicator without a value: content still loading (Backstage's
 * `Progress`, Material UI's spinners and bars); one with a value is a gauge.
 * Counted where the browser shows it (where it cannot tell, as if shown).
 */
const LOADING = '[role="progressbar"]:not([aria-valuenow])';

/** Pages whose last title is remembered (the newest). */
const PAGES_KEPT = 20;

/**
 * Watches `document.title` for page calls waiting for their page's title:
 * when it last changed, and the last title each page set while it was shown,
 * so that a call released by a navigation onwards still gets its own page's
 * title.
 *
 * @remarks
 * A MutationObserver on the document's head records each change as it
 * happens, with the page shown then; each look also notices a change the
 * observer has not reported yet. Only title changes are recorded: a page
 * shown before it has set a title has none. Change times are read from
 * `now`, a monotonic clock (the one delivery measures waits on). `onSet`
 * hears of each change with the URL of the page that made it (privacy
 * remembers a user's page's title, which names them).
 */
export function watchTitles(now: MonotonicClock = monotonicClock(), onSet?: (href: string, title: string) => void): TitleWatch {
  let title = document.title;
  let changedAt = now();
  let loadingAt: number | undefined;
  const byPage = new Map<string, string>();
  const notice = () => {
    if (document.title === title) return;
    title = document.title;
    changedAt = now();
    const href = window.location.href;
    const page = pageOf(href);
    byPage.delete(page);
    byPage.set(page, title);
    if (byPage.size > PAGES_KEPT) byPage.delete(byPage.keys().next().value as string);
    try {
      onSet?.(href, title);
    } catch {
      // A listener's failure is not the page's (this runs in a MutationObserver's callback).
    }
  };
  if (typeof MutationObserver === 'function') {
    new MutationObserver(notice).observe(document.head ?? document.documentElement, {
      subtree: true,
      childList: true,
      characterData: true,
    });
  }
  return {
    look() {
      notice();
      return { href: window.location.href, title, titleChangedAt: changedAt, titleOfPage: page => byPage.get(page) };
    },
    loadingSeenAt() {
      // Shown only: one kept hidden (a faded-out backdrop's spinner) would hold every page call for the whole bound.
      const shown = (element: Element) => element.checkVisibility?.({ checkVisibilityCSS: true, visibilityProperty: true }) !== false;
      if (Array.from(document.querySelectorAll(LOADING)).some(shown)) loadingAt = now();
      return loadingAt;
    },
  };
}
