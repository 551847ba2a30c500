import { TeamConfig } from './readTeamConfig';
import type { RelayDelivery } from './readDelivery';
import type { PrivacyConfig } from '../privacy/PrivacyConfig';

/**
 * The validated, normalized form of `app.analytics.segment.*`.
 *
 * Produced once by {@link readSegmentConfig}; everything downstream reads
 * this object and never the raw Backstage config.
 */
export type SegmentConfig =
  | { enabled: false }
  | {
      enabled: true;
      /** Segment source write key; empty only in test mode; a placeholder with `relay`. */
      writeKey: string;
      debug: boolean;
      testMode: boolean;
      userIdTransform: 'none' | 'sha-256';
      userIdSalt?: string;
      /**
       * What the calls are made under (privacy, the user id transform and its
       * salt), as a short digest: calls kept for the next load are sent only
       * by a load with the same (see `callSettingsOf`).
       */
      callSettings: string;
      identityTimeoutMs: number;
      /** Host and path of the tracking API, without scheme, e.g. `api.segment.io/v1`. */
      apiHost: string;
      protocol: 'http' | 'https';
      /** Base URL settings are fetched from; undefined means the library's default. */
      cdnURL?: string;
      cdnSettings: 'remote' | 'local';
      /**
       * `apiHost` or `cdnURL` given empty (an environment variable set to ''): no value, so Segment's own
       * host is used for it, which the library's load says (a proxy set in another config file is lost).
       */
      emptyEndpoints?: Array<'apiHost' | 'cdnURL'>;
      /** Events per batch (1-500), and the longest an event waits for its batch. */
      batching?: { size: number; timeoutMs: number };
      maskIP: boolean;
      /** Redaction, event rules, allow-lists, browser opt-out; absent means only the built-in redaction. */
      privacy?: PrivacyConfig;
      agent: {
        disableClientPersistence: boolean;
        /** The identity in localStorage only, never in cookies (see `agent.disableCookies` in config.d.ts). */
        disableCookies: boolean;
        disableAutoISOConversion: boolean;
        initialPageView: boolean;
        /**
         * The path the app is served under (`app.baseUrl`'s, without a trailing
         * slash), which Backstage leaves out of its navigate subjects; absent
         * when the app is served at the root.
         */
        basePath?: string;
      };
      /** Team analytics: group calls, extra properties, event names. */
      team: TeamConfig;
      /**
       * `delivery: backend`: every call goes to the Segment relay of the app's
       * backend (`apiHost` is its tracking API, settings are local, the write
       * key a placeholder, no group calls); absent: straight to Segment.
       */
      relay?: RelayDelivery;
      /** The user's own choice (`consent` block); absent: {@link DEFAULT_CONSENT}. */
      consent?: ConsentConfig;
    };

/** `app.analytics.segment.consent`: the regime and how long events wait for the stored choice. */
export type ConsentConfig = {
  /** `opt-out`: sent until the user objects; `opt-in`: nothing sent until the user agrees. */
  default: 'opt-out' | 'opt-in';
  /** Longest wait for the stored choice, in milliseconds. */
  waitMs: number;
};

/** The consent rules without a `consent` block. */
export const DEFAULT_CONSENT: ConsentConfig = { default: 'opt-out', waitMs: 3000 };

/** The enabled variant of {@link SegmentConfig}. */
export type EnabledSegmentConfig = Extract<SegmentConfig, { enabled: true }>;
