import { fitToSizeLimit } from '../mapping/fitToSizeLimit';
import { SegmentCall } from '../mapping/SegmentCall';
import { describeError, SafeLogger } from '../warnSafely';
import { StoredCall } from './callStore';
import { InFlight } from './pacing';
import { SendOptions, Transport } from './Transport';

/**
 * The last look at a call before it is handed over or stored: `beforeSend`
 * (the page's settled title, say), then Segment's 32 KB limit. Undefined
 * when it cannot go out (one warning naming its action); never throws.
 */
export function prepareCall(
  call: SegmentCall,
  beforeSend: ((call: SegmentCall) => SegmentCall) | undefined,
  logger: SafeLogger,
): SegmentCall | undefined {
  let fitted: SegmentCall | undefined;
  try {
    fitted = fitToSizeLimit(beforeSend ? beforeSend(call) : call);
  } catch (error) {
    logger.warn(`Segment analytics: could not prepare a '${call.properties.action}' event: ${describeError(error)}`);
    return undefined;
  }
  if (!fitted) {
    logger.warn(`Segment analytics: dropped a '${call.properties.action}' event larger than Segment's 32 KB limit`);
  }
  return fitted;
}

/** Hands one call to the transport, counting it in flight while the library processes it; never throws. */
export function sendCall(
  transport: Transport,
  call: SegmentCall,
  options: SendOptions,
  { logger, inFlight }: { logger: SafeLogger; inFlight: InFlight },
): void {
  try {
    const attempt = transport.send(call, options);
    if (attempt && typeof attempt.then === 'function') inFlight.track(attempt);
  } catch (error) {
    logger.warn(`Segment analytics: could not send a '${call.properties.action}' event: ${describeError(error)}`);
  }
}

/** Hands over a call an earlier page load stored, with its user, messageId and anonymous id. */
export function sendStoredCall(transport: Transport, stored: StoredCall, parts: { logger: SafeLogger; inFlight: InFlight }): void {
  const call = fitToSizeLimit(stored.call);
  if (!call) return;
  sendCall(transport, call, { userId: stored.owner ?? undefined, messageId: stored.messageId, anonymousId: stored.anonymousId }, parts);
}
