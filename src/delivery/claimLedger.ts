import { CLAIM_HOLD_MS } from './claimHold';
import { browserScheduler, Scheduler } from '../time/scheduler';

/**
 * Decides, across the tabs of one browser, which page load sends a stored
 * call: localStorage alone cannot, because each tab reads its own cached copy
 * of it (two tabs opening at once both read a backlog before either removal
 * reaches the other). IndexedDB can: its read-write transactions on one store
 * run one after another, each seeing what the previous one committed.
 */
export type ClaimLedger = {
  /**
   * Records these messageIds as taken by this page load, in one transaction;
   * resolves with those no other load took less than `CLAIM_HOLD_MS`
   * (`claimHold.ts`) ago (this load's own claims are granted again). Never
   * rejects: where the ledger fails, every id is returned (the store's own
   * take then decides, as without a ledger). `released`: claims their holders
   * gave up (messageId to the claim, as {@link ClaimLedger.heldClaim} gave it
   * to the load that stored the call again, left for good): granted too.
   */
  claim(messageIds: string[], released?: ReadonlyMap<string, number>): Promise<Set<string>>;
  /**
   * This load's claim on a call (as recorded), if it holds one: a load left
   * for good stores it with the call, so that the next load need not wait
   * for the hold to lapse.
   */
  heldClaim(messageId: string): number | undefined;
};

/** How long the ledger waits for IndexedDB before it lets the store decide alone. */
export const CLAIM_WAIT_MS = 10_000;

/** The database's name; the user's opt-out deletes it (`consent/forgetBrowserData.ts`). */
export const DATABASE = 'backstage-segment';
const CLAIMS = 'claims';

/** Options of {@link createClaimLedger}. */
export type ClaimLedgerOptions = {
  /** The origin's IndexedDB (`window.indexedDB`). */
  indexedDB: IDBFactory;
  /** Scopes the claims: the calls of two Segment sources never meet. */
  writeKey: string;
  /** Wall-clock epoch milliseconds: claims are compared across tabs. */
  wallNow: () => number;
  scheduler: Pick<Scheduler, 'setTimeout' | 'clearTimeout'>;
};

/** The ledger of claims in the origin's IndexedDB (see {@link ClaimLedger}). */
export function createClaimLedger({ indexedDB, writeKey, wallNow, scheduler }: ClaimLedgerOptions): ClaimLedger {
  let database: Promise<IDBDatabase | undefined> | undefined;
  /**
   * This page's own claims (key: the time recorded): claimed again, they are
   * granted again. A page left while a claim was asked (its answer then
   * ignored) asks again once back, and must not be kept off its calls by
   * its own claim.
   */
  const ours = new Map<string, number>();
  const open = () =>
    (database ??= new Promise(resolve => {
      try {
        const request = indexedDB.open(DATABASE, 1);
        request.onupgradeneeded = () => request.result.createObjectStore(CLAIMS);
        request.onsuccess = () => {
          const db = request.result;
          // The user's opt-out deletes the database: let go of it, and open it anew for a later claim.
          db.onversionchange = () => {
            db.close();
            database = undefined;
          };
          resolve(db);
        };
        request.onerror = () => resolve(undefined);
        request.onblocked = () => resolve(undefined);
      } catch {
        resolve(undefined);
      }
    }));

  /** One transaction: the ids free (never claimed, longer than the hold ago, or by this page) are claimed; stale claims are pruned. */
  function claimIn(db: IDBDatabase, ids: string[], released: ReadonlyMap<string, number> | undefined, done: (won: Set<string> | undefined) => void) {
    const now = wallNow();
    // A claim more than the hold ahead of this load's clock was made before the clock stepped back (tabs share one
    // clock): how long ago is unknown, so it has lapsed; held on, it would keep its calls from every load for the step.
    const stale = (at: unknown) => typeof at !== 'number' || Math.abs(now - at) > CLAIM_HOLD_MS;
    const won = new Set<string>();
    const claimed = new Set<string>();
    const transaction = db.transaction(CLAIMS, 'readwrite');
    const claims = transaction.objectStore(CLAIMS);
    for (const id of ids) {
      const key = `${writeKey}\n${id}`;
      const read = claims.get(key);
      read.onsuccess = () => {
        const free = stale(read.result) || ours.get(key) === read.result || released?.get(id) === read.result;
        if (!free) return;
        claims.put(now, key);
        ours.set(key, now);
        claimed.add(key);
        won.add(id);
      };
    }
    const cursor = claims.openCursor();
    cursor.onsuccess = () => {
      const at = cursor.result;
      if (!at) return;
      // The cursor saw each record as it was before this transaction's puts.
      if (stale(at.value) && !claimed.has(String(at.key))) {
        ours.delete(String(at.key));
        at.delete();
      }
      at.continue();
    };
    transaction.oncomplete = () => done(won);
    transaction.onabort = () => done(undefined);
  }

  return {
    claim(ids, released) {
      const all = new Set(ids);
      if (!ids.length) return Promise.resolve(all);
      return new Promise(resolve => {
        let settled = false;
        const timer = scheduler.setTimeout(() => settle(undefined), CLAIM_WAIT_MS);
        function settle(won: Set<string> | undefined) {
          if (settled) return;
          settled = true;
          scheduler.clearTimeout(timer);
          resolve(won ?? all);
        }
        void open().then(db => {
          try {
            if (db) claimIn(db, ids, released, settle);
            else settle(undefined);
          } catch {
            settle(undefined);
          }
        });
      });
    },
    heldClaim: messageId => ours.get(`${writeKey}\n${messageId}`),
  };
}

const ledgers = new Map<string, ClaimLedger>();
const everyId: ClaimLedger = { claim: async ids => new Set(ids), heldClaim: () => undefined };

/** The page's ledger of a write key, in the browser's IndexedDB (one per write key and page). */
export function claimLedgerOf(writeKey: string): ClaimLedger {
  let ledger = ledgers.get(writeKey);
  if (!ledger) {
    let factory: IDBFactory | undefined;
    try {
      factory = typeof indexedDB === 'undefined' ? undefined : indexedDB;
    } catch {
      // a browser that refuses IndexedDB to this page: the store alone decides
    }
    ledger = factory ? createClaimLedger({ indexedDB: factory, writeKey, wallNow: browserScheduler.wallNow, scheduler: browserScheduler }) : everyId;
    ledgers.set(writeKey, ledger);
  }
  return ledger;
}
