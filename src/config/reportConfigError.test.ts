import { ConfigReader, JsonValue } from '@backstage/config';
import { SegmentAnalytics } from '../SegmentAnalytics';

// Backstage swallows what an API factory throws: the error must also be on
// the console, naming the key, while fromConfig keeps throwing.
const invalidBlocks: { name: string; segment: JsonValue; key: string }[] = [
  { name: 'an unknown region', segment: { writeKey: 'k', region: 'asia' }, key: 'app.analytics.segment.region' },
  { name: 'a missing write key', segment: {}, key: 'app.analytics.segment.writeKey' },
  { name: 'a cdnURL without a scheme', segment: { writeKey: 'k', cdnURL: 'cdn.example.com' }, key: 'app.analytics.segment.cdnURL' },
  { name: 'a word where a number belongs', segment: { writeKey: 'k', identityTimeoutMs: 'soon' }, key: 'app.analytics.segment.identityTimeoutMs' },
  { name: 'a block that is not an object', segment: 'on', key: 'app.analytics.segment' },
  { name: 'a misspelled key', segment: { writeKey: 'k', maskIp: true }, key: 'app.analytics.segment.maskIp' },
];

let error: jest.SpyInstance;
beforeEach(() => {
  error = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => jest.restoreAllMocks());

describe('SegmentAnalytics.fromConfig with invalid config', () => {
  it.each(invalidBlocks)('with $name: throws and prints one console.error naming $key', ({ segment, key }) => {
    const config = new ConfigReader({ app: { analytics: { segment } } });
    let thrown: unknown;
    try {
      SegmentAnalytics.fromConfig(config);
    } catch (e) {
      thrown = e;
    }
    expect(thrown).toBeInstanceOf(Error);
    expect((thrown as Error).message).toContain(key);
    expect(error).toHaveBeenCalledTimes(1);
    expect(String(error.mock.calls[0][0])).toContain(key);
    expect(String(error.mock.calls[0][0])).toContain((thrown as Error).message);
  });

  it('built again from the same config (as the legacy app does on each use): one console.error in all', () => {
    const config = new ConfigReader({ app: { analytics: { segment: { writeKey: 'k', region: 'asia' } } } });
    for (let i = 0; i < 5; i++) expect(() => SegmentAnalytics.fromConfig(config)).toThrow('app.analytics.segment.region');
    expect(error).toHaveBeenCalledTimes(1);
    expect(error).toHaveBeenCalledWith(
      "Segment analytics is off: Invalid config app.analytics.segment.region: expected 'us' or 'eu' (got 'asia')",
    );
  });

  it('another config object with the same error is told again', () => {
    const segment = { writeKey: 'k', region: 'asia' };
    expect(() => SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment } } }))).toThrow();
    expect(() => SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment } } }))).toThrow();
    expect(error).toHaveBeenCalledTimes(2);
  });

  it('prints nothing for a valid block', () => {
    SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment: { enabled: false } } } }));
    expect(error).not.toHaveBeenCalled();
  });
});

describe('SegmentAnalytics.fromConfig options', () => {
  it.each([undefined, null])('%p options are no options', options => {
    const config = new ConfigReader({ app: { analytics: { segment: { testMode: true } } } });
    const analytics = SegmentAnalytics.fromConfig(config, options as unknown as undefined);
    expect(() => analytics.captureEvent({ action: 'click', subject: 'x', context: { pluginId: 'p', routeRef: 'r', extension: 'e' } })).not.toThrow();
    expect(error).not.toHaveBeenCalled();
  });
});
