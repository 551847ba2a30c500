import { Logger, Transport } from './Transport';

/**
 * The transport of test mode: logs each call that would be sent, and sends
 * nothing. The Segment library is never loaded.
 */
export function createLoggingTransport(logger: Logger): Transport {
  return {
    startSession(userId) {
      if (userId) logger.info(`[segment test mode] identify("${userId}")`);
    },
    group({ groupId, traits }) {
      logger.info(`[segment test mode] group("${groupId}")`, traits);
    },
    send(call, { userId, groupId }) {
      const what = call.type === 'page' ? 'analytics.page()' : `analytics.track("${call.event}")`;
      logger.info(`[segment test mode] ${what}`, call.properties, { userId, ...(groupId && { groupId }), timestamp: call.timestamp });
    },
  };
}
