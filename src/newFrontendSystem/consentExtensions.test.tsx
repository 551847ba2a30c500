import { screen } from '@testing-library/react';
import { PageBlueprint, storageApiRef, useApiHolder } from '@backstage/frontend-plugin-api';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { segmentAnalyticsModule } from './segmentModule';
import { segmentConsentApiRef } from '../consent/SegmentConsentApi';

// The tab on the real settings page of @backstage/plugin-user-settings: userSettingsPage.test.tsx.
// Here: the app without that plugin.

const appConfig = {
  app: { baseUrl: 'http://localhost:3000', analytics: { segment: { testMode: true } } },
  backend: { baseUrl: 'http://localhost:7007' },
};

beforeEach(() => jest.spyOn(console, 'info').mockImplementation(() => {}));
afterEach(() => jest.restoreAllMocks());

describe('the module in the New Frontend System', () => {
  it('without the user-settings plugin: provides segmentConsentApiRef all the same (the app has a StorageApi)', async () => {
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
