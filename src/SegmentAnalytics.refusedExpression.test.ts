import { ConfigReader } from '@backstage/config';
import { SegmentAnalytics } from './SegmentAnalytics';
import { advanceUntil } from './__testUtils__/fakeTime';
import { userIdentity } from './__testUtils__/identityApis';

// The regular expression engine as a browser gets it: its chunk takes a while to load (here 300 ms, longer than
// the identity takes), then it refuses an expression JavaScript accepts.
jest.mock('./privacy/expressionEngine', () => {
  const actual = jest.requireActual('./privacy/expressionEngine');
  return {
    ...actual,
    prepareExpressions: (...args: unknown[]) => new Promise(resolve => setTimeout(resolve, 300)).then(() => actual.prepareExpressions(...args)),
  };
});

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

describe('an expression the engine refuses, found after the identity is known', () => {
  it('test mode logs no identify and no event, only the one error; nothing is left unhandled', async () => {
    jest.useFakeTimers();
    const info = jest.spyOn(console, 'info').mockImplementation(() => {});
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const segment = { testMode: true, redact: { patterns: ['ok', '\\p{Script=Greek}+'] } };
      const analytics = SegmentAnalytics.fromConfig(new ConfigReader({ app: { analytics: { segment } } }), {
        identityApi: userIdentity('user:default/jane'),
      });
      analytics.captureEvent({ action: 'click', subject: 'x', context });
      await advanceUntil(() => expect(error).toHaveBeenCalled());
      // A minute more: what would be logged or left unhandled after the error has had its turn (identity and consent waits too).
      await jest.advanceTimersByTimeAsync(60_000);
      expect(error.mock.calls.map(call => String(call[0]))).toEqual([
        expect.stringMatching(/^Segment analytics is off: Invalid config app\.analytics\.segment\.redact\.patterns\[1\]: /),
      ]);
      expect(info.mock.calls.map(call => String(call[0])).filter(line => /identify|track|page/.test(line))).toEqual([]);
      expect(unhandled).toEqual([]);
    } finally {
      process.off('unhandledRejection', record);
      info.mockRestore();
      error.mockRestore();
      jest.useRealTimers();
    }
  });
});
