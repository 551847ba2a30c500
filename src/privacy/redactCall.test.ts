import { BackstageEvent } from '../mapping/BackstageEvent';
import { PageInfo, SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';
import { DEFAULT_PRIVACY, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { CallRedaction, redactCall } from './redactCall';
import { prepareExpressions } from './expressionEngine';
import { textRedactorFor } from './redactText';
import { parseUserExpression, UserExpression } from './userExpression';
import { withUserPatterns } from './userPatterns';
import { deepFreeze } from '../__testUtils__/deepFreeze';

const R = REDACTED;

function redaction(over: Partial<PrivacyConfig> = {}): CallRedaction {
  const config = { ...DEFAULT_PRIVACY, ...over };
  return { ...config, text: withUserPatterns(textRedactorFor(config), config) };
}

/** `redact.patterns` as the config reads them; compiled by the engine before the tests run. */
const compiled: UserExpression[] = [];
function userPatterns(...sources: string[]): UserExpression[] {
  const parsed = sources.map((source, i) => parseUserExpression(source, '', `redact.patterns[${i}]`));
  compiled.push(...parsed);
  return parsed;
}
beforeAll(() => prepareExpressions(compiled));

const cleanPage: PageInfo = {
  url: 'https://b.example.com/catalog/default/component/foo?tab=api',
  path: '/catalog/default/component/foo',
  search: '?tab=api',
  title: 'foo | Backstage',
  referrer: 'https://b.example.com/catalog',
};
const secretPage: PageInfo = {
  url: 'https://b.example.com/cb?code=abc&state=xyz#access_token=t',
  path: '/cb',
  search: '?code=abc&state=xyz',
  title: 'Signing in',
  referrer: 'https://idp.example.com/authorize?client_id=c&state=xyz',
};
const timestamp = new Date('2024-05-06T07:08:09.010Z');
const ctx = { pluginId: 'catalog', routeRef: 'catalog:entity', extension: 'CatalogEntityPage' };

/** Every core action, as Backstage sends them. */
const events: BackstageEvent[] = [
  { action: 'navigate', subject: '/catalog/default/component/foo?tab=api', attributes: { name: 'foo' }, context: { ...ctx, entityRef: 'component:default/foo' } },
  { action: 'click', subject: 'View API', attributes: { to: '/api-docs/default/api/foo' }, context: ctx },
  { action: 'search', subject: 'kafka', value: 12, context: { ...ctx, searchTypes: 'software-catalog' } },
  { action: 'discover', subject: 'Kafka topics', value: 3, attributes: { to: '/docs/kafka' }, context: ctx },
  { action: 'create', subject: 'new-service', value: 0, context: { ...ctx, entityRef: 'template:default/springboot' } },
  { action: 'not-found', subject: '/does/not/exist', context: ctx },
  { action: 'deploy', subject: 'svc', value: 42, attributes: { env: 'staging', dryRun: true, count: 7 }, context: { ...ctx, releaseTrain: 'r42' } },
];

describe('redactCall with no key set', () => {
  it.each(events.map(e => [e.action, e] as const))('%s: the call is exactly the mapping, the same object', (_a, event) => {
    const call = deepFreeze(toSegmentCall(event, cleanPage, timestamp));
    const before = structuredClone(call);
    expect(redactCall(call, redaction())).toBe(call);
    expect(call).toStrictEqual(before);
  });

  it('redacts the built-in credentials wherever a URL appears, and nothing else', () => {
    const event: BackstageEvent = {
      action: 'navigate',
      subject: '/cb?code=abc&state=xyz#access_token=t',
      // Nested values are not in Backstage's type, but apps send them.
      attributes: { to: '/next?token=tk&tab=1', list: ['/a?sig=s', 3], nested: { link: '/b?password=p' } } as any,
      context: { ...ctx, entityRef: 'component:default/foo', returnTo: '/x?refresh_token=r' },
    };
    const call = deepFreeze(toSegmentCall(event, secretPage, timestamp));
    const out = redactCall(call, redaction());
    const page = {
      url: `https://b.example.com/cb?code=${R}&state=${R}#access_token=${R}`,
      path: '/cb',
      search: `?code=${R}&state=${R}`,
      title: 'Signing in',
      referrer: `https://idp.example.com/authorize?client_id=c&state=${R}`,
    };
    expect(out).toStrictEqual({
      type: 'page',
      page,
      timestamp,
      properties: {
        ...page,
        subject: `/cb?code=${R}&state=${R}#access_token=${R}`,
        action: 'navigate',
        value: undefined,
        routeRef: 'catalog:entity',
        pluginId: 'catalog',
        extensionId: 'CatalogEntityPage',
        category: 'CatalogEntityPage',
        attributes: { to: `/next?token=${R}&tab=1`, list: [`/a?sig=${R}`, 3], nested: { link: `/b?password=${R}` } },
        additionalContext: { entityRef: 'component:default/foo', returnTo: `/x?refresh_token=${R}` },
      },
    });
    // Same keys in the same order as the mapping gave.
    expect(Object.keys(out.properties)).toEqual(Object.keys(call.properties));
    expect(JSON.stringify(out)).not.toMatch(/abc|xyz|=t\b|tk|=s\b|=p\b|=r\b/);
  });

  it('keeps the capture time, a Date, and non-plain objects as they are', () => {
    const when = new Date(0);
    const mapped = toSegmentCall({ action: 'click', subject: '/x?code=1', context: ctx }, secretPage, timestamp);
    const call = { ...mapped, properties: { ...mapped.properties, attributes: { when } } };
    const out = redactCall(call, redaction());
    expect(out.timestamp).toBe(timestamp);
    expect((out.properties.attributes as any).when).toBe(when);
  });
});

describe('redactCall with keys set', () => {
  it.each<[string, Partial<PrivacyConfig>, BackstageEvent, (call: SegmentCall) => unknown, unknown]>([
    [
      'redact.queryParams adds names',
      { queryParams: new Set([...DEFAULT_PRIVACY.queryParams, 'session']) },
      { action: 'click', subject: 'x', attributes: { to: '/a?Session=s1&code=c&keep=k' }, context: ctx },
      c => (c.properties.attributes as any).to,
      `/a?Session=${R}&code=${R}&keep=k`,
    ],
    [
      'searchTerms true: the term goes, the count stays',
      { searchTerms: 'redact' },
      { action: 'search', subject: 'jane@example.com', value: 12, context: { ...ctx, searchTypes: 'techdocs' } },
      c => [c.properties.subject, c.properties.value, (c.properties.additionalContext as any).searchTypes],
      [R, 12, 'techdocs'],
    ],
    [
      'searchTerms true: other actions keep their subject',
      { searchTerms: 'redact' },
      { action: 'discover', subject: 'Kafka topics', value: 1, context: ctx },
      c => c.properties.subject,
      'Kafka topics',
    ],
    [
      'searchTerms true: a non-string term is redacted too',
      { searchTerms: 'redact' },
      { action: 'search', subject: { q: 'x' } as any, context: ctx },
      c => c.properties.subject,
      R,
    ],
    [
      'patterns: subject, attribute and context values',
      { userPatterns: userPatterns('\\bSSN-\\d+') },
      { action: 'click', subject: 'SSN-123 card', attributes: { note: 'for SSN-456' }, context: { ...ctx, owner: 'SSN-789' } },
      c => [c.properties.subject, (c.properties.attributes as any).note, (c.properties.additionalContext as any).owner],
      [`${R} card`, `for ${R}`, R],
    ],
    [
      'e-mails: page fields',
      { emails: true },
      { action: 'navigate', subject: '/u/jane@example.com', context: ctx },
      c => [c.page.url, c.page.path, c.page.title, c.properties.url, c.properties.path, c.properties.subject],
      [`https://b.example.com/u/${R}?x=${R}`, `/u/${R}`, `${R} | Backstage`, `https://b.example.com/u/${R}?x=${R}`, `/u/${R}`, `/u/${R}`],
    ],
    [
      'patterns: the event name of a create call (its subject)',
      { userPatterns: userPatterns('secret-\\w+') },
      { action: 'create', subject: 'secret-project', value: 1, context: ctx },
      c => [c.type === 'track' && c.event, c.properties.subject],
      [R, R],
    ],
    [
      'every string is redacted: the event name and the fields naming where it comes from too',
      { userPatterns: userPatterns('catalog|click|Entity') },
      { action: 'click', subject: 'catalog', context: ctx },
      c => [c.type === 'track' && c.event, c.properties.action, c.properties.pluginId, c.properties.routeRef, c.properties.extensionId, c.properties.subject],
      [R, R, R, `${R}:entity`, `Catalog${R}Page`, R],
    ],
    [
      'the value when it is text (numbers are not text)',
      { emails: true },
      { action: 'click', subject: 'x', value: 'jane@example.com?code=1' as any, context: ctx },
      c => c.properties.value,
      `${R}?code=${R}`,
    ],
    [
      'keys of attributes and context, nested ones too; a key already taken gets a number',
      { emails: true },
      {
        action: 'click',
        subject: 'x',
        attributes: { 'jane@example.com': 1, 'bob@example.org': 2, [R]: 0, nested: { '/cb?code=abc': 'v' } } as any,
        context: { ...ctx, 'jane@example.com': 'c' },
      },
      c => [c.properties.attributes, c.properties.additionalContext],
      [{ [R]: 1, [`${R} (2)`]: 2, [`${R} (3)`]: 0, nested: { [`/cb?code=${R}`]: 'v' } }, { [R]: 'c' }],
    ],
    [
      'allowedAttributes: only the listed keys, in their order',
      { allowedAttributes: new Set(['to', 'kind']) },
      { action: 'click', subject: 'x', attributes: { secret: 's', kind: 'k', to: '/t' }, context: ctx },
      c => c.properties.attributes,
      { kind: 'k', to: '/t' },
    ],
    [
      'allowedAttributes: none listed keeps an empty object',
      { allowedAttributes: new Set() },
      { action: 'click', subject: 'x', attributes: { a: 1 }, context: ctx },
      c => c.properties.attributes,
      {},
    ],
    [
      'allowedAttributes: absent attributes stay absent',
      { allowedAttributes: new Set(['to']) },
      { action: 'click', subject: 'x', context: ctx },
      c => c.properties.attributes,
      undefined,
    ],
    [
      'allowedAttributes: attributes that are not an object of named keys (a string, an array) are left out',
      { allowedAttributes: new Set(['to', '0']) },
      { action: 'click', subject: 'x', attributes: ['token=abc', { to: '/t' }] as any, context: ctx },
      c => c.properties.attributes,
      undefined,
    ],
    [
      'allowedContexts: additionalContext only; routeRef and pluginId keep their place',
      { allowedContexts: new Set(['entityRef']) },
      { action: 'click', subject: 'x', context: { ...ctx, entityRef: 'component:default/a', searchTypes: 's', teamSecret: 't' } },
      c => [c.properties.additionalContext, c.properties.pluginId, c.properties.routeRef],
      [{ entityRef: 'component:default/a' }, 'catalog', 'catalog:entity'],
    ],
  ])('%s', (_name, over, event, pick, expected) => {
    const page = { ...cleanPage, url: `https://b.example.com${String(event.subject).startsWith('/u/') ? event.subject : '/x'}?x=jane@example.com` };
    const call = deepFreeze(toSegmentCall(event, { ...page, path: page.url.slice(21, page.url.indexOf('?')), title: over.emails ? 'jane@example.com | Backstage' : page.title }, timestamp));
    const before = structuredClone(call);
    expect(pick(redactCall(call, redaction(over)))).toStrictEqual(expected);
    expect(call).toStrictEqual(before);
  });
});
