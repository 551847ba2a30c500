import type { EnabledSegmentConfig } from '../config/SegmentConfig';

/** The Segment.io integration options that the relay mode changes (see {@link withRelayOptions}). */
type SegmentIoOptions = {
  apiHost: string;
  protocol: 'http' | 'https';
  deliveryStrategy:
    | { strategy: 'standard'; config: { keepalive: boolean; credentials?: 'include' } }
    | { strategy: 'batching'; config: { size: number; timeout: number; credentials?: 'include' } };
};

/**
 * The Segment.io integration options for `delivery: backend`: requests carry
 * the relay's user cookie (`credentials: 'include'`, which also covers an app
 * and backend on different ports or hosts of one site), and a 401 (no cookie
 * yet, or one that expired before it was refreshed) and a 404 (a backend
 * replica still starting: Backstage opens its port before the plugins'
 * routes exist; or one whose relay is switched off, in a rollout) are
 * retried like a 5xx, with the same messageId, instead of dropped (both
 * still count towards the delivery warning). Unchanged without a relay.
 *
 * @remarks
 * Pure: returns new objects; the caller passes the same result to both the
 * settings and the options (the transport turns `keepalive` on in its
 * strategy's `config` when the page is left).
 */
export function withRelayOptions<T extends SegmentIoOptions>(config: EnabledSegmentConfig, segmentIo: T): T {
  if (!config.relay) return segmentIo;
  const { deliveryStrategy } = segmentIo;
  return {
    ...segmentIo,
    deliveryStrategy: { ...deliveryStrategy, config: { ...deliveryStrategy.config, credentials: 'include' } },
    httpConfig: { backoffConfig: { statusCodeOverrides: { '401': 'retry', '404': 'retry' } } },
  };
}
