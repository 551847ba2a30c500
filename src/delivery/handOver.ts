import { cutText } from '../text/cutText';
import { fitToSizeLimit, MAX_CALL_BYTES } from '../mapping/fitToSizeLimit';
import { SegmentCall } from '../mapping/SegmentCall';
import { createWarnOnce, describeError, Logger, MAX_WARNED_ACTIONS } from '../warnSafely';
import { StoredCall } from './callStore';
import { InFlight } from './pacing';
import { SendOptions, Transport } from './Transport';

/**
 * Warnings about single calls: one per kind of fault and action (for at most
 * {@link MAX_WARNED_ACTIONS} of them), so that a fault repeated by every
 * event of an action is told once, naming the action.
 */
export type CallWarnings = (kind: 'prepare' | 'too-large' | 'send', action: string, message: string) => void;

/** See {@link CallWarnings}. */
export function createCallWarnings(logger: Logger): CallWarnings {
  // A budget per kind: actions that keep failing one way do not silence another kind of failure.
  const kinds = new Map<string, (topic: string, message: string) => void>();
  return (kind, action, message) => {
    if (!kinds.has(kind)) kinds.set(kind, createWarnOnce(logger, MAX_WARNED_ACTIONS));
    kinds.get(kind)!(action, `Segment analytics: ${message}; later ones are not reported`);
  };
}

/** An action as warnings name it: a hostile one can be megabytes long. */
const named = (call: SegmentCall) => cutText(String(call.properties.action), 100);

/**
 * The last look at a call before it is handed over or stored: `beforeSend`
 * (the page's settled title, say), then Segment's 32 KB limit. Undefined
 * when it cannot go out (a warning naming its action); never throws.
 */
export function prepareCall(
  call: SegmentCall,
  beforeSend: ((call: SegmentCall) => SegmentCall) | undefined,
  warn: CallWarnings,
): SegmentCall | undefined {
  let fitted: SegmentCall | undefined;
  try {
    fitted = fitToSizeLimit(beforeSend ? beforeSend(call) : call);
  } catch (error) {
    warn('prepare', named(call), `could not prepare a '${named(call)}' event: ${describeError(error)}`);
    return undefined;
  }
  if (!fitted) {
    const action = named(call);
    // The module's part is kept under 28 KB: the library adds its context to each message, which Segment refuses over 32 KB.
    const limit = `over ${MAX_CALL_BYTES / 1024} KB once its long strings were cut (Segment refuses messages over 32 KB)`;
    warn('too-large', action, `dropped a '${action}' event too large to send: ${limit}`);
  }
  return fitted;
}

/** Hands one call to the transport, counting it in flight while the library processes it; never throws. */
export function sendCall(
  transport: Transport,
  call: SegmentCall,
  options: SendOptions,
  { warn, inFlight }: { warn: CallWarnings; inFlight: InFlight },
): void {
  try {
    const attempt = transport.send(call, options);
    if (attempt && typeof attempt.then === 'function') inFlight.track(attempt);
  } catch (error) {
    warn('send', named(call), `could not send a '${named(call)}' event: ${describeError(error)}`);
  }
}

/** Hands over a call an earlier page load stored, with its user, messageId and anonymous id. */
export function sendStoredCall(transport: Transport, stored: StoredCall, parts: { warn: CallWarnings; inFlight: InFlight }): void {
  const call = fitToSizeLimit(stored.call);
  if (!call) return;
  sendCall(transport, call, { userId: stored.owner ?? undefined, messageId: stored.messageId, anonymousId: stored.anonymousId }, parts);
}
