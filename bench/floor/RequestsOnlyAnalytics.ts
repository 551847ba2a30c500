// The floor under the default configuration's cost, written for the
// benchmark only: one request per event and nothing else. Each event is
// posted as the Segment library's standard delivery posts it (a text/plain
// JSON body to `<apiHost>/t` or `/p`, about as many bytes as the module
// sends), at most 64 requests in flight (as the module hands calls over), and
// that is all: no library, no storage, no enrichment, no retries. What a page
// pays per event here is what any implementation that sends each event as
// its own request pays at least, so the ratio of this page to the naive page
// is the lowest the default configuration could reach on the same machine.
import type { Config } from '@backstage/config';
import type { AnalyticsApi, AnalyticsEvent, IdentityApi } from '@backstage/core-plugin-api';

/** Requests in flight at once, as the module's hand-over allows. */
const IN_FLIGHT = 64;

/** One call, ready to post. */
type Call = { path: 't' | 'p' | 'i'; body: Record<string, unknown> };

/** See the file's comment. */
export class RequestsOnlyAnalytics implements AnalyticsApi {
  /** Reads `writeKey` and `apiHost` (a full URL) of `app.analytics.segment`. */
  static fromConfig(config: Config, options: { identityApi?: IdentityApi } = {}): RequestsOnlyAnalytics {
    const segment = config.getConfig('app.analytics.segment');
    return new RequestsOnlyAnalytics(segment.getString('writeKey'), segment.getString('apiHost'), options.identityApi);
  }

  private readonly anonymousId = crypto.randomUUID();
  private userId: string | undefined;
  /** Calls made before the user is known, then calls waiting for room in flight. */
  private readonly waiting: Call[] = [];
  private inFlight = 0;

  private constructor(
    private readonly writeKey: string,
    private readonly apiHost: string,
    identityApi?: IdentityApi,
  ) {
    identityApi?.getBackstageIdentity().then(
      ({ userEntityRef }) => {
        this.userId = userEntityRef;
        this.waiting.unshift(this.call('i', { type: 'identify', traits: {} }));
        this.pump();
      },
      () => {},
    );
  }

  captureEvent(event: AnalyticsEvent): void {
    const { action, subject, value, attributes, context } = event;
    const { routeRef, pluginId, extension, ...additionalContext } = context;
    const properties = { subject, action, value, routeRef, pluginId, extensionId: extension, category: extension || 'app', attributes, additionalContext };
    const { href, pathname, search } = location;
    const page = { path: pathname, referrer: document.referrer, search, title: document.title, url: href };
    this.waiting.push(
      action === 'navigate'
        ? this.call('p', { type: 'page', properties: { ...page, ...properties } })
        : this.call('t', { type: 'track', event: action === 'create' ? subject : action, properties }),
    );
    this.pump();
  }

  /** A call with the fields and context each of the library's calls carries. */
  private call(path: Call['path'], fields: Record<string, unknown>): Call {
    const { href, pathname, search } = location;
    const { brands, mobile, platform } = (navigator as { userAgentData?: Record<string, unknown> }).userAgentData ?? {};
    return {
      path,
      body: {
        ...fields,
        messageId: `ajs-next-${crypto.randomUUID()}`,
        anonymousId: this.anonymousId,
        timestamp: new Date().toISOString(),
        integrations: {},
        context: {
          page: { path: pathname, referrer: document.referrer, search, title: document.title, url: href },
          userAgent: navigator.userAgent,
          userAgentData: { brands, mobile, platform },
          locale: navigator.language,
          library: { name: 'analytics.js', version: 'npm:next-1.84.3' },
          timezone: 'UTC',
        },
        writeKey: this.writeKey,
        _metadata: { bundled: ['Segment.io'], unbundled: [], bundledIds: [] },
      },
    };
  }

  /** Posts waiting calls while the user is known and there is room in flight. */
  private pump(): void {
    while (this.userId && this.inFlight < IN_FLIGHT && this.waiting.length) {
      const { path, body } = this.waiting.shift()!;
      this.inFlight++;
      const done = () => {
        this.inFlight--;
        this.pump();
      };
      fetch(`${this.apiHost}/${path}`, {
        method: 'post',
        headers: { 'Content-Type': 'text/plain' },
        body: JSON.stringify({ ...body, userId: this.userId, sentAt: new Date().toISOString() }),
      }).then(done, done);
    }
  }
}
