import { screen, waitFor } from '@testing-library/react';
import { createFrontendPlugin, PageBlueprint, storageApiRef, useApiHolder } from '@backstage/frontend-plugin-api';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { segmentAnalyticsModule } from './segmentModule';
import { segmentConsentApiRef } from '../consent/SegmentConsentApi';

// A stand-in for @backstage/plugin-user-settings' New Frontend System page:
// the page `page:user-settings`, whose sub-pages (input `pages`) are its tabs.
const userSettings = createFrontendPlugin({
  pluginId: 'user-settings',
  extensions: [PageBlueprint.make({ params: { path: '/settings', title: 'Settings' } })],
});

const appConfig = {
  app: { baseUrl: 'http://localhost:3000', analytics: { segment: { testMode: true } } },
  backend: { baseUrl: 'http://localhost:7007' },
};

beforeEach(() => jest.spyOn(console, 'info').mockImplementation(() => {}));
afterEach(() => jest.restoreAllMocks());

describe('the module in the New Frontend System', () => {
  it('adds the Usage analytics tab to the settings page, with its switch, and no code from the app', async () => {
    renderTestApp({
      config: appConfig,
      features: [segmentAnalyticsModule, userSettings],
      apis: [mockApis.identity({ userEntityRef: 'user:default/nfs' })],
      initialRouteEntries: ['/settings/usage-analytics'],
    });
    expect(await screen.findByText(/records how you use it/, {}, { timeout: 15_000 })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'true'));
  }, 20_000);

  it('provides segmentConsentApiRef (the app has a StorageApi)', async () => {
    let seen: unknown;
    const Probe = () => {
      const apis = useApiHolder();
      seen = apis.get(segmentConsentApiRef);
      return <div data-testid="probe">{String(!!apis.get(storageApiRef))}</div>;
    };
    renderTestApp({
      config: appConfig,
      features: [segmentAnalyticsModule],
      apis: [mockApis.identity({ userEntityRef: 'user:default/nfs' })],
      extensions: [PageBlueprint.make({ params: { path: '/probe', loader: async () => <Probe /> } })],
      initialRouteEntries: ['/probe'],
    });
    expect(await screen.findByTestId('probe', {}, { timeout: 15_000 })).toHaveTextContent('true');
    expect(seen).toEqual(expect.objectContaining({ setDecision: expect.any(Function), decision$: expect.any(Function) }));
  }, 20_000);
});
