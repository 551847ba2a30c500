import { nextMillisecond } from './__testUtils__/fakeTime';
import { UNDECIDED_RULE_WARNING } from './privacy/createPrivacy';
import { CollectedMessage } from './__testUtils__/loopbackCollector';
import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// Privacy controls against the real @segment/analytics-next, sending real
// HTTP to the embedded collector: what the library adds from `location`
// (identify's and group's page) must be redacted too.

const REF = 'user:default/jane.doe';
// Secret values no random id can contain (message and anonymous ids are hex: "abc" turned up in one).
const SECRET_PATH = '/cb?code=s3cr3t-code&state=s3cr3t-state#access_token=t';
const SECRETS = /s3cr3t|access_token=t\b|jane@example\.com|jane%40example\.com/;

const identityApi = userIdentity(REF);

const wire = setupWireCollector('privacy');
const create = (segment: object) => wire.create(segment, { identityApi });

const context = { routeRef: 'catalog', pluginId: 'catalog', extension: 'CatalogIndexPage' };

describe('privacy on the wire', () => {
  it('with no key set, no credential of the URL reaches the collector: not in page calls, not in identify', async () => {
    window.history.replaceState({}, '', SECRET_PATH);
    document.title = 'Signing in';
    const { analytics, waitFor } = create({ agent: { initialPageView: true } });
    analytics.captureEvent({ action: 'navigate', subject: SECRET_PATH, context });
    analytics.captureEvent({ action: 'click', subject: 'Continue', attributes: { to: SECRET_PATH }, context });

    // identify, the start page (agent.initialPageView), the navigate and the click
    const messages = await waitFor(m => m.length >= 4);
    expect(messages.map(m => m.type).sort()).toEqual(['identify', 'page', 'page', 'track']);
    expect(JSON.stringify(messages)).not.toMatch(SECRETS);
    for (const m of messages) {
      expect(m.context.page.search).toBe('?code=[redacted]&state=[redacted]');
    }
    const navigate = messages.find(m => m.type === 'page' && m.properties.action === 'navigate')!;
    // The page's URL without its fragment, as the library gives it; the subject is Backstage's, fragment included.
    expect(navigate.properties.url).toBe('http://localhost/cb?code=[redacted]&state=[redacted]');
    expect(navigate.properties.subject).toBe('/cb?code=[redacted]&state=[redacted]#access_token=[redacted]');
    const click = messages.find(m => m.type === 'track')!;
    expect(click.properties.attributes.to).toBe('/cb?code=[redacted]&state=[redacted]#access_token=[redacted]');
  });

  it('an e-mail typed into search reaches the collector nowhere; excluded events not at all', async () => {
    window.history.replaceState({}, '', '/search?query=jane%40example.com');
    const { analytics, waitFor } = create({
      redact: { searchTerms: true, emails: true },
      events: { exclude: [{ action: 'click', pluginId: 'catalog' }, { subject: '/^\\/admin/' }] },
    });
    analytics.captureEvent({ action: 'navigate', subject: '/search?query=jane%40example.com', context });
    analytics.captureEvent({ action: 'search', subject: 'jane@example.com', value: 3, context });
    analytics.captureEvent({ action: 'click', subject: 'excluded click', context });
    analytics.captureEvent({ action: 'navigate', subject: '/admin/users', context });
    analytics.captureEvent({ action: 'discover', subject: 'last', value: 1, context });

    // Each event is a request of its own: a retried one may arrive after a later one.
    const sent = (m: CollectedMessage[]) => ['search', 'discover'].every(e => m.some(x => x.event === e)) && m.some(x => x.type === 'page');
    const messages = await waitFor(sent);
    expect(JSON.stringify(messages)).not.toMatch(SECRETS);
    expect(JSON.stringify(messages)).not.toMatch(/excluded click|\/admin\/users/);
    const search = messages.find(m => m.event === 'search')!;
    expect([search.properties.subject, search.properties.value]).toEqual(['[redacted]', 3]);
    const requests = await wire.collector.requests();
    expect(requests.every(r => !SECRETS.test(r.path))).toBe(true);
  });

  it('an excluded page view is not sent and never shows up as the next page view\'s referrer', async () => {
    const { analytics, waitFor } = create({ events: { exclude: [{ action: 'navigate', subject: '/^\\/admin/' }] } });
    for (const path of ['/catalog', '/admin/users', '/docs']) {
      window.history.pushState({}, '', path);
      analytics.captureEvent({ action: 'navigate', subject: path, context });
    }
    const messages = await waitFor(m => ['/catalog', '/docs'].every(path => m.some(x => x.properties?.path === path)));
    const pages = messages.filter(m => m.type === 'page');
    expect(pages.map(p => [p.properties.path, p.properties.referrer]).sort()).toEqual([
      ['/catalog', ''],
      ['/docs', 'http://localhost/catalog'],
    ]);
    expect(JSON.stringify(messages)).not.toContain('admin');
  });

  it('respectGlobalPrivacyControl: a browser sending GPC gets nothing loaded or sent, one info line', async () => {
    const info = jest.spyOn(console, 'info').mockImplementation(() => {});
    Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
    try {
      const { analytics, writeKey } = create({ respectGlobalPrivacyControl: true });
      analytics.captureEvent({ action: 'click', subject: 'x', context });
      const control = create({});
      control.analytics.captureEvent({ action: 'click', subject: 'control', context });
      await control.waitFor(m => m.some(x => x.type === 'track'));
      const requests = await wire.collector.requests();
      expect(requests.filter(r => r.path.includes(writeKey))).toEqual([]);
      expect((await wire.collector.messages()).filter(m => m.writeKey === writeKey)).toEqual([]);
      expect(info).toHaveBeenCalledTimes(1);
      expect(String(info.mock.calls[0][0])).toContain('Global Privacy Control');
    } finally {
      delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
      info.mockRestore();
    }
  });

  it('with user expressions, events captured before their engine has loaded wait, then go out in order with their page and capture time', async () => {
    const { analytics, waitFor, inSendOrder } = create({
      redact: { patterns: ['secret-\\w+'] },
      events: { exclude: [{ subject: '/^\\/admin/' }, { action: 'a*b*c*d*e*f*g*h' }] },
    });
    const capturedAt: number[] = [];
    for (const path of ['/one', '/admin/x', '/two?secret-abc']) {
      window.history.pushState({}, '', path);
      document.title = `Title of ${path}`;
      nextMillisecond();
      capturedAt.push(Date.now());
      analytics.captureEvent({ action: 'navigate', subject: path, context });
    }
    window.history.pushState({}, '', '/three');
    nextMillisecond();
    capturedAt.push(Date.now());
    analytics.captureEvent({ action: 'click', subject: 'open secret-xyz', context });

    const messages = await waitFor(m => m.some(x => x.type === 'track') && m.filter(x => x.type === 'page').length >= 2);
    // in the order sent (each is a request of its own: a retried one may arrive after a later one)
    const calls = inSendOrder(messages.filter(m => m.type !== 'identify'));
    expect(calls.map(m => [m.type, m.context.page.path, m.type === 'page' ? m.properties.referrer : m.event])).toEqual([
      ['page', '/one', ''],
      ['page', '/two', 'http://localhost/one'],
      ['track', '/three', 'click'],
    ]);
    expect(calls[1].properties.title).toBe('Title of /two?[redacted]');
    expect(calls[2].properties.subject).toBe('open [redacted]');
    expect(JSON.stringify(messages)).not.toMatch(/secret-abc|secret-xyz|admin/);
    // each with its own capture time (the excluded /admin/x was the second capture)
    expect(calls.map(m => Date.parse(m.timestamp))).toEqual([capturedAt[0], capturedAt[2], capturedAt[3]]);
  });

  it('an expression the engine refuses (JavaScript accepts it): one console.error naming the key, nothing loaded or sent, not even identify', async () => {
    const error = jest.spyOn(console, 'error').mockImplementation(() => {});
    try {
      const { analytics, writeKey } = create({ redact: { patterns: ['ok', '\\p{Script=Greek}+'] } });
      analytics.captureEvent({ action: 'click', subject: 'x', context });
      const control = create({});
      control.analytics.captureEvent({ action: 'click', subject: 'control', context });
      await control.waitFor(m => m.some(x => x.type === 'track'));
      analytics.captureEvent({ action: 'click', subject: 'after', context });
      expect((await wire.collector.messages()).filter(m => m.writeKey === writeKey)).toEqual([]);
      // The library was not loaded for it: its settings were never asked for.
      expect((await wire.collector.requests()).filter(r => r.path.includes(`/projects/${writeKey}/`))).toEqual([]);
      expect(error).toHaveBeenCalledTimes(1);
      expect(String(error.mock.calls[0][0])).toMatch(
        /^Segment analytics is off: Invalid config app\.analytics\.segment\.redact\.patterns\[1\]: expected a regular expression the linear-time engine can run \(/,
      );
    } finally {
      error.mockRestore();
    }
  });

  it('an event a costly rule expression cannot tell (too long a field) is dropped with one warning; rules that decide say nothing', async () => {
    const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
    try {
      // `.{1,1000}` makes the expression look at a few hundred characters only (docs/privacy.md).
      const { analytics, waitFor } = create({ events: { exclude: [{ subject: '/^a.{1,1000}z$/' }, { action: 'hover' }] } });
      const long = `b${'x'.repeat(3000)}`;
      analytics.captureEvent({ action: 'click', subject: long, context });
      analytics.captureEvent({ action: 'click', subject: `${long}!`, context });
      analytics.captureEvent({ action: 'hover', subject: long, context });
      analytics.captureEvent({ action: 'click', subject: 'axz', context });
      analytics.captureEvent({ action: 'click', subject: 'short', context });
      const messages = await waitFor(m => m.some(x => x.properties?.subject === 'short'));
      expect(messages.filter(m => m.type === 'track').map(m => m.properties.subject)).toEqual(['short']);
      const said = warn.mock.calls.map(args => String(args[0])).filter(line => line.includes('events.include/exclude'));
      expect(said).toEqual([UNDECIDED_RULE_WARNING]);
    } finally {
      warn.mockRestore();
    }
  });
});
