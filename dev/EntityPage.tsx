import { Content, Header, Link, Page } from '@backstage/core-components';
import { AnalyticsContext, useAnalytics } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';

/** What a catalog entity page sends besides its page view: a click in its context. */
const EntityActions = () => {
  const analytics = useAnalytics();
  return (
    <Button variant="outlined" onClick={() => analytics.captureEvent('click', 'Edit entity')} data-testid="entity-click">
      Edit
    </Button>
  );
};

/**
 * Stands in for the catalog's entity page (`/catalog/:namespace/:kind/:name`)
 * so that a user's own profile page can be opened in the dev app: titled
 * with the entity's name, its events carrying the entity ref, as the
 * catalog's are. With a `userIdTransform`, a user's page is sent under
 * their pseudonym.
 */
export const EntityPage = () => {
  const [namespace = 'default', kind = 'component', name = ''] = window.location.pathname
    .replace(/^.*?\/catalog\//, '')
    .split('/')
    .map(part => {
      try {
        return decodeURIComponent(part);
      } catch {
        return part;
      }
    });
  const entityRef = `${kind.toLocaleLowerCase('en-US')}:${namespace}/${name}`;
  // The catalog's title: the entity's title (here its name), and its namespace outside `default`.
  const title = namespace === 'default' ? name : `${name} in ${namespace}`;
  return (
    <AnalyticsContext attributes={{ entityRef }}>
      <Page themeId="home">
        <Header title={title} subtitle={`A stand-in for the catalog's page of ${entityRef}`} />
        <Content>
          <EntityActions />
          <p>
            <Link to={`/catalog/${namespace}/${kind}/${name}/ownership`} data-testid="entity-tab-link">
              Ownership
            </Link>
          </p>
        </Content>
      </Page>
    </AnalyticsContext>
  );
};
