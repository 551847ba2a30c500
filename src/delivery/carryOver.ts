import { SegmentCall } from '../mapping/SegmentCall';
import { CallStore, StoredCall } from './callStore';
import { ClaimLedger } from './claimLedger';
import { CallQueue, QueuedCall } from './callQueue';
import { RestoredCalls } from './restoredCalls';
import type { Scheduler } from '../time/scheduler';
import { StoredOwner, UNIDENTIFIED } from './storedOwner';

/** Options of {@link CarryOver}. */
export type CarryOverOptions = {
  /** Where calls wait for the next page load. */
  store: CallStore;
  /** The user the browser's stored identity belongs to. */
  storedOwner?: StoredOwner;
  /** Makes messageIds and anonymous ids. */
  newId: () => string;
  /** Decides across tabs which load sends a stored call; none: the store alone decides. */
  ledger?: ClaimLedger;
  /** A claim of the ledger was answered: what it granted can be handed over. */
  onClaimed?: () => void;
  /** Times the claims refused to this load are made again. */
  scheduler?: Pick<Scheduler, 'setTimeout'>;
  /** The anonymous id the page's anonymous calls go out with where it is not the browser's (see `Transport.standIn`). */
  standIn?: () => string | undefined;
  /** The browser's anonymous id as this page's library holds it, once loaded (see `Transport.anonymousId`). */
  anonymousId?: () => string | undefined;
};

/** How {@link CarryOver.save} stores. */
export type SaveOptions = {
  /** The user of the queue's calls before its first session. */
  initialOwner: string | null;
  /**
   * The queued calls are sent from the queue only if still stored when their
   * turn comes (else another load took them); otherwise the page sends them
   * all (also those stored earlier), and the stored copy stays.
   */
  claim: boolean;
  /** The page is unloaded for good (it cannot come back): the ledger's claims it holds go with the calls. */
  final: boolean;
  /** Each call as it would be sent (undefined: never sent). */
  prepare: (call: SegmentCall) => SegmentCall | undefined;
};

/**
 * The carry-over store layered on the queue: what the page could not hand
 * over when it was left is stored, each call with the user it belongs to,
 * and the next page load sends it (see {@link RestoredCalls}), once.
 */
export class CarryOver {
  /** Calls earlier page loads stored. */
  readonly restored: RestoredCalls;
  /** One fresh anonymous id for this page's stored anonymous calls, when a previous user is stored. */
  private leaveAnonymousId?: string;
  /** True while the ledger has not answered {@link CarryOver.claimBack}. */
  private claimingBack = false;
  /** Counts the times the page was left: an answer the ledger gives after that is ignored. */
  private round = 0;
  /**
   * Copies stored as the page was left of calls it still holds itself (handed
   * over, or to hand over): see {@link CarryOver.cameBack}.
   */
  private copies = new Set<string>();

  constructor(private readonly options: CarryOverOptions) {
    this.restored = new RestoredCalls(options.store, options.newId, options.ledger, options.onClaimed, options.scheduler);
  }

  /**
   * True while a claim of the ledger is unanswered: nothing is handed over
   * meanwhile, so that what it grants keeps its place (restored calls first,
   * the queue in capture order).
   */
  get claiming(): boolean {
    return this.claimingBack || this.restored.claiming;
  }

  /**
   * Stores `copies` (restored calls, as they were stored) and the calls
   * waiting in `queue`, with the user each belongs to (sessions in the queue
   * change it; `initialOwner` before the first), in one write (see
   * {@link SaveOptions}).
   */
  save(queue: CallQueue, copies: StoredCall[], { initialOwner, claim, final, prepare }: SaveOptions): void {
    this.round++;
    this.claimingBack = false;
    this.restored.abandonClaims();
    const toStore = [...copies];
    const queued: QueuedCall[] = [];
    let owner = initialOwner;
    this.dropTakenByOthers(queue);
    for (const item of queue.waiting()) {
      if (item.kind === 'session') {
        owner = item.userId ?? null;
        continue;
      }
      const call = prepare(item.call);
      if (!call) continue;
      item.messageId ??= this.options.newId();
      queued.push(item);
      toStore.push({ messageId: item.messageId, owner, call, ...this.anonymousIdFor(owner) });
    }
    if (!toStore.length) return;
    const { ledger } = this.options;
    // Left for good: what this load claimed, it gives up with the call, for the next load to take at once.
    // A claim read with a call is another load's: never stored again (it may match where this load's own claim
    // never reached the ledger, and free the call while this page may still send it).
    const release = ({ claim: _, ...stored }: StoredCall): StoredCall => {
      const held = final ? ledger?.heldClaim(stored.messageId) : undefined;
      return held === undefined ? stored : { ...stored, claim: held };
    };
    const kept = this.options.store.save(toStore.map(release));
    for (const { messageId } of copies) if (kept.has(messageId)) this.copies.add(messageId);
    for (const item of queued) {
      if (claim) item.stored = kept.has(item.messageId!);
      else {
        // The page hands them over now, those stored earlier too (a claim could not be answered in time): what is stored is a copy.
        if (kept.has(item.messageId!)) this.copies.add(item.messageId!);
        item.stored = false;
      }
    }
  }

