import { hashUserId } from '../identity/hashUserId';
import { CurrentDocument, withSettledTitle } from '../mapping/pageHistory';
import { SegmentCall } from '../mapping/SegmentCall';
import { admitsEvent, RuleSubject } from './eventRules';
import { createOrderedHandoff } from './orderedHandoff';
import { DEFAULT_PRIVACY, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { redactCall } from './redactCall';
import { textRedactorFor } from './redactText';
import { prepareExpressions } from './expressionEngine';
import { withUserPatterns } from './userPatterns';

/** Digests remembered, so repeated search terms are hashed once. */
const MAX_REMEMBERED_DIGESTS = 256;

/** The privacy and governance step of the pipeline; see {@link createPrivacy}. */
export type Privacy = {
  /** Whether the event may be sent at all (`events.include` / `events.exclude`); nothing else is done for one that may not. */
  admits(event: RuleSubject): boolean;
  /**
   * A function that redacts each call and hands it to `deliver`, in capture
   * order. Synchronous, unless a search term must be hashed first: then that
   * call, and those after it, are handed on once the digest is known.
   */
  handOff(deliver: (call: SegmentCall) => void): (call: SegmentCall) => void;
  /** The page's settled title, redacted, for a call about to be sent (see `withSettledTitle`). */
  settle(call: SegmentCall, current: CurrentDocument): SegmentCall;
  /**
   * With user expressions (`redact.patterns`, `/.../` rule fields): resolves
   * once the linear-time engine has compiled them, the moment from which
   * `admits` and `handOff` answer exactly; rejects with an error naming the
   * key of an expression the engine refuses, or when it cannot be loaded.
   * Undefined without user expressions: ready at once.
   */
  ready?: Promise<void>;
};

function withSubject(call: SegmentCall, subject: string): SegmentCall {
  return { ...call, properties: { ...call.properties, subject } };
}

/**
 * Builds the privacy step from the validated config.
 *
 * @param salt - with `redact.searchTerms: 'sha-256'`, the key of an
 *   HMAC-SHA-256 instead of a plain SHA-256 (the module's `userIdSalt`)
 */
export function createPrivacy(config: PrivacyConfig = DEFAULT_PRIVACY, salt?: string): Privacy {
  const text = withUserPatterns(textRedactorFor(config), config);
  const redaction = { ...config, text };
  const digests = new Map<string, string>();

  const hashed = (call: SegmentCall, term: string): Promise<SegmentCall> =>
    Promise.resolve()
      .then(() => hashUserId(term, salt))
      .then(
        digest => {
          if (digests.size >= MAX_REMEMBERED_DIGESTS) digests.clear();
          digests.set(term, digest);
          return withSubject(call, digest);
        },
        () => withSubject(call, REDACTED),
      );

  return {
    ready: config.expressions.length ? prepareExpressions(config.expressions) : undefined,
    admits: event => admitsEvent(event, config),
    handOff(deliver) {
      const handoff = createOrderedHandoff(deliver);
      return call => {
        const redacted = redactCall(call, redaction);
        if (config.searchTerms !== 'sha-256' || redacted.properties.action !== 'search') {
          handoff.push(redacted);
          return;
        }
        const term = redacted.properties.subject;
        const known = typeof term === 'string' ? digests.get(term) : REDACTED;
        if (known) handoff.push(withSubject(redacted, known));
        else handoff.pushLater(hashed(redacted, term as string));
      };
    },
    settle: (call, current) =>
      withSettledTitle(call, {
        href: text(current.href),
        title: text(current.title),
        titleOfPage: page => {
          const title = current.titleOfPage?.(page);
          return title === undefined ? undefined : text(title);
        },
      }),
  };
}
