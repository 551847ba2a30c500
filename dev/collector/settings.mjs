// @ts-check
// The settings the collector serves in place of Segment's CDN.

/**
 * Segment CDN-style settings for `writeKey`, pointing tracking at `apiHost`.
 * @param {string} writeKey
 * @param {string} apiHost `host:port/v1`, without scheme
 * @returns {object}
 */
export function settingsFor(writeKey, apiHost) {
  return {
    integrations: {
      'Segment.io': {
        apiKey: writeKey,
        apiHost,
        protocol: 'http',
        unbundledIntegrations: [],
        addBundledMetadata: true,
        maybeBundledConfigIds: {},
      },
    },
    plan: {
      track: { __default: { enabled: true, integrations: {} } },
      identify: { __default: { enabled: true } },
      group: { __default: { enabled: true } },
    },
    edgeFunction: {},
    analyticsNextEnabled: true,
    middlewareSettings: {},
    enabledMiddleware: {},
    metrics: { sampleRate: 0 },
    legacyVideoPluginsEnabled: false,
    remotePlugins: [],
  };
}
