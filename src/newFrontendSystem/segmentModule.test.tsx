import { screen } from '@testing-library/react';
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
import { advanceUntil } from '../__testUtils__/fakeTime';

// printf 'user:default/nfs-tester' | sha256sum
const TESTER_REF = 'user:default/nfs-tester';
const TESTER_SHA256 = '7d9bf80cc68475cfece75a82810a7628603258561ed02b1bf8647300a0c6a9ce';

// The identity's digest is real WebCrypto, answered in real time while fake time runs on: a long identity bound
// keeps a machine busy with other suites from sending the calls anonymous (the bound is not what is tested here).
const segmentConfig = { testMode: true, userIdTransform: 'sha-256', identityTimeoutMs: 60_000 };
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
afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

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
    jest.useFakeTimers();
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
    await advanceUntil(() => expect(logLines()).toHaveLength(3));
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
    jest.useFakeTimers();
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
    await advanceUntil(() => expect(info.mock.calls.some(isProbePage)).toBe(true));
    const page = info.mock.calls.find(isProbePage)!;
    expect(page[1]).toMatchObject({ action: 'navigate', subject: '/probe' });
    expect(page[2].userId).toBe(TESTER_SHA256);
    expect(everythingLogged()).not.toContain(TESTER_REF);
    expect(fetchSpy).not.toHaveBeenCalled();
    const otherWarnings = warn.mock.calls.filter(call => !String(call[0]).includes('[JSS]'));
    expect(otherWarnings).toEqual([]);
  });
});
