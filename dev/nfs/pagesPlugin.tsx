import { Content, Link } from '@backstage/core-components';
import { createFrontendPlugin, createRouteRef, PageBlueprint } from '@backstage/frontend-plugin-api';

// Route refs make the app's route tracker attribute each navigate event to
// this plugin and page (pluginId, extensionId); without one it reports app/root.
const pageOneRouteRef = createRouteRef();
const pageTwoRouteRef = createRouteRef();

/** A page of the New Frontend System harness, linking to the other one. */
const NfsPage = (props: { name: 'one' | 'two'; title: string; other: 'one' | 'two'; linkText: string }) => (
  <Content>
    <h2 data-testid={`nfs-${props.name}`}>{props.title}</h2>
    <Link to={`/nfs-${props.other}`} data-testid={`nfs-${props.name}-link`}>
      {props.linkText}
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
      params: { path: '/nfs-one', routeRef: pageOneRouteRef, title: 'NFS page one', loader: async () => (
          <NfsPage name="one" title="New Frontend System: page one" other="two" linkText="Go to page two" />
        ) },
    }),
    PageBlueprint.make({
      name: 'two',
      params: { path: '/nfs-two', routeRef: pageTwoRouteRef, title: 'NFS page two', loader: async () => (
          <NfsPage name="two" title="New Frontend System: page two" other="one" linkText="Back to page one" />
        ) },
    }),
  ],
});
