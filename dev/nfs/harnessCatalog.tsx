import { ApiBlueprint, createFrontendPlugin, PageBlueprint } from '@backstage/frontend-plugin-api';
// The catalog's API and entity route, which the settings page's General tab (@backstage/plugin-user-settings)
// uses (the harness has no catalog).
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { EntityPage } from '../EntityPage';

type CatalogApi = typeof catalogApiRef.T;

/** A catalog that knows no entity: the harness has no catalog backend, and asks none. */
const emptyCatalog: Pick<CatalogApi, 'getEntityByRef' | 'getEntitiesByRefs'> = {
  getEntityByRef: async () => undefined,
  getEntitiesByRefs: async request => ({ items: request.entityRefs.map(() => undefined) }),
};

/**
 * The harness's stand-in for the catalog plugin: its API and its entity
 * page, so that the settings page's General tab shows the signed-in user
 * (from the identity alone) and links to their page.
 */
export const harnessCatalogPlugin = createFrontendPlugin({
  pluginId: 'catalog',
  routes: { catalogEntity: entityRouteRef },
  extensions: [
    ApiBlueprint.make({
      params: define => define({ api: catalogApiRef, deps: {}, factory: () => emptyCatalog as CatalogApi }),
    }),
    PageBlueprint.make({
      name: 'entity',
      params: { path: '/catalog/:namespace/:kind/:name', routeRef: entityRouteRef, loader: async () => <EntityPage /> },
    }),
  ],
});
