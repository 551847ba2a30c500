import type { Config } from '@backstage/config';
import { DEFAULT_CONSENT } from '../../config/SegmentConfig';
import { optOutSignal, OptOutSignals } from '../../privacy/optOut';

/**
 * How the user is identified in what is sent, as configured: a pseudonym
 * (a salted hash, the relay's keyed one, or the app's own transform), a
 * plain hash (`sha-256` without `userIdSalt`: whoever has the user names can
 * tell whose it is), or the user ref.
 */
export type Identification = 'pseudonym' | 'hash' | 'user-ref';

/** What the card tells about the configuration, read leniently from config. */
export type CardFacts = {
  /** Analytics is configured and on (`app.analytics.segment` present and not `enabled: false`). */
  enabled: boolean;
  /** Off for this browser: `respectGlobalPrivacyControl` is on and the browser sends this opt-out. */
  browserOptOut?: 'Global Privacy Control' | 'Do Not Track';
  regime: 'opt-out' | 'opt-in';
  /** How long events wait for the stored choice before the default applies (`consent.waitMs`). */
  waitMs: number;
  /** `testMode`: nothing is sent. */
  testMode: boolean;
  identification: Identification;
};

/**
 * Reads {@link CardFacts} leniently; never throws (the module reports invalid
 * values itself). `signals`: the browser's opt-out (`navigator`, `window` by
 * default).
 */
export function readCardFacts(
  config: Config | undefined,
  pseudonymized?: boolean,
  signals: [OptOutSignals | undefined, OptOutSignals | undefined] = [
    globalThis.navigator as OptOutSignals | undefined,
    globalThis.window as OptOutSignals | undefined,
  ],
): CardFacts {
  const get = <T>(read: () => T | undefined): T | undefined => {
    try {
      return read();
    } catch {
      return undefined;
    }
  };
  const block = 'app.analytics.segment';
  const enabled = !!config && get(() => config.has(block)) === true && get(() => config.getOptionalBoolean(`${block}.enabled`)) !== false;
  const respects = get(() => config?.getOptional(`${block}.respectGlobalPrivacyControl`));
  const regime = get(() => config?.getOptionalString(`${block}.consent.default`)) === 'opt-in' ? 'opt-in' : 'opt-out';
  // Through the backend relay the ids are keyed there, whatever the browser's transform.
  const relayed = get(() => config?.getOptionalString(`${block}.delivery`)) === 'backend';
  const hashed = get(() => config?.getOptionalString(`${block}.userIdTransform`)) === 'sha-256';
  const salted = !!get(() => config?.getOptionalString(`${block}.userIdSalt`));
  const browserOptOut = enabled && (respects === true || respects === 'true') ? optOutSignal(...signals) : undefined;
  const waited = get(() => config?.getOptionalNumber(`${block}.consent.waitMs`));
  const waitMs = typeof waited === 'number' && waited >= 0 ? waited : DEFAULT_CONSENT.waitMs;
  const testMode = get(() => config?.getOptionalBoolean(`${block}.testMode`)) === true;
  let identification: Identification = 'user-ref';
  if (pseudonymized ?? (relayed || hashed)) identification = pseudonymized || relayed || salted ? 'pseudonym' : 'hash';
  return { enabled, ...(browserOptOut && { browserOptOut }), regime, waitMs, testMode, identification };
}

const IDENTIFIED: Record<Identification, string> = {
  pseudonym: 'You are identified by a pseudonym (a one-way hash of your user name), never by your name.',
  hash:
    'You are identified by a one-way hash of your user name instead of the name itself; whoever has the list ' +
    "of this portal's user names can tell whose it is.",
  'user-ref': 'You are identified by your Backstage user name.',
};

/** The card's two plain sentences: what is collected, and how the user is identified. */
export function describeCollection(facts: CardFacts): string[] {
  const where = facts.testMode
    ? "writes it to the browser's console"
    : 'sends it to the usage analytics service of this portal, to improve it';
  return [
    'When this is on, Backstage records how you use it (the pages you open, the links and buttons you ' +
      `click, your searches) and ${where}.`,
    IDENTIFIED[facts.identification],
  ];
}
