import { InfoCard, Link } from '@backstage/core-components';
import { useAnalytics } from '@backstage/core-plugin-api';

/** A pasted link carrying credentials, as an OAuth redirect or a shared URL does. */
export const TOKEN_LINK = '/second?token=pasted-s3cr3t&code=abc&state=xyz#access_token=t';

/** An e-mail address typed into search. */
export const SEARCHED_EMAIL = 'jane.doe@example.com';

/**
 * The playground's privacy section: events whose URLs and terms must not
 * leave the browser as they are. The collector view beside it shows what
 * actually went out.
 */
export const PrivacyCard = () => {
  const analytics = useAnalytics();
  // As Backstage search does: the term goes into the URL, and a search event is sent.
  const searchEmail = () => analytics.captureEvent('search', SEARCHED_EMAIL, { value: 2 });
  return (
    <InfoCard title="Privacy">
      <p>
        Credential-like query parameters (<code>code</code>, <code>state</code>, <code>token</code>,{' '}
        <code>access_token</code>, ...) are always sent as <code>[redacted]</code>; e-mail addresses are with{' '}
        <code>redact.emails: true</code> (set in the harness's <code>app-config.yaml</code>). Search terms,
        patterns, event rules and allow-lists: see the README, "Privacy and governance".
      </p>
      <p>
        <Link to={TOKEN_LINK} data-testid="privacy-token-link">
          Open a link with a token in its query
        </Link>
      </p>
      <p>
        <Link
          to={`/playground?query=${encodeURIComponent(SEARCHED_EMAIL)}`}
          onClick={searchEmail}
          data-testid="privacy-search-email"
        >
          Search for an e-mail address
        </Link>
      </p>
    </InfoCard>
  );
};
