import { Content, Link } from '@backstage/core-components';
import { createFrontendPlugin, createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';

// Route refs make the app's route tracker attribute each navigate event to
// this plugin and page (pluginId, extensionId); without one it reports app/root.
const pageOneRouteRef = createRouteRef();
const pageTwoRouteRef = createRouteRef();

/** Page one of the New Frontend System harness; links to page two. */
const NfsPageOne = () => (
  <Content>
    <h2 data-testid="nfs-one">New Frontend System: page one</h2>
    <Link to="/nfs-two" data-testid="nfs-one-link">
      Go to page two
    </Link>
  </Content>
);

/** Page two of the New Frontend System harness; links back to page one. */
const NfsPageTwo = () => (
  <Content>
    <h2 data-testid="nfs-two">New Frontend System: page two</h2>
    <Link to="/nfs-one" data-testid="nfs-two-link">
      Back to page one
    </Link>
  </Content>
);

/**
 * Two pages that link to each other, so that the New Frontend System harness
 * has in-app navigation (and referrers) to report.
 */
export const nfsPagesPlugin = createFrontendPlugin({
  pluginId: 'nfs-pages',
  title: 'Segment NFS harness',
  routes: { one: pageOneRouteRef, two: pageTwoRouteRef },
  extensions: [
    PageBlueprint.make({
      name: 'one',
      params: { path: '/nfs-one', routeRef: pageOneRouteRef, title: 'NFS page one', loader: async () => <NfsPageOne /> },
    }),
    PageBlueprint.make({
      name: 'two',
      params: { path: '/nfs-two', routeRef: pageTwoRouteRef, title: 'NFS page two', loader: async () => <NfsPageTwo /> },
    }),
  ],
});
