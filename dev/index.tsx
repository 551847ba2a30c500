import { createDevApp } from '@backstage/dev-utils';
import { analyticsApiRef, configApiRef, createApiFactory, identityApiRef, storageApiRef } from '@backstage/core-plugin-api';
import { SegmentAnalytics, SegmentUsageAnalyticsSettings } from '../src';
import { withHarnessIdentity } from './harnessIdentity';
import { harnessStorageApis } from './harnessStorage';
import { PlaygroundPage } from './PlaygroundPage';
import { SecondPage } from './SecondPage';
import { EntityPage } from './EntityPage';

const app = createDevApp();
// The user-settings backend's StorageApi, when an end-to-end test asks for it.
for (const storage of harnessStorageApis()) app.registerApi(storage);
app
  .registerApi(
    createApiFactory({
      api: analyticsApiRef,
      deps: { configApi: configApiRef, identityApi: identityApiRef, storageApi: storageApiRef },
      factory: ({ configApi, identityApi, storageApi }) =>
        SegmentAnalytics.fromConfig(configApi, { identityApi: withHarnessIdentity(identityApi), storageApi }),
    }),
  )
  .addPage({ path: '/playground', title: 'Playground', element: <PlaygroundPage /> })
  .addPage({ path: '/second', title: 'Second page', element: <SecondPage /> })
  .addPage({ path: '/catalog/:namespace/:kind/:name/*', element: <EntityPage /> })
  // The card of the settings page (in an app: a SettingsLayout.Route of @backstage/plugin-user-settings).
  .addPage({ path: '/usage-analytics', title: 'Usage analytics', element: <div style={{ padding: 24 }}><SegmentUsageAnalyticsSettings /></div> })
  .render();
