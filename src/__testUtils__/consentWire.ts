import { ConfigReader } from '@backstage/config';
import { StorageApi } from '@backstage/core-plugin-api';
import { SegmentConsent } from '../consent/SegmentConsent';
import type { SegmentAnalytics } from '../SegmentAnalytics';
import type { CollectedMessage } from './loopbackCollector';

// The user's own choice in wire tests: deciding through the public API, and what the browser keeps after.

/** What the module or the library left in this browser (this window: every instance made in it). */
export function leftInBrowser(): string[] {
  const keys = Object.keys(localStorage).filter(key => key.startsWith('ajs_') || key.startsWith('backstage-segment:') || key.startsWith('persisted-queue'));
  const cookies = document.cookie.split(';').map(c => c.trim()).filter(c => c.startsWith('ajs_'));
  return [...keys, ...cookies];
}

/** The user's choice through the public API, on `storageApi`. */
export function consentOf(storageApi: StorageApi, segment: object = {}) {
  return SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment } } }), { storageApi });
}

/** A click captured on `analytics`. */
export const clickOn = (analytics: SegmentAnalytics, subject: string) =>
  analytics.captureEvent({ action: 'click', subject, context: { routeRef: 'r', pluginId: 'p', extension: 'e' } });

/** The subjects of the track calls among `messages`, in order. */
export const trackSubjects = (messages: CollectedMessage[]) => messages.filter(m => m.type === 'track').map(m => m.properties.subject);

/** Expires every cookie of this window's document. */
export function clearCookies(): void {
  for (const c of document.cookie.split(';')) document.cookie = `${c.split('=')[0].trim()}=; max-age=0; path=/`;
}

/**
 * The subjects of the track calls the library kept in localStorage for the next load (its persisted queues). The
 * new session's identify (or group) may be kept too, where it was still on its way as the page was left (a busy machine).
 */
export function keptForNextLoad(writeKey: string): string[] {
  return Object.keys(localStorage)
    .filter(key => key.startsWith(`persisted-queue:v1:${writeKey}:`) && key.endsWith(':items'))
    .flatMap(key => JSON.parse(localStorage.getItem(key)!) as Array<{ event?: { type?: string; properties?: { subject?: string } } }>)
    .filter(item => item.event?.type === 'track')
    .map(item => item.event?.properties?.subject ?? '?');
}

/** The network down for track requests (the libraries keep their events for a retry): each body refused, and `restore`. */
export function tracksRefused() {
  const realFetch = globalThis.fetch;
  const failed: string[] = [];
  globalThis.fetch = (async (input: RequestInfo | URL, init?: RequestInit) => {
    if (!String(input).endsWith('/t')) return realFetch(input, init);
    failed.push(String(init?.body));
    throw new TypeError('Failed to fetch');
  }) as typeof fetch;
  return { failed, refused: (subject: string) => failed.some(body => body.includes(`"${subject}"`)), restore: () => (globalThis.fetch = realFetch) };
}
