import type { UserExpression } from './userExpression';

/** What a redacted value becomes. */
export const REDACTED = '[redacted]';

/**
 * Query parameter names whose values are always redacted, whatever the
 * config says: credentials that end up in URLs (OAuth redirects, pasted
 * links). Lower case; names are matched case-insensitively.
 */
export const BUILT_IN_QUERY_PARAMS: readonly string[] = [
  'code',
  'state',
  'token',
  'access_token',
  'id_token',
  'refresh_token',
  'password',
  'secret',
  'api_key',
  'apikey',
  'auth',
  'signature',
  'sig',
  'client_secret',
  'code_verifier',
  'samlresponse',
  'jwt',
  'api-key',
  'pass',
  'passwd',
  'authorization',
  'private_token',
  'x-amz-signature',
  'x-amz-security-token',
  'x-amz-credential',
  'x-goog-signature',
  'x-goog-credential',
];

/**
 * Tests one event field (action, plugin id or subject) against a rule's
 * value; undefined when it cannot tell yet (a regular expression whose
 * engine has not loaded), which the rules treat as the safe answer.
 */
export type FieldMatcher = (text: string) => boolean | undefined;

/** One `events.include` / `events.exclude` rule: every field it names must match. */
export type EventRule = {
  action?: FieldMatcher;
  pluginId?: FieldMatcher;
  subject?: FieldMatcher;
};

/** An allow-list of keys: every key (`'*'`), or exactly these names. */
export type AllowList = '*' | ReadonlySet<string>;

/**
 * The privacy and governance part of `app.analytics.segment`, validated and
 * compiled once by `readPrivacyConfig`.
 */
export type PrivacyConfig = {
  /** Query parameter names (lower case) redacted in every URL and path, built-ins included. */
  queryParams: ReadonlySet<string>;
  /** What becomes of the term of `search` events. */
  searchTerms: 'keep' | 'redact' | 'sha-256';
  /** Whether e-mail addresses are redacted (`redact.emails`; see `redactEmails`). */
  emails: boolean;
  /** The user's `redact.patterns`, run by the linear-time engine after the built-in redaction. */
  userPatterns: readonly UserExpression[];
  /** Every user expression (patterns and `/.../` rule fields): the engine compiles them before events are mapped. */
  expressions: readonly UserExpression[];
  /** Only events matching one of these are sent; undefined: every event. */
  include?: readonly EventRule[];
  /** Events matching one of these are dropped (after `include`). */
  exclude: readonly EventRule[];
  /** Keys kept in `attributes`. */
  allowedAttributes: AllowList;
  /** Keys kept in `additionalContext`. */
  allowedContexts: AllowList;
  /** Whether Global Privacy Control or Do Not Track turns analytics off for the browser. */
  respectGlobalPrivacyControl: boolean;
};

/** The privacy config with no key set: only the built-in credential redaction. */
export const DEFAULT_PRIVACY: PrivacyConfig = {
  queryParams: new Set(BUILT_IN_QUERY_PARAMS),
  searchTerms: 'keep',
  emails: false,
  userPatterns: [],
  expressions: [],
  exclude: [],
  allowedAttributes: '*',
  allowedContexts: '*',
  respectGlobalPrivacyControl: false,
};
