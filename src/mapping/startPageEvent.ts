import type { BackstageEvent } from './BackstageEvent';

/** Where the page is: `window.location`'s parts the start page is made of. */
export type PageLocation = Pick<Location, 'pathname' | 'search' | 'hash'>;

/**
 * `agent.initialPageView`'s event: the page the app starts on, as a navigate
 * of the app's root context (Backstage's defaults), its subject the path
 * within the app as Backstage's own navigate subjects are: without the path
 * the app is served under (`basePath`, matched whatever its case, as
 * react-router does), with the query and fragment. Pure.
 */
export function startPageEvent({ pathname, search, hash }: PageLocation, basePath: string | undefined): BackstageEvent {
  const [path, base] = [pathname.toLowerCase(), basePath?.toLowerCase()];
  const under = base && (path === base || path.startsWith(`${base}/`));
  const subject = `${under ? pathname.slice(base.length) || '/' : pathname}${search}${hash}`;
  return { action: 'navigate', subject, context: { routeRef: 'unknown', pluginId: 'root', extension: 'App' } };
}
