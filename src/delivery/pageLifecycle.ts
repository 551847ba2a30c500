/**
 * Calls `onLeave` whenever the page may be going away: `pagehide`,
 * `visibilitychange` to hidden, `beforeunload`. Any of them may be the last
 * chance to run code (mobile browsers often send only `visibilitychange`),
 * so `onLeave` may run several times, and the page may also come back.
 *
 * @returns a function that stops listening
 */
export function listenForPageLeave(onLeave: () => void): () => void {
  if (typeof window === 'undefined' || typeof document === 'undefined') return () => {};
  const onVisibility = () => {
    if (document.visibilityState === 'hidden') onLeave();
  };
  window.addEventListener('pagehide', onLeave);
  window.addEventListener('beforeunload', onLeave);
  document.addEventListener('visibilitychange', onVisibility);
  return () => {
    window.removeEventListener('pagehide', onLeave);
    window.removeEventListener('beforeunload', onLeave);
    document.removeEventListener('visibilitychange', onVisibility);
  };
}
