import { Content, Header, InfoCard, Link, Page } from '@backstage/core-components';
import { AnalyticsContext, useAnalytics } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import { ReceivedEvents } from './ReceivedEvents';
import { PrivacyCard } from './PrivacyCard';

const ENTITY_REF = 'component:default/playground-service';

/** Buttons that fire every core Backstage action through the Analytics API. */
const Actions = () => {
  const analytics = useAnalytics();
  const fire = (label: string, action: () => void) => (
    <Button variant="outlined" onClick={action} data-testid={`fire-${label}`} style={{ margin: 4 }}>
      {label}
    </Button>
  );
  return (
    <>
      {fire('search', () => analytics.captureEvent('search', 'segment analytics', { value: 12 }))}
      {fire('discover', () =>
        analytics.captureEvent('discover', 'Search result: Segment module', { value: 1, attributes: { to: '/docs' } }),
      )}
      {fire('create', () => analytics.captureEvent('create', 'playground-service', { value: 3 }))}
      {fire('not-found', () => analytics.captureEvent('not-found', '/no/such/page'))}
      {fire('custom', () =>
        analytics.captureEvent('deploy', 'playground-service', {
          value: 42,
          attributes: { environment: 'staging', dryRun: true },
        }),
      )}
      {fire('huge', () => analytics.captureEvent('paste', 'x'.repeat(40 * 1024)))}
    </>
  );
};

/** The dev harness's page: fire events, and see what the collector received. */
export const PlaygroundPage = () => (
  <Page themeId="tool">
    <Header title="Segment analytics playground" subtitle="Every action below goes through SegmentAnalytics" />
    <Content>
      <Grid container spacing={3}>
        <Grid item xs={12} md={5}>
          <InfoCard title="Fire events">
            <p>
              Links send <code>click</code>; moving between pages sends <code>navigate</code> (a Segment page call).
            </p>
            <p>
              <Link to="/second" data-testid="second-link">
                Go to the second page
              </Link>
            </p>
            <AnalyticsContext attributes={{ entityRef: ENTITY_REF }}>
              <Actions />
            </AnalyticsContext>
          </InfoCard>
          <div style={{ marginTop: 24 }}>
            <PrivacyCard />
          </div>
        </Grid>
        <Grid item xs={12} md={7}>
          <ReceivedEvents />
        </Grid>
      </Grid>
    </Content>
  </Page>
);
