import { CallStore, StoredCall } from './callStore';

/**
 * The calls earlier page loads stored, from being read to being handed over:
 * read once, taken from the store one user at a time (one read and one write
 * of the store each, however many calls), then handed over one by one, paced
 * by the caller.
 *
 * @remarks
 * A call is handed over only if this load took it (removed it from the
 * store): a call is sent by at most one page load.
 */
export class RestoredCalls {
  /** Read, not taken yet: they wait for their user's session. */
  private unclaimed: StoredCall[] = [];
  /** Taken, to be handed over, oldest first. */
  private taken: StoredCall[] = [];
  private head = 0;

  constructor(private readonly store: CallStore) {}

  /** Reads the store, leaving out the calls `own` names (this page stored them itself). */
  read(own: ReadonlySet<string | undefined>): void {
    this.unclaimed = this.store.load().filter(stored => !own.has(stored.messageId));
  }

  /** Takes the read calls of `owner` that are still stored; they become ready to hand over. */
  take(owner: string | null): void {
    const mine = this.unclaimed.filter(stored => stored.owner === owner);
    if (!mine.length) return;
    this.unclaimed = this.unclaimed.filter(stored => stored.owner !== owner);
    const taken = this.store.take(mine.map(stored => stored.messageId));
    for (const stored of mine) if (taken.has(stored.messageId)) this.taken.push(stored);
  }

  /** Forgets the calls of other users: they stay stored, for a later load of theirs. */
  forgetOthers(): void {
    this.unclaimed = [];
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
