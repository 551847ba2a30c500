/**
 * How the page is being left: `final` when it is unloaded for good (a
 * `pagehide` not kept in the back/forward cache); otherwise it may come back
 * (hidden, `beforeunload`, or kept in that cache). `pageHide`: a `pagehide`,
 * kept in that cache or not (the cache may drop the page later, with what it
 * holds in memory); when absent, as `final` says.
 */
export type PageLeave = { final: boolean; pageHide?: boolean };

/**
 * Calls `onLeave` whenever the page may be going away: `pagehide`,
 * `visibilitychange` to hidden, `beforeunload`. Any of them may be the last
 * chance to run code (mobile browsers often send only `visibilitychange`),
 * so `onLeave` may run several times, and the page may also come back.
 *
 * @returns a function that stops listening
 */
export function listenForPageLeave(onLeave: (leave: PageLeave) => void): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') onLeave({ final: false });
  };
  const onPageHide = (event: Event) => onLeave({ final: !(event as Partial<PageTransitionEvent>).persisted, pageHide: true });
  const onBeforeUnload = () => onLeave({ final: false });
  window.addEventListener('pagehide', onPageHide);
  window.addEventListener('beforeunload', onBeforeUnload);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('pagehide', onPageHide);
    window.removeEventListener('beforeunload', onBeforeUnload);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
