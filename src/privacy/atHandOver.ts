import { CallAtHandOver, CurrentDocument, pageOf } from '../mapping/pageHistory';
import { SegmentCall } from '../mapping/SegmentCall';
import { redactCall, Rewriter } from './redactCall';
import { UserPseudonyms } from './userPseudonyms';

/**
 * A call at hand-over as privacy's stages pass it on: with the user refs
 * seen (and redacted) there whose pseudonyms are not known yet.
 */
export type RedactingHandOver = CallAtHandOver & {
  /** Refs without a pseudonym yet, met by the stages so far: learned by {@link HandOverRedaction.learnRefsSeen}. */
  unknownRefs: Set<string>;
};

/**
 * Privacy's stages at hand-over (see `eventPath.ts` for their place around
 * mapping's `settleTitle`): each takes the previous one's output.
 */
export type HandOverRedaction = {
  /**
   * The call, looked at once more for the user's own ref (also without its
   * kind) when it was prepared before the signed-in user was known and is
   * known now; otherwise the call as it is.
   */
  ownRefOnceKnown(at: CallAtHandOver): RedactingHandOver;
  /**
   * The document as it is now (its URL, title, and the titles its pages
   * set), redacted as the call was: what mapping may put into the call, and
   * what it compares the call's URL with.
   */
  redactDocument(at: RedactingHandOver): RedactingHandOver;
  /** The call; the refs first seen at hand-over are learned, so that later calls carry their pseudonyms. */
  learnRefsSeen(at: RedactingHandOver): SegmentCall;
  /**
   * A page set its title: a user's page's (their name) is remembered, so
   * that wherever it still shows (the next page, until it sets its own) it
   * is replaced, in calls prepared before any is handed over too.
   */
  titleSet(href: string, title: string): void;
  /**
   * The document's URL and title as a call captured now would carry them
   * (redacted, user refs and a user's page title pseudonymized, refs not
   * known yet marked): what a waiting page call's own are compared with.
   */
  documentAsSent(document: CurrentDocument): CurrentDocument;
};

/** What {@link createHandOverRedaction} is built from (by `createPrivacy`). */
export type HandOverRedactionParts = {
  /** How strings are rewritten; refs not known yet are added to `missing`. */
  rewriter(missing?: Set<string>): Rewriter;
  /** With a user id transform. */
  pseudonyms?: UserPseudonyms;
  /** Whether the call was prepared before the signed-in user's own ref was known. */
  preparedBeforeOwn(call: SegmentCall): boolean;
};

/** The call with its page's title as `titleAt` says now (a user's page's title may have shown on this page). */
function retitled(call: SegmentCall, pseudonyms: UserPseudonyms, missing: Set<string>): SegmentCall {
  const title = pseudonyms.titleAt(call.page.url, call.page.title, missing);
  if (title === call.page.title) return call;
  const page = { ...call.page, title };
  return call.type === 'page' ? { ...call, page, properties: { ...call.properties, title } } : { ...call, page };
}

/**
 * `asSent` with its last answer kept for the same URL and title (unless it
 * says the answer will change): a page call waiting for its title is looked
 * at often, on a document that rarely changes, and a long URL costs
 * milliseconds to redact.
 */
function lastOne(
  asSent: (document: CurrentDocument) => { sent: CurrentDocument; lasting: boolean },
): (document: CurrentDocument) => CurrentDocument {
  let last: { href: string; title: string; sent: CurrentDocument } | undefined;
  return document => {
    if (last?.href !== document.href || last.title !== document.title) {
      const { sent, lasting } = asSent(document);
      last = lasting ? { href: document.href, title: document.title, sent } : undefined;
      return sent;
    }
    return { ...document, href: last.sent.href, title: last.sent.title };
  };
}

/** Builds privacy's stages at hand-over; see {@link HandOverRedaction}. */
export function createHandOverRedaction({ rewriter, pseudonyms, preparedBeforeOwn }: HandOverRedactionParts): HandOverRedaction {
  return {
    ownRefOnceKnown({ call, document }) {
      const unknownRefs = new Set<string>();
      // Only now is the user's own ref known: look for it (without its kind, say) once more.
      const again =
        pseudonyms && preparedBeforeOwn(call) && pseudonyms.ownKnown
          ? redactCall(call, {
              allowedAttributes: '*',
              allowedContexts: '*',
              searchTerms: 'keep',
              text: s => pseudonyms.rewrite(s, unknownRefs),
              object: o => pseudonyms.rewriteObject(o, unknownRefs),
            })
          : call;
      return { call: again, document, unknownRefs };
    },
    redactDocument({ call, document, unknownRefs }) {
      const clean = rewriter(unknownRefs).text;
      // A user's page is titled with their name: the title from where it is shown (and whether that page set it).
      const titleAt = (location: string, title: string, setThere: boolean) =>
        clean(pseudonyms ? pseudonyms.titleAt(location, title, unknownRefs, setThere) : title);
      // The URL and title now; a page's title only when mapping asks for it.
      const redacted: CurrentDocument = {
        href: clean(document.href),
        title: titleAt(document.href, document.title, document.titleOfPage?.(pageOf(document.href)) === document.title),
        titleOfPage: page => {
          const title = document.titleOfPage?.(page);
          return title === undefined ? undefined : titleAt(page, title, true);
        },
      };
      return { call: pseudonyms ? retitled(call, pseudonyms, unknownRefs) : call, document: redacted, unknownRefs };
    },
    learnRefsSeen({ call, unknownRefs }) {
      // A ref first seen here is redacted in this call; later calls will have its pseudonym.
      if (unknownRefs.size) void pseudonyms?.learn(unknownRefs);
      return call;
    },
    titleSet(href, title) {
      pseudonyms?.titleAt(href, title, undefined, true);
    },
    documentAsSent: lastOne(document => {
      const missing = new Set<string>();
      const clean = rewriter(missing).text;
      const title = pseudonyms ? pseudonyms.titleAt(document.href, document.title, missing) : document.title;
      const sent = { ...document, href: clean(document.href), title: clean(title) };
      // A ref whose pseudonym is not known yet is marked: that answer changes once it is, so it is not kept.
      return { sent, lasting: missing.size === 0 };
    }),
  };
}
