import { CallStore, StoredCall } from './callStore';
import { CLAIM_HOLD_MS } from './claimHold';
import type { ClaimLedger } from './claimLedger';
import type { Scheduler } from '../time/scheduler';

/** How long after its claim lapses a call another load claimed is claimed again (if still stored). */
const RECLAIM_MARGIN_MS = 1000;

/**
 * The calls earlier page loads stored, from being read to being handed over:
 * read once, taken from the store one user at a time (one read and one write
 * of the store each, however many calls), then handed over one by one, paced
 * by the caller.
 *
 * @remarks
 * A call is handed over only if this load took it (removed it from the
 * store): a call is sent by at most one page load. With a {@link ClaimLedger}
 * (other tabs may open at the same moment), the ledger is asked first, and
 * only the calls it grants are taken: meanwhile {@link RestoredCalls.claiming}
 * is true, and `onTaken` is called once they are. Those it refuses (another
 * load claimed them, which may have been left before sending them, and stored
 * them again) are claimed again once that claim has lapsed, if still stored.
 */
export class RestoredCalls {
  /** Read, not taken yet: they wait for their user's session. */
  private unclaimed: StoredCall[] = [];
  /** Taken, to be handed over, oldest first. */
  private taken: StoredCall[] = [];
  private head = 0;
  /** Claims asked of the ledger and not answered yet. */
  private asked = 0;
  /** Counts {@link RestoredCalls.abandonClaims}: an answer to an older claim is ignored. */
  private round = 0;
  private stopped = false;
  /** The anonymous id of anonymous calls claimed late (see {@link RestoredCalls.claimLater}). */
  private laterAnonymousId?: string;

  constructor(
    private readonly store: CallStore,
    private readonly newId: () => string,
    private readonly ledger?: ClaimLedger,
    private readonly onTaken: () => void = () => {},
    private readonly scheduler?: Pick<Scheduler, 'setTimeout'>,
  ) {}

  /** Reads the store, leaving out the calls `own` names (this page stored them itself). */
  read(own: ReadonlySet<string | undefined>): void {
    this.unclaimed = this.store.load().filter(stored => !own.has(stored.messageId));
  }

  /** Takes the read calls of `owner` that are still stored; they become ready to hand over. */
  take(owner: string | null): void {
    const mine = this.unclaimed.filter(stored => stored.owner === owner);
    if (!mine.length) return;
    this.unclaimed = this.unclaimed.filter(stored => stored.owner !== owner);
    this.claim(mine);
  }

  private claim(mine: StoredCall[]) {
    const ids = mine.map(stored => stored.messageId);
    if (!this.ledger) {
      this.keep(mine, this.store.take(ids));
      return;
    }
    this.asked++;
    const round = this.round;
    const released = new Map(mine.flatMap(stored => (stored.claim === undefined ? [] : [[stored.messageId, stored.claim]])));
    void this.ledger.claim(ids, released).then(granted => {
      // Left meanwhile: the claim holds them for this load, which may come back (shown again).
      if (round !== this.round) return this.claimLater(mine);
      this.asked--;
      this.keep(mine, this.store.take(ids.filter(id => granted.has(id))));
      this.claimLater(mine.filter(stored => !granted.has(stored.messageId)));
      return this.onTaken();
    });
  }

  /** Claims `refused` again once any claim on them has lapsed: those still stored then are nobody's. */
  private claimLater(refused: StoredCall[]) {
    if (!refused.length) return;
    this.scheduler?.setTimeout(() => {
      if (this.stopped) return;
      const stored = new Set(this.store.load().map(call => call.messageId));
      // By now this load's session may have started: anonymous calls must not take its user's anonymous id.
      const anonymousId = (this.laterAnonymousId ??= this.newId());
      const still = refused
        .filter(call => stored.has(call.messageId))
        .map(call => (call.owner === null && !call.anonymousId ? { ...call, anonymousId } : call));
      if (still.length) this.claim(still);
    }, CLAIM_HOLD_MS + RECLAIM_MARGIN_MS);
  }

  /** True while the ledger has not answered a claim: the calls it may grant go before anything else. */
  get claiming(): boolean {
    return this.asked > 0;
  }

  /**
   * The page is being left: claims not answered yet are given up, and their
   * calls stay stored (a page taking them now might not live to send them).
   * The ledger keeps other loads off them for a while; then a later load sends them.
   */
  abandonClaims(): void {
    this.round++;
    this.asked = 0;
  }

  private keep(mine: StoredCall[], taken: Set<string>) {
    for (const stored of mine) if (taken.has(stored.messageId)) this.taken.push(stored);
  }

  /** The capture time of the oldest read call of `owner`, not taken yet (its session's identify goes no later). */
  oldest(owner: string): Date | undefined {
    // Read oldest first (the store's order).
    return this.unclaimed.find(stored => stored.owner === owner)?.call.timestamp;
  }

  /** Takes the read calls of `owner`, as {@link RestoredCalls.take}, and forgets the others: they stay stored, for a later load of theirs. */
  takeOnly(owner: string): void {
    this.take(owner);
    this.unclaimed = [];
  }

  /** Delivery is switched off (the user's choice): nothing more is claimed or taken, not even later. */
  stop(): void {
    this.stopped = true;
    this.abandonClaims();
  }

  /** True while taken calls wait to be handed over. */
  get pending(): boolean {
    return this.head < this.taken.length;
  }

  /** The next taken call to hand over (call only while {@link RestoredCalls.pending}). */
  next(): StoredCall {
    const stored = this.taken[this.head++];
    if (this.head === this.taken.length) {
      this.taken = [];
      this.head = 0;
    }
    return stored;
  }

  /** The taken calls not handed over yet, to store again when the page is left. */
  remaining(): StoredCall[] {
    return this.taken.slice(this.head);
  }
}
