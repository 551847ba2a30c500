/**
 * Never twice: at most one sending instance per write key in a page.
 *
 * @remarks
 * A page can hold this module twice: registered in `apis.ts` and also loaded
 * as a Red Hat Developer Hub dynamic plugin, or listed twice in RHDH's
 * `analyticsApiExtensions`. Each copy is a separate bundle, so module-level
 * state is not shared; the claims live on `globalThis` under a `Symbol.for`
 * key, which every bundle (and every version of this package) in the page
 * sees. The value there is a `Set` of write keys: keep that shape, older
 * copies read it. (Jest tests forget it before each test, in setupTests.ts:
 * each test is a page of its own.)
 *
 * "The same" is the write key alone: it names the Segment source, and two
 * instances with one key put every event into that source twice, whichever
 * `apiHost` each goes through (a first-party proxy forwards to the same
 * source). Test mode claims its key too (an absent key counts as the empty
 * one), so it shows what production would send. An instance that sends
 * nothing claims nothing: `enabled: false`, a browser that opted out, a
 * construction that failed. An instance that has captured no event yet
 * gives its key up to the next one: the app built it and dropped it (an API
 * factory that threw after building it, another analytics implementation's
 * say, is called again), and the instance the app does use must send.
 */
export const WRITE_KEY_CLAIMS = Symbol.for('backstage-plugin-analytics-module-segment.claimedWriteKeys');

type Claims = Pick<Set<string>, 'has' | 'add'>;

/** An instance holding a write key, as a later instance of this version sees it. */
export type WriteKeyHolder = {
  /** True while it has captured no event (the app may have built it and dropped it). */
  unused(): boolean;
  /** A later instance takes the key: this one stays off from now on. */
  giveUp(): void;
  /** It follows the user's own choice (it was given a StorageApi): one that does not never takes its key. */
  followsChoice?: boolean;
};

/**
 * Beside the claims (a property of the claims `Set` itself, so that it goes
 * with it; older copies see a plain `Set`): per write key, the instance of
 * this version holding it, and whether the warning was given.
 */
const HOLDERS = Symbol.for('backstage-plugin-analytics-module-segment.writeKeyHolders');
type Holding = { holder?: WriteKeyHolder; warned?: true };

/** What the page's claims record of `writeKey`, created on first use; a record of its own where none can be kept. */
function holdingOf(claims: Claims | undefined, writeKey: string): Holding {
  try {
    const slot = claims as unknown as Record<symbol, Map<string, Holding>>;
    if (!(HOLDERS in slot)) Object.defineProperty(slot, HOLDERS, { value: new Map() });
    const holdings = slot[HOLDERS];
    let holding = holdings.get(writeKey);
    if (!holding) holdings.set(writeKey, (holding = {}));
    return holding;
  } catch {
    return {};
  }
}

function isClaims(value: unknown): value is Claims {
  return value instanceof Set;
}

/** The page's claims, created on first use; undefined when the page will not hold them. */
function pageClaims(page: Record<symbol, unknown>): Claims | undefined {
  const existing = page[WRITE_KEY_CLAIMS];
  if (isClaims(existing)) return existing;
  if (existing !== undefined) return undefined;
  const created = new Set<string>();
  try {
    Object.defineProperty(page, WRITE_KEY_CLAIMS, { value: created, configurable: true });
  } catch {
    return undefined;
  }
  return page[WRITE_KEY_CLAIMS] === created ? created : undefined;
}

/**
 * Claims `writeKey` for the calling instance. True when it may send: it is
 * the first in this page to claim the key, or the instance holding it has
 * captured no event (`holder` given: it then takes the key over, and that
 * one gives it up). False when another instance holds the key: this one must
 * stay off, and `logger` has received a warning saying why (once per page
 * and key).
 *
 * @remarks
 * A page whose global object cannot hold the claims (frozen, or the slot taken
 * by something else) lets every instance send rather than none: never twice is
 * a safeguard, not a reason to lose events.
 */
