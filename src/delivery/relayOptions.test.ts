import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { EnabledSegmentConfig } from '../config/SegmentConfig';
import { toLoadArguments } from './segmentOptions';

function configOf(segment: Record<string, any>): EnabledSegmentConfig {
  const config = readSegmentConfig(
    new ConfigReader({ app: { analytics: { segment } }, backend: { baseUrl: 'https://backstage.example.com' } }),
  );
  if (!config.enabled) throw new Error('expected an enabled config');
  return config;
}

describe('toLoadArguments with delivery: backend', () => {
  it('loads with local settings and a placeholder key, sends to the relay with the cookie, and retries 401 and 404', () => {
    const segmentIo = {
      apiHost: 'backstage.example.com/api/segment-analytics/v1',
      protocol: 'https',
      deliveryStrategy: { strategy: 'standard', config: { keepalive: false, credentials: 'include' } },
      httpConfig: { backoffConfig: { statusCodeOverrides: { '401': 'retry', '404': 'retry' } } },
    };
    expect(toLoadArguments(configOf({ delivery: 'backend' }))).toStrictEqual([
      {
        writeKey: 'backstage-relay',
        cdnURL: 'https://cdn.segment.com',
        cdnSettings: { integrations: { 'Segment.io': { apiKey: 'backstage-relay', ...segmentIo } }, metrics: { sampleRate: 0 } },
      },
      {
        useQueryString: false,
        globalAnalyticsKey: expect.stringMatching(/^__backstage/),
        disableClientPersistence: false,
        disableAutoISOConversion: false,
        integrations: { 'Segment.io': segmentIo },
      },
    ]);
  });

  it('batching keeps its size and timeout, with the cookie', () => {
    const [settings, options] = toLoadArguments(configOf({ delivery: 'backend', batching: { size: 7, timeoutMs: 900 } }));
    const expected = { strategy: 'batching', config: { size: 7, timeout: 900, credentials: 'include' } };
    expect((options.integrations?.['Segment.io'] as any).deliveryStrategy).toStrictEqual(expected);
    expect((settings.cdnSettings as any).integrations['Segment.io'].deliveryStrategy).toStrictEqual(expected);
  });

  it('settings and options share one strategy config (the transport turns keepalive on in it when the page is left)', () => {
    const [settings, options] = toLoadArguments(configOf({ delivery: 'backend' }));
    const fromSettings = (settings.cdnSettings as any).integrations['Segment.io'].deliveryStrategy.config;
    expect((options.integrations?.['Segment.io'] as any).deliveryStrategy.config).toBe(fromSettings);
  });

  it('direct delivery is unchanged: no credentials, no 401 override', () => {
    const [, options] = toLoadArguments(configOf({ writeKey: 'wk' }));
    expect(options.integrations?.['Segment.io']).toStrictEqual({
      apiHost: 'api.segment.io/v1',
      protocol: 'https',
      deliveryStrategy: { strategy: 'standard', config: { keepalive: false } },
    });
  });
});
