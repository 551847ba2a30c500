import { IdentityState } from './identityGate';
import { Transport } from './Transport';

/**
 * Where the transport (the Segment library, or test mode's console) stands:
 * `failed` could not be loaded (calls are still kept, for the next page
 * load), `dead` keeps nothing (switched off, or nowhere to keep calls).
 */
export type TransportState = { kind: 'loading' } | { kind: 'ready'; transport: Transport } | { kind: 'failed' } | { kind: 'dead' };

/**
 * What delivery may do, derived from the transport and the identity:
 * `loading` (calls wait), `identity` (the library is ready, the session has
 * not started: calls wait, stored ones of earlier loads may go), `late` (as
 * `identity`, the anonymous session started: calls captured since the
 * time-out wait again, at most the time-out, none dropped for room), `open`
 * (calls go out in order), `failed` (calls are kept for the next load,
 * nothing goes out), `dead` (nothing is kept).
 */
export type Readiness = 'loading' | 'identity' | 'late' | 'open' | 'failed' | 'dead';

/**
 * The one place readiness is decided. The identity is read only once the
 * transport is ready (it is given lazily: the identity gate may report a
 * session while it is being made).
 */
export function readinessOf(transport: TransportState, identity: () => IdentityState): Readiness {
  if (transport.kind !== 'ready') return transport.kind;
  const { kind } = identity();
  if (kind === 'waiting') return 'identity';
  return kind === 'late' ? 'late' : 'open';
}