export function claimWriteKey(writeKey: string, logger: Pick<Console, 'warn'>, page: object = globalThis, holder?: WriteKeyHolder): boolean {
  let claims: Claims | undefined;
  try {
    claims = pageClaims(page as Record<symbol, unknown>);
    if (!claims) return true;
    if (!claims.has(writeKey)) {
      claims.add(writeKey);
      holdingOf(claims, writeKey).holder = holder;
      return true;
    }
  } catch {
    return true;
  }
  const holding = holdingOf(claims, writeKey);
  const previous = holding.holder;
  // The holder is this version's own (its calls never throw). An instance the user's choice cannot switch off never
  // takes the key from one it can (the settings card offers the switch).
  if (holder && previous?.unused() && (holder.followsChoice || !previous.followsChoice)) {
    holding.holder = holder;
    previous.giveUp();
    return true;
  }
  warnOnce(holding, writeKey, logger);
  return false;
}

/**
 * An instance that gave its key up is called after all: the module is
 * registered twice, and the app feeds both. Warns as a second instance
 * does (once per page and key, with the claims').
 */
export function warnHeldElsewhere(writeKey: string, logger: Pick<Console, 'warn'>, page: object = globalThis): void {
  let claims: Claims | undefined;
  try {
    claims = pageClaims(page as Record<symbol, unknown>);
  } catch {
    // warned, as where nothing is kept
  }
  warnOnce(holdingOf(claims, writeKey), writeKey, logger);
}

function warnOnce(holding: Holding, writeKey: string, logger: Pick<Console, 'warn'>) {
  if (holding.warned) return;
  holding.warned = true;
  try {
    logger.warn(alreadyClaimedWarning(writeKey));
  } catch {
    // Nothing left to tell.
  }
}

/** Whether an instance in this page has claimed `writeKey` (it sends, and reads what is kept for it). */
export function isWriteKeyClaimed(writeKey: string, page: object = globalThis): boolean {
  try {
    const claims = (page as Record<symbol, unknown>)[WRITE_KEY_CLAIMS];
    return isClaims(claims) && claims.has(writeKey);
  } catch {
    return false;
  }
}

function alreadyClaimedWarning(writeKey: string): string {
  const shown = writeKey === '' ? 'test mode without a write key' : `write key "${writeKey.slice(0, 6)}…"`;
  return (
    `Segment analytics: this instance stays off: another one in this page already handles ${shown}, ` +
    'and events must not be sent twice. The module is registered twice (for example in apis.ts and as a ' +
    'Red Hat Developer Hub dynamic plugin, or twice in analyticsApiExtensions): keep one. After a hot reload ' +
    "of the app's code in development, reload the page."
  );
}

/**
 * An instance's hold on its write key: used once it captures an event (it
 * keeps the key then); given up when a later instance takes the key over
 * while it had captured none (see {@link claimWriteKey}), and what the
 * instance started (its delivery, its relay session) is stopped.
 */
export type KeyHold = {
  /** What {@link claimWriteKey} is given. */
  holder: WriteKeyHolder;
  /** The instance captures an event. */
  markUsed(): void;
  /** True once the key was given up: the instance stays off. */
  givenUp(): boolean;
  /** Runs `stop` when the key is given up, at once if it was; `stop` may throw (ignored). */
  onGiveUp(stop: () => void): void;
};

/** A new instance's {@link KeyHold}; `followsChoice`: see {@link WriteKeyHolder.followsChoice}. */
export function createKeyHold(followsChoice = false): KeyHold {
  let used = false;
  /** What to stop on giving the key up; undefined once it was given up. */
  let stops: (() => void)[] | undefined = [];
  const hold: KeyHold = {
    holder: {
      followsChoice,
      unused: () => !used && !!stops,
      giveUp() {
        const started = stops;
        stops = undefined;
        started?.forEach(stop => hold.onGiveUp(stop));
      },
    },
    markUsed: () => void (used = true),
    givenUp: () => !stops,
    onGiveUp(stop) {
      if (stops) stops.push(stop);
      else {
        try {
          stop();
        } catch {
          // what could not be stopped sends nothing more: its delivery is the first stopped
        }
      }
    },
  };
  return hold;
}
