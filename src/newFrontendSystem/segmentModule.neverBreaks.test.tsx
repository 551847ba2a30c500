import { act, screen } from '@testing-library/react';
import { PageBlueprint } from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationBlueprint } from '@backstage/plugin-app-react';
import { createExtensionTester, mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { SegmentAnalytics } from '../SegmentAnalytics';
import { segmentAnalyticsImplementation, segmentAnalyticsModule } from './segmentModule';

// The module in an app whose config is missing or invalid (its own file, so
// that jest runs these app renders beside those of segmentModule.test.tsx).

const TESTER_REF = 'user:default/nfs-tester';

const appConfig = {
  app: { baseUrl: 'http://localhost:3000', analytics: { segment: { testMode: true, userIdTransform: 'sha-256' } } },
  backend: { baseUrl: 'http://localhost:7007' },
};

let info: jest.SpyInstance;
let fetchSpy: jest.SpyInstance;
/** What a test-mode SegmentAnalytics logged, one line per call. */
const logLines = () => info.mock.calls.map(call => String(call[0]));

beforeEach(() => {
  info = jest.spyOn(console, 'info').mockImplementation(() => {});
  fetchSpy = jest.spyOn(globalThis, 'fetch');
});
afterEach(() => jest.restoreAllMocks());

describe('segmentAnalyticsModule never breaks the app', () => {
  const ProbePage = () => <div data-testid="probe">rendered</div>;
  const renderWith = (segment: unknown, analytics: unknown = segment === undefined ? undefined : { segment }) =>
    renderTestApp({
      config: {
        app: {
          baseUrl: 'http://localhost:3000',
          ...(analytics === undefined ? {} : { analytics }),
        },
        backend: { baseUrl: 'http://localhost:7007' },
      },
      features: [segmentAnalyticsModule],
      apis: [mockApis.identity({ userEntityRef: TESTER_REF })],
      extensions: [PageBlueprint.make({ params: { path: '/probe', loader: async () => <ProbePage /> } })],
      initialRouteEntries: ['/probe'],
    });
  /** Every console line mentioning Segment. */
  const segmentLines = (spy: jest.SpyInstance) =>
    spy.mock.calls.map(call => String(call[0])).filter(line => /segment/i.test(line));

  let error: jest.SpyInstance;
  beforeEach(() => {
    // No network here: the waits after rendering run on fake time.
    jest.useFakeTimers();
    error = jest.spyOn(console, 'error').mockImplementation(() => {});
    jest.spyOn(console, 'warn').mockImplementation(() => {});
  });
  afterEach(() => jest.useRealTimers());

  it('without an app.analytics.segment block: the app renders, analytics is off, one info line', async () => {
    renderWith(undefined);
    expect(await screen.findByTestId('probe')).toHaveTextContent('rendered');
    // The route tracker has captured the first navigation by now.
    await act(() => jest.advanceTimersByTimeAsync(250));
    expect(segmentLines(info)).toEqual(['Segment analytics is off: no app.analytics.segment block in app-config.yaml']);
    expect(segmentLines(error)).toEqual([]);
    expect(logLines().filter(line => line.startsWith('[segment'))).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it.each([false, 'off', 0])('with app.analytics: %p (not an object): the app renders, analytics is off, one info line', async analytics => {
    renderWith(undefined, analytics);
    expect(await screen.findByTestId('probe')).toHaveTextContent('rendered');
    await act(() => jest.advanceTimersByTimeAsync(250));
    expect(segmentLines(info)).toEqual(['Segment analytics is off: no app.analytics.segment block in app-config.yaml']);
    expect(segmentLines(error)).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  const invalidBlocks = [
    { name: 'an unknown region', segment: { writeKey: 'k', region: 'asia' }, key: 'app.analytics.segment.region' },
    { name: 'no write key', segment: { enabled: true }, key: 'app.analytics.segment.writeKey' },
    { name: 'a cdnURL without a scheme', segment: { writeKey: 'k', cdnURL: 'cdn.example.com' }, key: 'app.analytics.segment.cdnURL' },
    { name: 'a block that is not an object', segment: 'on', key: 'app.analytics.segment' },
  ];
  it.each(invalidBlocks)('with $name: the app renders, one console.error names $key, nothing is sent', async ({ segment, key }) => {
    renderWith(segment);
    expect(await screen.findByTestId('probe')).toHaveTextContent('rendered');
    await act(() => jest.advanceTimersByTimeAsync(250));
    const errors = segmentLines(error);
    expect(errors).toHaveLength(1);
    expect(errors[0]).toContain(key);
    expect(logLines().filter(line => line.startsWith('[segment'))).toEqual([]);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('the factory gives a no-op implementation for an invalid block and a SegmentAnalytics for a valid one', () => {
    const { factory } = createExtensionTester(segmentAnalyticsImplementation).get(
      AnalyticsImplementationBlueprint.dataRefs.factory,
    );
    const identityApi = mockApis.identity({ userEntityRef: TESTER_REF });
    const broken = factory({
      configApi: mockApis.config({ data: { app: { analytics: { segment: { writeKey: 'k', region: 'asia' } } } } }),
      identityApi,
    });
    expect(broken).not.toBeInstanceOf(SegmentAnalytics);
    expect(() => broken.captureEvent({ action: 'click', subject: 'x', context: {} as any })).not.toThrow();
    expect(factory({ configApi: mockApis.config({ data: appConfig }), identityApi })).toBeInstanceOf(SegmentAnalytics);
  });
});
