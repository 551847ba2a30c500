/**
 * How the page is being left: `final` when it is unloaded for good (a
 * `pagehide` not kept in the back/forward cache); otherwise it may come back
 * (hidden, `beforeunload`, or kept in that cache). `pageHide`: a `pagehide`,
 * kept in that cache or not (the cache may drop the page later, with what it
 * holds in memory), or a `freeze` (a hidden tab the browser stops running,
 * which it may discard later, with no other event: Chrome's memory saver,
 * mobile browsers); when absent, as `final` says. `unannounced`: a `freeze`
 * with no `pagehide` before it (none since the page was last shown): what
 * `pagehide` listeners keep, such as the library's own queue, is not kept.
 */
export type PageLeave = { final: boolean; pageHide?: boolean; unannounced?: boolean };

/**
 * Calls `onLeave` whenever the page may be going away: `pagehide`,
 * `visibilitychange` to hidden, `beforeunload`. Any of them may be the last
 * chance to run code (mobile browsers often send only `visibilitychange`),
 * so `onLeave` may run several times, and the page may also come back:
 * `onBack` is called when it is shown again (`visibilitychange` to visible,
 * a `pageshow` from the back/forward cache, a `resume` after a `freeze`).
 *
 * @returns a function that stops listening
 */
export function listenForPageLeave(onLeave: (leave: PageLeave) => void, onBack: () => void = () => {}): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') onLeave({ final: false });
    else onBack();
  };
  // A page kept in the back/forward cache is frozen after its `pagehide`.
  let pageHidden = false;
  const onPageHide = (event: Event) => {
    pageHidden = true;
    onLeave({ final: !(event as Partial<PageTransitionEvent>).persisted, pageHide: true });
  };
  const onPageShow = (event: Event) => {
    pageHidden = false;
    if ((event as Partial<PageTransitionEvent>).persisted) onBack();
  };
  const onBeforeUnload = () => onLeave({ final: false });
  const onFreeze = () => onLeave({ final: false, pageHide: true, unannounced: !pageHidden });
  const listeners: [EventTarget, string, (event: Event) => unknown][] = [
    [window, 'pagehide', onPageHide],
    [window, 'pageshow', onPageShow],
    [window, 'beforeunload', onBeforeUnload],
    [document, 'visibilitychange', onVisibility],
    [document, 'freeze', onFreeze],
    [document, 'resume', onBack],
  ];
  for (const [target, type, listener] of listeners) target.addEventListener(type, listener);
  return () => {
    for (const [target, type, listener] of listeners) target.removeEventListener(type, listener);
  };
}
