import { createDevApp } from '@backstage/dev-utils';
import { analyticsApiRef, configApiRef, createApiFactory, identityApiRef } from '@backstage/core-plugin-api';
import { SegmentAnalytics } from '../src';
import { withHarnessIdentity } from './harnessIdentity';
import { PlaygroundPage } from './PlaygroundPage';
import { SecondPage } from './SecondPage';
import { EntityPage } from './EntityPage';

createDevApp()
  .registerApi(
    createApiFactory({
      api: analyticsApiRef,
      deps: { configApi: configApiRef, identityApi: identityApiRef },
      factory: ({ configApi, identityApi }) =>
        SegmentAnalytics.fromConfig(configApi, { identityApi: withHarnessIdentity(identityApi) }),
    }),
  )
  .addPage({ path: '/playground', title: 'Playground', element: <PlaygroundPage /> })
  .addPage({ path: '/second', title: 'Second page', element: <SecondPage /> })
  .addPage({ path: '/catalog/:namespace/:kind/:name/*', element: <EntityPage /> })
  .render();
