import { Content, Header, Link, Page } from '@backstage/core-components';

/** A second page, so that navigation and referrers can be seen. */
export const SecondPage = () => (
  <Page themeId="tool">
    <Header title="Second page" subtitle="Navigate back to see a page call with this page as referrer" />
    <Content>
      <Link to="/playground" data-testid="back-link">
        Back to the playground
      </Link>
    </Content>
  </Page>
);
