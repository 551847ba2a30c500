/**
 * `keepalive` bodies the page may have in flight at once, in bytes: the
 * browser allows 64 KB for the whole page, less room for a request of the
 * app's own. No `keepalive` request is larger.
 */
export const KEEPALIVE_BUDGET_BYTES = 60 * 1024;

/** The `keepalive` bytes in flight, shared by every sender of a page. */
export type KeepaliveAllowance = { inFlight: number };

/** The page's `keepalive` bytes in flight from every sender (two instances with two write keys share the allowance). */
export const pageKeepalives: KeepaliveAllowance = { inFlight: 0 };

/**
 * Takes `bytes` of `allowance` if it has room for them; `release` gives
 * them back once the request is over. The browser counts a `keepalive`
 * body against the page until its answer has been read: the sender's
 * `post` reads each answer (see `batchDestination`).
 */
export function takeKeepalive(allowance: KeepaliveAllowance, bytes: number): { release(): void } | undefined {
  if (allowance.inFlight + bytes > KEEPALIVE_BUDGET_BYTES) return undefined;
  allowance.inFlight += bytes;
  return {
    release() {
      allowance.inFlight -= bytes;
    },
  };
}
