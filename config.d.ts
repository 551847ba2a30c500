export interface Config {
  app?: {
    analytics?: {
      /**
       * Segment analytics (backstage-plugin-analytics-module-segment). Every key
       * below is read in the browser, so the whole block is visible to the
       * frontend (`@deepVisibility`): keys the module does not know (a misspelled
       * option) reach it too, and it reports them instead of ignoring them. Put no
       * secret here. The module checks every value itself, and when one is wrong it
       * prints one `console.error` naming the key and stays off: the schema
       * published with the package only advises (`backstage-cli config:check
       * --strict` and editors use it), so that no value here can stop the app
       * backend from serving the app.
       * @deepVisibility frontend
       */
      segment?: {
        /**
         * Whether analytics is on. `false`: the library is not loaded and nothing is
         * sent or stored; `writeKey` may then be absent. Default `true`.
         */
        enabled?: boolean;
        /**
         * The write key of the Segment source (Analytics.js) events are sent to.
         * Required while enabled, unless `testMode` is on or `delivery` is `'backend'`.
         */
        writeKey?: string;
        /**
         * Where calls go. `'direct'`: from the browser to Segment (or `apiHost`).
         * `'backend'`: to the Segment relay of your Backstage backend
         * (`backstage-plugin-analytics-module-segment-backend`) at
         * `{backend.baseUrl}/api/segment-analytics`, which sets the user and group
         * ids on the server and forwards with its own write key: no request of the
         * browser goes to a Segment host. In this mode `writeKey`, `region`,
         * `apiHost`, `cdnURL`, `cdnSettings` and `groups` have no effect (a warning
         * lists those set); they are still checked, so a wrong value switches
         * analytics off as in `'direct'`. Default `'direct'`.
         */
        delivery?: 'direct' | 'backend';
        /**
         * Log each captured Backstage event (as Backstage gave it, before any
         * redaction or user id transform), and the library's debug output, to the
         * browser console. Events are still sent. Default `false`.
         */
        debug?: boolean;
        /**
         * Never load the library nor touch the network: log each call that would be
         * sent instead. Default `false`.
         */
        testMode?: boolean;
        /**
         * Pseudonymize the user: `'sha-256'` sends the SHA-256 of the user's entity
         * ref (HMAC-SHA-256 with `userIdSalt`) instead of the ref itself. A
         * `userIdTransform` passed in code wins. Default `'none'`.
         */
        userIdTransform?: 'none' | 'sha-256';
        /**
         * Key of the `sha-256` transform: ids become HMAC-SHA-256, so that whoever
         * holds the Segment data (Segment, its destinations, your warehouse)
         * cannot reverse them by hashing a list of entity refs. It is not a
         * secret from your users: like every frontend key it reaches every
         * browser that loads the app, and anyone with that can compute the ids.
         * It also keys the digest of `redact.searchTerms: 'sha-256'`. With
         * `delivery: 'backend'` it keys the ids the browser sends (unless a
         * transform function is given in code). Has no effect (a warning says
         * so) with none of these.
         */
        userIdSalt?: string;
        /**
         * How long events wait for the user's identity before they are sent
         * anonymously, in milliseconds. Default `5000`.
         * @minimum 0
         * @maximum 600000
         */
        identityTimeoutMs?: number;
        /**
         * Segment region of the workspace: `'eu'` sends to
         * `events.eu1.segmentapis.com/v1`. Default `'us'`.
         */
        region?: 'us' | 'eu';
        /**
         * Where events are sent (a first-party proxy, say), as `host/path`, with an
         * optional `http://` or `https://` scheme. Default: the region's endpoint.
         */
        apiHost?: string;
        /**
         * Base URL the library fetches source settings and destinations from.
         * Default: Segment's CDN, `https://cdn.segment.com`.
         */
        cdnURL?: string;
        /**
         * `'remote'` fetches the source's settings from the CDN; `'local'` fetches
         * nothing and sends events straight to `apiHost` (air-gapped, ad-blocked or
         * strict-CSP setups; device-mode destinations are then off). Default `'remote'`.
         */
        cdnSettings?: 'remote' | 'local';
        /**
         * Send events in batches instead of one request each. Off unless a key is set.
         */
        batching?: {
          /**
           * Number of events (1-500) at which a batch is sent; default 10 when batching
           * is on. A batch is also closed before its body would pass 450 KB.
           * @minimum 1
           * @maximum 500
           */
          size?: number;
          /**
           * Most time an event waits in a batch, in milliseconds. Default 5000 when
           * batching is on.
           * @minimum 1
           * @maximum 600000
           */
          timeoutMs?: number;
        };
        /**
         * Send `context.ip = '0.0.0.0'` on every call, so Segment does not record
         * the user's IP address. Default `false`.
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
         */
        groups?:
          | boolean
          | {
              /**
               * Whether group calls are sent. Default `true` in this object form.
               */
              enabled?: boolean;
              /**
               * Most group calls per user (1-100). Default `10`.
               * @minimum 1
               * @maximum 100
               */
              limit?: number;
            };
        /**
         * Properties added to every page and track call, e.g. `environment: production`.
         * A flat map of strings, at most 16 KB as JSON; the event's own fields always win.
         */
        extraProperties?: {
          /**
           * One property: its name and its string value.
           */
          [name: string]: string;
        };
        /**
         * Segment event name per Backstage action, for a Tracking Plan, e.g.
         * `click: Link Clicked`. Unmapped actions keep their names (`create` its
         * subject); `navigate` is a page call and cannot be mapped.
         */
        eventNames?: {
          /**
           * The Segment event name of one Backstage action.
           */
          [action: string]: string;
        };
        /**
         * Redaction applied to everything that leaves the browser, before it is
         * queued, stored or sent.
         */
        redact?: {
          /**
           * Query parameter names (case-insensitive) whose values become `[redacted]`
           * in every URL, path and query string sent (page fields, the `navigate`
           * subject, attributes such as a click's `to`, the library's `context.page`),
           * fragments included. Added to the built-in list, which always applies:
           * code, state, token, access_token, id_token, refresh_token, password,
           * secret, api_key, apikey, auth, signature, sig, client_secret,
           * code_verifier, SAMLResponse, jwt, api-key, pass, passwd, authorization,
           * private_token, X-Amz-Signature, X-Amz-Security-Token, X-Amz-Credential,
           * X-Goog-Signature, X-Goog-Credential.
           */
          queryParams?: string[];
          /**
           * `true`: the subject of `search` events (the typed term) becomes
           * `[redacted]`; `'sha-256'`: its SHA-256 (HMAC-SHA-256 with `userIdSalt`), so
           * repeats can be counted. Either way Backstage search's `query` URL
           * parameter is redacted too. The result count (`value`) is kept. Default `false`.
           */
          searchTerms?: boolean | 'sha-256';
          /**
           * Regular expressions (JavaScript syntax in Unicode mode, as strings, run
           * by a linear-time engine: no lookaheads nor back-references, see the
           * package's docs/privacy.md); every match in the subject, attribute and
           * context values and page fields becomes `[redacted]`.
           */
          patterns?: string[];
          /**
           * Redact e-mail addresses, whole, in every string sent: internationalized
           * ones, full-width `＠`, quoted local parts, address literals, percent-encoded
           * ones (docs/privacy.md lists exactly what is matched). Default `false`.
           */
          emails?: boolean;
        };
        /**
         * Which events are sent, by rules `{ action?, pluginId?, subject? }`: a rule
         * matches when every field it names matches; a field is an exact name, a
         * pattern with `*` wildcards, or a `/regular expression/`.
         */
        events?: {
          /**
           * When set, only events matching one of these rules are sent. At
           * least one rule: an empty list would send nothing (leave the key
           * out to send every event).
           * @minItems 1
           */
          include?: Array<{
            /** The event's action: a name, a pattern with `*`, or a `/regular expression/`. */
            action?: string;
            /** The event's `context.pluginId`, written the same ways. */
            pluginId?: string;
            /** The event's subject, written the same ways. */
            subject?: string;
          }>;
          /**
           * Events matching one of these rules are dropped (after `include`).
           */
          exclude?: Array<{
            /** The event's action: a name, a pattern with `*`, or a `/regular expression/`. */
            action?: string;
            /** The event's `context.pluginId`, written the same ways. */
            pluginId?: string;
            /** The event's subject, written the same ways. */
            subject?: string;
          }>;
        };
        /**
         * Keys of an event's `attributes` that are sent; `['*']` (the default) sends all.
         */
        allowedAttributes?: string[];
        /**
         * Keys of an event's context sent in `additionalContext` (e.g. `entityRef`,
         * `searchTypes`); `['*']` (the default) sends all.
         */
        allowedContexts?: string[];
        /**
         * `true`: a browser sending Global Privacy Control or Do Not Track is treated
         * as `enabled: false` (nothing loaded, sent or stored; one info line in the
         * console). Default `false`.
         */
        respectGlobalPrivacyControl?: boolean;
        /**
         * Each user's own choice about usage analytics, made on the "Usage analytics"
         * card of the settings page or through `segmentConsentApiRef`, and kept
         * through Backstage's StorageApi. Only where the module is given a StorageApi.
         */
        consent?: {
          /**
           * `'opt-out'`: events are sent until the user switches analytics off.
           * `'opt-in'`: nothing is sent until the user switches it on. Default `'opt-out'`.
           */
          default?: 'opt-out' | 'opt-in';
          /**
           * How long events wait for the stored choice to be read, in milliseconds;
           * then the default applies until it is known. Default `3000`.
           * @minimum 0
           * @maximum 600000
           */
          waitMs?: number;
        };
        /**
         * Options passed to the Analytics.js library.
         */
        agent?: {
          /**
           * Store nothing in cookies or localStorage. Default `false`.
           */
          disableClientPersistence?: boolean;
          /**
           * Keep the identity (anonymous id, user id, group id) in this origin's
           * localStorage only, not in cookies on the site's widest domain, where
           * every site and app under that domain (a marketing site running
           * Segment, say) reads and shares it. Where localStorage cannot be
           * written, the identity is kept for the page only. Default `false`.
           */
          disableCookies?: boolean;
          /**
           * Do not turn ISO date strings in properties into dates. Default `false`.
           */
          disableAutoISOConversion?: boolean;
          /**
           * Send a page call for the page the app starts on (a `navigate` of the
           * app's root, after `identify`, through the rules). Default `false`.
           */
          initialPageView?: boolean;
          /**
           * The library's own spelling of `initialPageView`, which the public
           * plugin passed on to the library: the same option. Default `false`.
           */
          initialPageview?: boolean;
        };
      };
    };
  };
}
