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
