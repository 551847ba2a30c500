import { ConfigReader } from '@backstage/config';
import { readEnabled } from '../__testUtils__/configReading';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { emptyEndpointWarning } from './segmentOptions';

// An endpoint key set to '' (an unset environment variable) falls back to
// Segment's own hosts: the warning says so, naming the key and the host.

describe('emptyEndpointWarning', () => {
  /** app-config.yaml with a proxy, then a production file whose environment variables are set to ''. */
  const merged = (production: Record<string, string>) => {
    const proxy = { writeKey: 'wk', apiHost: 'https://proxy.example.com/v1', cdnURL: 'https://proxy.example.com/cdn' };
    const config = readSegmentConfig(
      ConfigReader.fromConfigs([
        { context: 'app-config.yaml', data: { app: { analytics: { segment: proxy } } } },
        { context: 'app-config.production.yaml', data: { app: { analytics: { segment: production } } } },
      ]),
    );
    if (!config.enabled) throw new Error('expected an enabled config');
    return config;
  };

  it("an empty apiHost in a later file: Segment's own host is used, and the warning names the key and that host", () => {
    const config = merged({ apiHost: '' });
    expect(config.apiHost).toBe('api.segment.io/v1');
    expect(emptyEndpointWarning(config)).toBe(
      "Segment analytics: app.analytics.segment.apiHost is empty (an environment variable set to ''?), so Segment's own host is used: " +
        "events go to Segment's https://api.segment.io/v1. Remove the key, or give the URL of your proxy.",
    );
  });

  it('an empty cdnURL, and both: named; with local settings an empty cdnURL fetches nothing and says nothing', () => {
    expect(emptyEndpointWarning(merged({ cdnURL: ' ' }))).toMatch(/app\.analytics\.segment\.cdnURL is empty .* settings come from Segment's CDN/);
    expect(emptyEndpointWarning(merged({ apiHost: '', cdnURL: '', region: 'eu' }))).toMatch(
      /apiHost and app\.analytics\.segment\.cdnURL are empty .*hosts are used: events go to Segment's https:\/\/events\.eu1\.segmentapis\.com\/v1; the library's settings/,
    );
    expect(emptyEndpointWarning(merged({ cdnURL: '', cdnSettings: 'local' }))).toBeUndefined();
  });

  it('no warning when the keys are absent or set, nor with delivery: backend (the relay is the host)', () => {
    expect(emptyEndpointWarning(readEnabled({ writeKey: 'wk' }))).toBeUndefined();
    expect(emptyEndpointWarning(merged({}))).toBeUndefined();
    const relay = readSegmentConfig(
      new ConfigReader({ app: { analytics: { segment: { delivery: 'backend', apiHost: '' } } }, backend: { baseUrl: 'https://b.example.com' } }),
    );
    if (!relay.enabled) throw new Error('expected an enabled config');
    expect(emptyEndpointWarning(relay)).toBeUndefined();
  });
});
