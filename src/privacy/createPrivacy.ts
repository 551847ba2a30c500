import { hashUserId } from '../identity/hashUserId';
import { SegmentCall } from '../mapping/SegmentCall';
import { createHandOverRedaction, HandOverRedaction } from './atHandOver';
import { admitsEvent, RuleSubject } from './eventRules';
import type { LibraryRedactionParts } from './redactLibraryEvent';
import { createOrderedHandoff } from './orderedHandoff';
import { DEFAULT_PRIVACY, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { CallRedaction, redactCall, Rewriter } from './redactCall';
import { textRedactorFor } from './redactText';
import { UserPseudonyms } from './userPseudonyms';
import { prepareExpressions } from './expressionEngine';
import { withUserPatterns } from './userPatterns';
import { browserScheduler } from '../time/scheduler';

/** Digests remembered, so repeated search terms are hashed once. */
const MAX_REMEMBERED_DIGESTS = 256;

/**
 * The privacy and governance stages of an event's path (see `eventPath.ts`
 * for their order); see {@link createPrivacy}.
 */
export type Privacy = HandOverRedaction & {
  /** Whether the event may be sent at all (`events.include` / `events.exclude`); nothing else is done for one that may not. */
  admits(event: RuleSubject): boolean;
  /**
   * A function that redacts each call and hands it to `deliver`, in capture
   * order. Synchronous, unless a search term must be hashed or a user ref's
   * pseudonym worked out first: then that call, and those after it, are
   * handed on once it is known; `waitedMs` is how long a call waited for
   * pseudonyms (the user's own is the identity delivery waits for: that
   * wait counts towards its time-out), else 0.
   */
  handOff(deliver: (call: SegmentCall, waitedMs: number) => void): (call: SegmentCall) => void;
  /**
   * What the Segment library's plugin rewrites each event with (what the
   * library adds itself; see `createLibraryRedaction`, in the lazy chunk).
   */
  library: LibraryRedactionParts;
  /**
   * With user expressions (`redact.patterns`, `/.../` rule fields): resolves
   * once the linear-time engine has compiled them, the moment from which
   * `admits` and `handOff` answer exactly; rejects with an error naming the
   * key of an expression the engine refuses, or when it cannot be loaded.
   * Undefined without user expressions: ready at once.
   */
  ready?: Promise<void>;
};

/** Options of {@link createPrivacy}. */
export type PrivacyOptions = {
  /** With `redact.searchTerms: 'sha-256'`, the key of an HMAC-SHA-256 (the module's `userIdSalt`). */
  salt?: string;
  /** With a user id transform: every user entity ref sent is pseudonymized by these. */
  pseudonyms?: UserPseudonyms;
  /**
   * Subscribes to the page being left: then calls still waiting for a
   * digest or a pseudonym are handed on at once, those parts redacted.
   */
  onPageLeave?: (listener: () => void) => unknown;
  /** Warns once per topic (an event dropped because a rule could not tell). */
  warnOnce?: (topic: string, message: string) => void;
  /** The monotonic clock (milliseconds) a call's wait for pseudonyms is measured with; default the browser's. */
  now?: () => number;
};

/** Said once when a rule could not tell whether to send an event (see `admitsEvent`). */
export const UNDECIDED_RULE_WARNING =
  'Segment analytics: events.include/exclude could not tell an event (a field too long for an expression): dropped';

function withSubject(call: SegmentCall, subject: string): SegmentCall {
  return { ...call, properties: { ...call.properties, subject } };
}

/**
 * Builds the privacy step from the validated config.
 */
export function createPrivacy(config: PrivacyConfig = DEFAULT_PRIVACY, options: PrivacyOptions = {}): Privacy {
  const { salt, pseudonyms, warnOnce, now = browserScheduler.now } = options;
  const undecided = () => warnOnce?.('undecided rule', UNDECIDED_RULE_WARNING);
  const text = withUserPatterns(textRedactorFor(config), config);
  const digests = new Map<string, string>();
  const handoffs: Array<{ flush(): void }> = [];
  options.onPageLeave?.(() => handoffs.forEach(handoff => handoff.flush()));
  /** Calls prepared before the signed-in user was known: at hand-over, their ref is looked for once more. */
  const beforeOwn = new WeakSet<SegmentCall>();

  const rewriter = (missing?: Set<string>): Rewriter =>
    pseudonyms
      ? { text: s => pseudonyms.rewrite(text(s), missing), object: o => pseudonyms.rewriteObject(o, missing) }
      : { text };
  // One redaction for every call (built once: this runs on the caller's stack); `missing` is per call.
  let missingNow: Set<string> | undefined;
  const redaction: CallRedaction = { ...config, ...rewriter() };
  if (pseudonyms) {
    redaction.text = s => pseudonyms.rewrite(text(s), missingNow);
    redaction.object = o => pseudonyms.rewriteObject(o, missingNow);
  }
  const prepare = (call: SegmentCall, missing?: Set<string>) => {
    missingNow = missing;
    try {
      return redactCall(call, redaction);
    } finally {
      missingNow = undefined;
    }
  };
  const marked = (call: SegmentCall, early: boolean) => {
    if (early) beforeOwn.add(call);
    return call;
  };
  const isHashedSearch = (call: SegmentCall) => config.searchTerms === 'sha-256' && call.properties.action === 'search';
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
  /** The call with its search term hashed: at once when the digest is known, else later. */
  const finished = (call: SegmentCall, original: SegmentCall): SegmentCall | Promise<SegmentCall> => {
    if (!isHashedSearch(original)) return call;
    const term = call.properties.subject;
    const known = typeof term === 'string' ? digests.get(term) : REDACTED;
    return known ? withSubject(call, known) : hashed(call, term as string);
  };

  const ready = config.expressions.length ? prepareExpressions(config.expressions) : undefined;
  return {
    ...createHandOverRedaction({ rewriter, pseudonyms, preparedBeforeOwn: call => beforeOwn.has(call) }),
    ready,
    admits: event => admitsEvent(event, config, undecided),
    handOff(deliver) {
      /** Calls that waited for pseudonyms: since when. */
      const since = new WeakMap<SegmentCall, number>();
      const handoff = createOrderedHandoff<SegmentCall>(call => {
        const at = since.get(call);
        deliver(call, at === undefined ? 0 : now() - at);
      });
      handoffs.push(handoff);
      return call => {
        const missing = new Set<string>();
        const early = !!pseudonyms && !pseudonyms.ownKnown;
        const first = prepare(call, missing);
        // What goes if the page is left before the rest is known: nothing unfinished in clear.
        const fallback = marked(isHashedSearch(call) ? withSubject(first, REDACTED) : first, early);
        if (!missing.size) {
          const done = finished(first, call);
          if (done instanceof Promise) handoff.pushLater(done.then(c => marked(c, early)), fallback);
          else handoff.push(marked(done, early));
          return;
        }
        const at = now();
        since.set(fallback, at);
        const later = pseudonyms!
          .learn(missing)
          // The user's own ref may have become known meanwhile, their id still to come: wait for it too.
          .then(() => {
            const more = new Set<string>();
            prepare(call, more);
            return pseudonyms!.learn(more);
          })
          .then(() => {
            const again = !pseudonyms!.ownKnown;
            return Promise.resolve(finished(prepare(call), call)).then(c => marked(c, again));
          })
          .then(c => {
            since.set(c, at);
            return c;
          })
          .catch(() => fallback);
        handoff.pushLater(later, fallback);
      };
    },
    library: { rewriter, pseudonyms, ready },
  };
}
