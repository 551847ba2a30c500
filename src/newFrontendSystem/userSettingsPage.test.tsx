import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { AppRootElementBlueprint, ApiHolder, useApiHolder } from '@backstage/frontend-plugin-api';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
// The catalog plugin's API and entity route, which the settings page's General tab uses.
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import { segmentAnalyticsModule } from './segmentModule';
import { segmentConsentApiRef, SegmentConsentState } from '../consent/SegmentConsentApi';
import { quietSettingsPageWarnings } from '../__testUtils__/settingsPageWarnings';

// The module with the real settings page of @backstage/plugin-user-settings
// (its New Frontend System plugin, `page:user-settings` at /settings), as an
// app that installed and configured both, and wrote no code, would have them.

const appConfig = {
  app: { baseUrl: 'http://localhost:3000', analytics: { segment: { testMode: true } } },
  backend: { baseUrl: 'http://localhost:7007' },
};

// The settings page's own warnings kept out of the output; none may be the module's.
const expectNoWarningOfTheModule = quietSettingsPageWarnings();

/** Renders the app at `path`; resolves with the app's API holder. */
function renderApp(path: string, storageApi = mockApis.storage()) {
  let apis: ApiHolder | undefined;
  // Only to read the app's APIs from the test: renders nothing.
  const ApiProbe = () => {
    apis = useApiHolder();
    return null;
  };
  renderTestApp({
    config: appConfig,
    features: [segmentAnalyticsModule, userSettingsPlugin],
    // The General tab shows the user's profile from the catalog and links to its pages, as in an app.
    apis: [mockApis.identity({ userEntityRef: 'user:default/nfs' }), storageApi, [catalogApiRef, catalogApiMock()]],
    mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    extensions: [AppRootElementBlueprint.make({ name: 'api-probe', params: { element: <ApiProbe /> } })],
    initialRouteEntries: [path],
  });
  return { storageApi, apis: () => apis! };
}

const stored = (storageApi: ReturnType<typeof mockApis.storage>) =>
  storageApi.forBucket('segment-analytics').snapshot('consent').value;

/** The app's `segmentConsentApiRef`, its state as `decision$()` tells it. */
async function decisionOf(apis: ApiHolder): Promise<SegmentConsentState> {
  const consent = apis.get(segmentConsentApiRef);
  if (!consent) throw new Error('no segmentConsentApiRef in the app');
  let last: SegmentConsentState = { status: 'unknown' };
  const subscription = consent.decision$().subscribe(state => {
    last = state;
  });
  await waitFor(() => expect(last.status).not.toBe('unknown'));
  subscription.unsubscribe();
  return last;
}

describe('the module with the real settings page of @backstage/plugin-user-settings (New Frontend System)', () => {
  it('shows a Usage analytics tab beside General; its switch turns analytics off for this user', async () => {
    const { storageApi, apis } = renderApp('/settings');

    // The page opens on its first tab, General; ours is beside it.
    const general = await screen.findByRole('tab', { name: 'General' }, { timeout: 15_000 });
    expect(await screen.findByText('Appearance', {}, { timeout: 15_000 })).toBeInTheDocument(); // the General tab, working
    const tabs = within(general.closest('[role=tablist]') as HTMLElement).getAllByRole('tab');
    expect(tabs.map(t => t.textContent)).toEqual(['General', 'Authentication Providers', 'Feature Flags', 'Usage analytics']);
    expect(await decisionOf(apis())).toEqual({ status: 'granted', byUser: false });

    fireEvent.click(screen.getByRole('tab', { name: 'Usage analytics' }));
    expect(await screen.findByText(/records how you use it/, {}, { timeout: 15_000 })).toBeInTheDocument();
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'true'));

    fireEvent.click(screen.getByRole('switch'));
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'false'));
    expect(stored(storageApi)).toMatchObject({ decision: 'denied' });
    expect(await decisionOf(apis())).toMatchObject({ status: 'denied', byUser: true });
    expectNoWarningOfTheModule();
  }, 30_000);

  it('the tab has its own address, /settings/usage-analytics, and shows the stored choice', async () => {
    const storageApi = mockApis.storage();
    await storageApi.forBucket('segment-analytics').set('consent', { decision: 'denied' });
    renderApp('/settings/usage-analytics', storageApi);
    expect(await screen.findByText(/records how you use it/, {}, { timeout: 15_000 })).toBeInTheDocument();
    expect(screen.getByRole('tab', { name: 'Usage analytics' })).toHaveAttribute('aria-selected', 'true');
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'false'));

    fireEvent.click(screen.getByRole('switch'));
    await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'true'));
    expect(stored(storageApi)).toMatchObject({ decision: 'granted' });
    expectNoWarningOfTheModule();
  }, 30_000);
});
