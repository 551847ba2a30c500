/**
 * How long a claim of the ledger (`claimLedger.ts`) keeps other loads off a
 * call. The load that won it removes the call from localStorage at once;
 * this covers the moment before that removal reaches the other tabs, and
 * frees the call again should the winner die before removing it, or be left
 * before sending it (see `RestoredCalls`). On its own so that the app's
 * first load carries the number, not the ledger.
 */
export const CLAIM_HOLD_MS = 60_000;
