import { act, screen, waitFor } from '@testing-library/react';
import {
  appTreeApiRef,
  configApiRef,
  identityApiRef,
  storageApiRef,
  PageBlueprint,
  useApi,
} from '@backstage/frontend-plugin-api';
import { AnalyticsImplementationBlueprint } from '@backstage/plugin-app-react';
import { createExtensionTester, mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { SegmentAnalytics } from '../SegmentAnalytics';
import packageDefault, { segmentAnalyticsModule as fromIndex } from '..';
import { segmentAnalyticsImplementation, segmentAnalyticsModule } from './segmentModule';
import { TITLE_WAIT_MS } from '../mapping/pageHistory';

// printf 'user:default/nfs-tester' | sha256sum
const TESTER_REF = 'user:default/nfs-tester';
const TESTER_SHA256 = '7d9bf80cc68475cfece75a82810a7628603258561ed02b1bf8647300a0c6a9ce';

const segmentConfig = { testMode: true, userIdTransform: 'sha-256' };
const appConfig = {
  app: { baseUrl: 'http://localhost:3000', analytics: { segment: segmentConfig } },
  backend: { baseUrl: 'http://localhost:7007' },
};

let info: jest.SpyInstance;
let fetchSpy: jest.SpyInstance;
/** What a test-mode SegmentAnalytics logged, one line per call. */
const logLines = () => info.mock.calls.map(call => String(call[0]));
/** Everything it logged, arguments included, as one string. */
const everythingLogged = () => JSON.stringify(info.mock.calls);

beforeEach(() => {
  info = jest.spyOn(console, 'info').mockImplementation(() => {});
  fetchSpy = jest.spyOn(globalThis, 'fetch');
});
afterEach(() => jest.restoreAllMocks());

describe('segmentAnalyticsModule', () => {
  it('is a module of the app plugin carrying analytics:app/segment, the consent API and the settings tab', () => {
    expect(segmentAnalyticsModule.$$type).toBe('@backstage/FrontendModule');
    expect(segmentAnalyticsModule.pluginId).toBe('app');

    // FrontendModule is opaque in the public types; its runtime form (v1)
    // lists the resolved extensions, namespaced by the plugin id.
    const { extensions } = segmentAnalyticsModule as unknown as {
      extensions: { id: string; attachTo: unknown; disabled: boolean }[];
    };
    expect(extensions).toHaveLength(3);
    expect(extensions[0]).toMatchObject({
      id: 'analytics:app/segment',
      attachTo: { id: 'api:app/analytics', input: 'implementations' },
      disabled: false,
    });
    // The user's own choice (issue 18): its API, and the "Usage analytics" tab of @backstage/plugin-user-settings.
    expect(extensions[1]).toMatchObject({ id: 'api:app/segment-consent', disabled: false });
    expect(extensions[2]).toMatchObject({
      id: 'sub-page:app/usage-analytics',
      attachTo: { id: 'page:user-settings', input: 'pages' },
      disabled: false,
    });
  });

  it('is both the named and the default export of the package (feature discovery)', () => {
    expect(fromIndex).toBe(segmentAnalyticsModule);
    expect(packageDefault).toBe(segmentAnalyticsModule);
  });

  it('declares the config, identity and storage APIs as its only dependencies', () => {
    const { deps } = createExtensionTester(segmentAnalyticsImplementation).get(
      AnalyticsImplementationBlueprint.dataRefs.factory,
    );
    expect(Object.keys(deps).sort()).toEqual(['configApi', 'identityApi', 'storageApi']);
    expect(deps).toEqual({ configApi: configApiRef, identityApi: identityApiRef, storageApi: storageApiRef });
  });

  it('builds a SegmentAnalytics that pseudonymizes the user and turns navigate into a page call', async () => {
    const { factory } = createExtensionTester(segmentAnalyticsImplementation).get(
      AnalyticsImplementationBlueprint.dataRefs.factory,
    );
    const analytics = factory({
      configApi: mockApis.config({ data: appConfig }),
      identityApi: mockApis.identity({ userEntityRef: TESTER_REF }),
    });
    expect(analytics).toBeInstanceOf(SegmentAnalytics);

    analytics.captureEvent({
      action: 'navigate',
      subject: '/catalog',
      context: { pluginId: 'catalog', extensionId: 'page:catalog' },
    });
    analytics.captureEvent({
      action: 'click',
      subject: 'Open',
      context: { pluginId: 'catalog', extensionId: 'page:catalog' },
    });

    // A page call waits (at most TITLE_WAIT_MS) for its page to set its title; jsdom's never changes.
    await waitFor(() => expect(logLines()).toHaveLength(3), { timeout: TITLE_WAIT_MS + 1500 });
    expect(logLines()).toEqual([
      `[segment test mode] identify("${TESTER_SHA256}")`,
      '[segment test mode] analytics.page()',
      '[segment test mode] analytics.track("click")',
    ]);
    expect(info.mock.calls[1][1]).toMatchObject({
      subject: '/catalog',
      action: 'navigate',
      pluginId: 'catalog',
      extensionId: 'page:catalog',
      category: 'page:catalog',
    });
    expect(info.mock.calls[1][2]).toMatchObject({ userId: TESTER_SHA256 });
    expect(everythingLogged()).not.toContain(TESTER_REF);
    expect(fetchSpy).not.toHaveBeenCalled();
  });

  it('is wired into a real app: the analytics API of the app plugin uses it', async () => {
    // core-components' JSS styles trip over jsdom's CSSOM ("processedRuleToParse
    // is not defined"); keep that noise out, and anything else visible.
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    const TreeProbe = () => {
      const { tree } = useApi(appTreeApiRef).getTree();
      const node = tree.nodes.get('analytics:app/segment');
      return (
        <div data-testid="probe">
          {node?.edges.attachedTo?.node.spec.id}/{node?.edges.attachedTo?.input}
        </div>
      );
    };
    renderTestApp({
      config: appConfig,
      features: [segmentAnalyticsModule],
      apis: [mockApis.identity({ userEntityRef: TESTER_REF })],
      extensions: [PageBlueprint.make({ params: { path: '/probe', loader: async () => <TreeProbe /> } })],
      initialRouteEntries: ['/probe'],
    });

    expect(await screen.findByTestId('probe')).toHaveTextContent('api:app/analytics/implementations');
    // The app's route tracker captures a navigate event on the first render.
    const isProbePage = (call: any[]) => call[0] === '[segment test mode] analytics.page()' && call[1]?.subject === '/probe';
    await waitFor(() => expect(info.mock.calls.some(isProbePage)).toBe(true), { timeout: TITLE_WAIT_MS + 1500 });
    const page = info.mock.calls.find(isProbePage)!;
    expect(page[1]).toMatchObject({ action: 'navigate', subject: '/probe' });
    expect(page[2].userId).toBe(TESTER_SHA256);
    expect(everythingLogged()).not.toContain(TESTER_REF);
    expect(fetchSpy).not.toHaveBeenCalled();
    const otherWarnings = warn.mock.calls.filter(call => !String(call[0]).includes('[JSS]'));
    expect(otherWarnings).toEqual([]);
  });
});

describe('segmentAnalyticsModule never breaks the app', () => {
  const ProbePage = () => <div data-testid="probe">rendered</div>;
  const renderWith = (segment: unknown) =>
    renderTestApp({
      config: {
        app: {
          baseUrl: 'http://localhost:3000',
          ...(segment === undefined ? {} : { analytics: { segment } }),
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
