export interface Config {
  app?: {
    analytics?: {
      segment?: {
        /**
         * Whether analytics is on. `false`: the library is not loaded and nothing is
         * sent or stored; `writeKey` may then be absent. Default `true`.
         * @visibility frontend
         */
        enabled?: boolean;
        /**
         * The write key of the Segment source (Analytics.js) events are sent to.
         * Required while enabled, unless `testMode` is on.
         * @visibility frontend
         */
        writeKey?: string;
        /**
         * Log each captured Backstage event, and the library's debug output, to the
         * browser console. Events are still sent. Default `false`.
         * @visibility frontend
         */
        debug?: boolean;
        /**
         * Never load the library nor touch the network: log each call that would be
         * sent instead. Default `false`.
         * @visibility frontend
         */
        testMode?: boolean;
        /**
         * Pseudonymize the user: `'sha-256'` sends the SHA-256 of the user's entity
         * ref (HMAC-SHA-256 with `userIdSalt`) instead of the ref itself. A
         * `userIdTransform` passed in code wins. Default `'none'`.
         * @visibility frontend
         */
        userIdTransform?: 'none' | 'sha-256';
        /**
         * Key of the `sha-256` transform: ids become HMAC-SHA-256, so that whoever
         * holds the Segment data (Segment, its destinations, your warehouse)
         * cannot reverse them by hashing a list of entity refs. It is not a
         * secret from your users: like every frontend key it reaches every
         * browser that loads the app, and anyone with that can compute the ids.
         * Has no effect (a warning says so) without the `sha-256` transform.
         * @visibility frontend
         */
        userIdSalt?: string;
        /**
         * How long events wait for the user's identity before they are sent
         * anonymously, in milliseconds. Default `5000`.
         * @visibility frontend
         */
        identityTimeoutMs?: number;
        /**
         * Segment region of the workspace: `'eu'` sends to
         * `events.eu1.segmentapis.com/v1`. Default `'us'`.
         * @visibility frontend
         */
        region?: 'us' | 'eu';
        /**
         * Where events are sent (a first-party proxy, say), as `host/path`, with an
         * optional `http://` or `https://` scheme. Default: the region's endpoint.
         * @visibility frontend
         */
        apiHost?: string;
        /**
         * Base URL the library fetches source settings and destinations from.
         * Default: Segment's CDN, `https://cdn.segment.com`.
         * @visibility frontend
         */
        cdnURL?: string;
        /**
         * `'remote'` fetches the source's settings from the CDN; `'local'` fetches
         * nothing and sends events straight to `apiHost` (air-gapped, ad-blocked or
         * strict-CSP setups; device-mode destinations are then off). Default `'remote'`.
         * @visibility frontend
         */
        cdnSettings?: 'remote' | 'local';
        /**
         * Send events in batches instead of one request each. Off unless a key is set.
         * @visibility frontend
         */
        batching?: {
          /**
           * Number of events (1-500) at which a batch is sent; default 10 when batching
           * is on. Not a maximum: while one batch is in flight the library keeps buffering.
           * @visibility frontend
           */
          size?: number;
          /**
           * Most time an event waits in a batch, in milliseconds. Default 5000 when
           * batching is on.
           * @visibility frontend
           */
          timeoutMs?: number;
        };
        /**
         * Send `context.ip = '0.0.0.0'` on every call, so Segment does not record
         * the user's IP address. Default `false`.
         * @visibility frontend
         */
        maskIP?: boolean;
        /**
         * Team analytics: with an identity, after `identify`, one Segment `group` call
         * per group the user belongs to (the `group:` refs among the identity's
         * ownership refs, sorted, at most `limit`), and `context.groupId` of the first
         * group on every page and track call. Group ids are the group refs, transformed
         * like the user id when `userIdTransform` is set; group traits are `{ name }`
         * only without a transform. `true`, `false`, or `{ enabled, limit }`.
         * Default `false`.
         * @visibility frontend
         */
        groups?:
          | boolean
          | {
              /**
               * Whether group calls are sent. Default `true` in this object form.
               * @visibility frontend
               */
              enabled?: boolean;
              /**
               * Most group calls per user (1-100). Default `10`.
               * @visibility frontend
               */
              limit?: number;
            };
        /**
         * Properties added to every page and track call, e.g. `environment: production`.
         * A flat map of strings; the event's own fields always win.
         * @visibility frontend
         */
        extraProperties?: {
          /**
           * One property: its name and its string value.
           * @visibility frontend
           */
          [name: string]: string;
        };
        /**
         * Segment event name per Backstage action, for a Tracking Plan, e.g.
         * `click: Link Clicked`. Unmapped actions keep their names (`create` its
         * subject); `navigate` is a page call and cannot be mapped.
         * @visibility frontend
         */
        eventNames?: {
          /**
           * The Segment event name of one Backstage action.
           * @visibility frontend
           */
          [action: string]: string;
        };
        /**
         * Redaction applied to everything that leaves the browser, before it is
         * queued, stored or sent.
         * @visibility frontend
         */
        redact?: {
          /**
           * Query parameter names (case-insensitive) whose values become `[redacted]`
           * in every URL, path and query string sent (page fields, the `navigate`
           * subject, attributes such as a click's `to`, the library's `context.page`),
           * fragments included. Added to the built-in list, which always applies:
           * code, state, token, access_token, id_token, refresh_token, password,
           * secret, api_key, apikey, auth, signature, sig.
           * @visibility frontend
           */
          queryParams?: string[];
          /**
           * `true`: the subject of `search` events (the typed term) becomes
           * `[redacted]`; `'sha-256'`: its SHA-256 (HMAC-SHA-256 with `userIdSalt`), so
           * repeats can be counted. Either way Backstage search's `query` URL
           * parameter is redacted too. The result count (`value`) is kept. Default `false`.
           * @visibility frontend
           */
          searchTerms?: boolean | 'sha-256';
          /**
           * Regular expressions (JavaScript syntax, as strings); every match in the
           * subject, attribute and context values and page fields becomes `[redacted]`.
           * @visibility frontend
           */
          patterns?: string[];
          /**
           * Redact e-mail addresses, whole, in every string sent: internationalized
           * ones, full-width `＠`, quoted local parts, address literals, percent-encoded
           * ones (the README lists what is matched). Default `false`.
           * @visibility frontend
           */
          emails?: boolean;
        };
        /**
         * Which events are sent, by rules `{ action?, pluginId?, subject? }`: a rule
         * matches when every field it names matches; a field is an exact name, a
         * pattern with `*` wildcards, or a `/regular expression/`.
         * @visibility frontend
         */
        events?: {
          /**
           * When set, only events matching one of these rules are sent.
           * @visibility frontend
           */
          include?: Array<{
            /** @visibility frontend */
            action?: string;
            /** @visibility frontend */
            pluginId?: string;
            /** @visibility frontend */
            subject?: string;
          }>;
          /**
           * Events matching one of these rules are dropped (after `include`).
           * @visibility frontend
           */
          exclude?: Array<{
            /** @visibility frontend */
            action?: string;
            /** @visibility frontend */
            pluginId?: string;
            /** @visibility frontend */
            subject?: string;
          }>;
        };
        /**
         * Keys of an event's `attributes` that are sent; `['*']` (the default) sends all.
         * @visibility frontend
         */
        allowedAttributes?: string[];
        /**
         * Keys of an event's context sent in `additionalContext` (e.g. `entityRef`,
         * `searchTypes`); `['*']` (the default) sends all.
         * @visibility frontend
         */
        allowedContexts?: string[];
        /**
         * `true`: a browser sending Global Privacy Control or Do Not Track is treated
         * as `enabled: false` (nothing loaded, sent or stored; one info line in the
         * console). Default `false`.
         * @visibility frontend
         */
        respectGlobalPrivacyControl?: boolean;
        /**
         * Options passed to the Analytics.js library.
         * @visibility frontend
         */
        agent?: {
          /**
           * Store nothing in cookies or localStorage. Default `false`.
           * @visibility frontend
           */
          disableClientPersistence?: boolean;
          /**
           * Do not turn ISO date strings in properties into dates. Default `false`.
           * @visibility frontend
           */
          disableAutoISOConversion?: boolean;
          /**
           * Send a page call when the library loads. Default `false`.
           * @visibility frontend
           */
          initialPageView?: boolean;
        };
      };
    };
  };
}