  /**
   * Queued calls stored earlier, to be claimed back, that the store no
   * longer holds: another page load took them, and sends them. Stored again,
   * they would be sent twice. (Where the store cannot tell, they stay.)
   */
  private dropTakenByOthers(queue: CallQueue): void {
    const stored = queue.waiting().filter((item): item is QueuedCall => item.kind === 'call' && !!item.stored);
    const held = stored.length ? this.options.store.holds(stored.map(item => item.messageId!)) : undefined;
    if (held) queue.remove(new Set(stored.filter(item => !held.has(item.messageId!))));
  }

  /**
   * The page is shown again (a tab switched back, restored from the
   * back/forward cache): the copies it stored as it was left are taken from
   * the store. It holds those calls itself (the library delivered them, or
   * holds them until it does, or they wait here to be handed over), and the
   * next time it is left stores what it still holds; left in the store, they
   * would be sent again by the next load.
   */
  cameBack(): void {
    if (!this.copies.size) return;
    this.options.store.take(this.copies);
    this.copies.clear();
  }

  /**
   * The page stored its waiting calls when it was hidden, and is back: takes
   * them back from the store in one go, and drops from the queue those no
   * longer stored (another page load has sent them).
   */
  claimBack(queue: CallQueue): void {
    const mine = queue.waiting().filter((item): item is QueuedCall => item.kind === 'call' && !!item.stored);
    const ids = mine.map(item => item.messageId!);
    const takeBack = (granted: Set<string>) => {
      const taken = this.options.store.take(ids.filter(id => granted.has(id)));
      for (const item of mine) item.stored = false;
      queue.remove(new Set(mine.filter(item => !taken.has(item.messageId!))));
    };
    const { ledger, onClaimed } = this.options;
    if (!ledger) {
      takeBack(new Set(ids));
      return;
    }
    this.claimingBack = true;
    const round = this.round;
    void ledger.claim(ids).then(granted => {
      if (round !== this.round) return; // left meanwhile: save() has stored them again
      this.claimingBack = false;
      takeBack(granted);
      onClaimed?.();
    });
  }

  /**
   * The page is left before its user was known: where no one is recorded,
   * the browser's identity is now that of someone unidentified (see
   * `UNIDENTIFIED`), so the next user does not inherit its anonymous id.
   */
  leftUnidentified(): void {
    const { storedOwner } = this.options;
    if (storedOwner?.get() === undefined) storedOwner?.set(undefined);
  }

  /**
   * Anonymous calls stored by a page whose anonymous session has an id of
   * its own (a stand-in for another user whose identity the browser kept)
   * carry that id, as they are sent (the same events, sent now or by the
   * next load), whatever the record says by then (a "no" said in another tab
   * may have removed it). Stored while another user's identity is kept, they
   * must not carry that user's anonymous id: a fresh one. Where no one, or
   * someone unidentified, holds it, they carry the browser's id as this
   * page's library holds it: someone who signs in before they are sent (in
   * another tab) starts with a fresh one, and must not be sent these calls' id.
   */
  private anonymousIdFor(owner: string | null): { anonymousId?: string } {
    if (owner !== null) return {};
    const standIn = this.options.standIn?.();
    if (standIn) return { anonymousId: standIn };
    const previous = this.options.storedOwner?.get();
    if (previous === undefined || previous === UNIDENTIFIED) {
      const browsers = this.options.anonymousId?.();
      return browsers ? { anonymousId: browsers } : {};
    }
    return { anonymousId: (this.leaveAnonymousId ??= this.options.newId()) };
  }
}
