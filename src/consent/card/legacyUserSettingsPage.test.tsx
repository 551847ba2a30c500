import { fireEvent, screen, waitFor, within } from '@testing-library/react';
// An app's routes (the README's lines); the package itself never imports react-router (the rule wants
// it as a peer dependency of a package that would).
// eslint-disable-next-line @backstage/no-undeclared-imports
import { Route } from 'react-router-dom';
import { ConfigReader } from '@backstage/config';
import { FlatRoutes } from '@backstage/core-app-api';
import { analyticsApiRef, configApiRef, identityApiRef, storageApiRef } from '@backstage/core-plugin-api';
import { SettingsLayout, UserSettingsPage, userSettingsPlugin } from '@backstage/plugin-user-settings';
// The catalog plugin's API and entity route, which the settings page's General tab uses.
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import { mockApis, renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { SegmentAnalytics, SegmentUsageAnalyticsSettings } from '../../index';
import { quietSettingsPageWarnings } from '../../__testUtils__/settingsPageWarnings';

// The legacy frontend system with the real settings page of
// @backstage/plugin-user-settings, wired as the README says: `storageApi`
// given to `SegmentAnalytics.fromConfig`, and the card added to the
// `/settings` route of the app's `<FlatRoutes>` as a `SettingsLayout.Route`.

// The settings page's own warnings kept out of the output; none may be the module's.
const expectNoWarningOfTheModule = quietSettingsPageWarnings();

it("the README's lines add a Usage analytics tab beside General to the legacy UserSettingsPage; its switch stores the user's choice", async () => {
  const configApi = new ConfigReader({ app: { analytics: { segment: { testMode: true } } } });
  const identityApi = mockApis.identity({ userEntityRef: 'user:default/legacy' });
  const storageApi = mockApis.storage();
  const analyticsApi = SegmentAnalytics.fromConfig(configApi, { identityApi, storageApi });

  await renderInTestApp(
    <TestApiProvider
      apis={[
        [configApiRef, configApi],
        [identityApiRef, identityApi],
        [storageApiRef, storageApi],
        [analyticsApiRef, analyticsApi],
        // The General tab shows the user's profile from the catalog, as in an app.
        [catalogApiRef, catalogApiMock()],
      ]}
    >
      <FlatRoutes>
        {/* The README's lines, as they stand in packages/app/src/App.tsx. */}
        <Route path="/settings" element={<UserSettingsPage />}>
          <SettingsLayout.Route path="usage-analytics" title="Usage analytics">
            <SegmentUsageAnalyticsSettings />
          </SettingsLayout.Route>
        </Route>
      </FlatRoutes>
    </TestApiProvider>,
    {
      routeEntries: ['/settings'],
      // The General tab links the user's entities to their catalog pages.
      mountedRoutes: { '/settings': userSettingsPlugin.routes.settingsPage, '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );

  const general = await screen.findByRole('tab', { name: 'General' }, { timeout: 15_000 });
  expect(await screen.findByText('Appearance')).toBeInTheDocument(); // the General tab, working
  const tabs = within(general.closest('[role=tablist]') as HTMLElement).getAllByRole('tab');
  expect(tabs.map(t => t.textContent)).toEqual(['General', 'Authentication Providers', 'Feature Flags', 'Usage analytics']);

  fireEvent.click(screen.getByRole('tab', { name: 'Usage analytics' }));
  expect(await screen.findByText(/records how you use it/, {}, { timeout: 15_000 })).toBeInTheDocument();
  await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'true'));

  fireEvent.click(screen.getByRole('switch'));
  await waitFor(() => expect(screen.getByRole('switch')).toHaveAttribute('aria-checked', 'false'));
  expect(storageApi.forBucket('segment-analytics').snapshot('consent').value).toMatchObject({ decision: 'denied' });
  expectNoWarningOfTheModule();
}, 30_000);
