import type { Scheduler } from '../time/scheduler';
import { startBackendSession, type BackendSession, type BackendSessionOptions } from './backendSession';

/**
 * {@link startBackendSession} in the browser: `fetch`, the browser's timers,
 * and a refresh when the page becomes visible again and one is due (timers of
 * hidden and sleeping pages run late).
 */
export function startBrowserBackendSession(
  options: Pick<BackendSessionOptions, 'relayUrl' | 'getCredentials' | 'warn' | 'anotherUserSignedIn'>,
): BackendSession {
  // Wall-clock time only: `expiresAt` is a wall-clock time (the monotonic `now` is not read here). Written out rather
  // than spread from `browserScheduler`: importing it here splits a chunk off the first load (95 B more there).
  const scheduler: Scheduler = {
    now: () => Date.now(),
    wallNow: () => Date.now(),
    setTimeout: (fn, ms) => setTimeout(fn, ms),
    clearTimeout: handle => clearTimeout(handle as ReturnType<typeof setTimeout>),
  };
  const session = startBackendSession({ ...options, scheduler, fetch: (url, init) => fetch(url, init) });
  if (typeof document !== 'undefined') {
    document.addEventListener('visibilitychange', () => {
      if (document.visibilityState === 'visible') session.refreshIfDue();
    });
  }
  return session;
}
