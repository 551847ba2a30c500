import { byteSize, fitToSizeLimit, MAX_CALL_BYTES, TRUNCATION_MARK } from './fitToSizeLimit';
import { PageInfo, SegmentCall } from './SegmentCall';
import { deepFreeze } from '../__testUtils__/deepFreeze';

/** UTF-8 size of the JSON a call becomes, computed independently of the module. */
function bytesOf(value: unknown): number {
  return Buffer.byteLength(JSON.stringify(value), 'utf8');
}

const page: PageInfo = {
  url: 'https://backstage.example.com/catalog',
  path: '/catalog',
  search: '',
  title: 'Catalog',
  referrer: '',
};

function track(attributes: Record<string, unknown>, subject = 'Open'): SegmentCall {
  return {
    type: 'track',
    event: 'click',
    page: { ...page },
    timestamp: new Date('2024-01-02T03:04:05.678Z'),
    properties: {
      subject,
      action: 'click',
      value: 1,
      routeRef: 'catalog',
      pluginId: 'catalog',
      extensionId: 'CatalogIndexPage',
      category: 'CatalogIndexPage',
      attributes,
      additionalContext: { entityRef: 'component:default/foo' },
    },
  };
}

describe('fitToSizeLimit', () => {
  it('the limit leaves room under Segment 32 KB for what the library adds', () => {
    expect(MAX_CALL_BYTES).toBeLessThan(32 * 1024);
  });

  it('returns a small call as is (the same object)', () => {
    const call = track({ to: '/docs' });
    expect(fitToSizeLimit(call)).toBe(call);
  });

  it('returns as is a call well under the limit whose text is long (5 KB: a quick estimate would count it over)', () => {
    const call = track({ a: 'x'.repeat(2000), b: 'y'.repeat(2000), c: 'z'.repeat(1000) });
    expect(fitToSizeLimit(call)).toBe(call);
  });

  it('cuts only strings longer than 1,024 characters: one of exactly 1,024 stays as it is', () => {
    const call = track({ exact: 'e'.repeat(1024), big: Array.from({ length: 22 }, () => 'b'.repeat(1500)) });
    const attributes = fitToSizeLimit(call)!.properties.attributes as { exact: string; big: string[] };
    expect(attributes.exact).toBe('e'.repeat(1024));
    expect(attributes.big[0]).toBe(`${'b'.repeat(1024)}${TRUNCATION_MARK}`);
  });

  it('cuts a 40 KB string, marks it, and keeps everything else', () => {
    const big = 'x'.repeat(40 * 1024);
    const call = deepFreeze(track({ big, small: 'keep me' }));
    const before = structuredClone(call);
    expect(bytesOf(call)).toBeGreaterThan(MAX_CALL_BYTES);

    const fitted = fitToSizeLimit(call);

    expect(fitted).toBeDefined();
    expect(fitted).not.toBe(call);
    expect(bytesOf(fitted)).toBeLessThanOrEqual(MAX_CALL_BYTES);
    const attributes = fitted!.properties.attributes as Record<string, string>;
    expect(attributes.big.endsWith(TRUNCATION_MARK)).toBe(true);
    expect(attributes.big.length).toBeLessThan(big.length);
    expect(big.startsWith(attributes.big.slice(0, -TRUNCATION_MARK.length))).toBe(true);
    expect(attributes.small).toBe('keep me');
    // Apart from the cut string, the call is what it was.
    expect({ ...fitted, properties: { ...fitted!.properties, attributes: { ...attributes, big } } }).toStrictEqual(
      before,
    );
    // The capture time is still a Date, the same moment.
    expect(fitted!.timestamp).toBeInstanceOf(Date);
    expect(fitted!.timestamp.getTime()).toBe(call.timestamp.getTime());
    // The input is untouched.
    expect(call).toStrictEqual(before);
  });

  it('measures bytes, not characters: a string of 3-byte characters is cut too', () => {
    // 12,000 characters, 36,000 bytes of UTF-8.
    const call = track({ note: '€'.repeat(12_000) });
    expect(JSON.stringify(call).length).toBeLessThan(MAX_CALL_BYTES);
    expect(bytesOf(call)).toBeGreaterThan(MAX_CALL_BYTES);

    const fitted = fitToSizeLimit(call);

    expect(fitted).toBeDefined();
    expect(bytesOf(fitted)).toBeLessThanOrEqual(MAX_CALL_BYTES);
    expect((fitted!.properties.attributes as Record<string, string>).note.endsWith(TRUNCATION_MARK)).toBe(true);
  });

  it('cuts long strings everywhere: the page of a page call too', () => {
    const longUrl = `https://backstage.example.com/search?query=${'q'.repeat(40_000)}`;
    const call: SegmentCall = {
      type: 'page',
      page: { ...page, url: longUrl },
      timestamp: new Date(0),
      properties: { ...page, url: longUrl, subject: '/search', action: 'navigate' },
    };
    const fitted = fitToSizeLimit(call);
    expect(fitted).toBeDefined();
    expect(fitted!.type).toBe('page');
    expect(fitted!.page.url.endsWith(TRUNCATION_MARK)).toBe(true);
    expect((fitted!.properties.url as string).endsWith(TRUNCATION_MARK)).toBe(true);
    expect(bytesOf(fitted)).toBeLessThanOrEqual(MAX_CALL_BYTES);
    expect(fitted!.timestamp).toEqual(new Date(0));
  });

  it('returns undefined when cutting strings cannot make it fit (thousands of short keys), leaving the input alone', () => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 5000; i++) attributes[`attribute${i}`] = `v${i}`;
    const call = deepFreeze(track(attributes));
    const before = structuredClone(call);
    expect(bytesOf(call)).toBeGreaterThan(MAX_CALL_BYTES);

    expect(fitToSizeLimit(call)).toBeUndefined();
    expect(call).toStrictEqual(before);
  });

  it('never returns a call over the limit: 100 strings of 1000 characters are either fitted and marked, or dropped', () => {
    const attributes: Record<string, string> = {};
    for (let i = 0; i < 100; i++) attributes[`a${i}`] = String(i % 10).repeat(1000);
    const call = deepFreeze(track(attributes));
    const before = structuredClone(call);

    const fitted = fitToSizeLimit(call);

    const acceptable =
      fitted === undefined || (bytesOf(fitted) <= MAX_CALL_BYTES && JSON.stringify(fitted).includes(TRUNCATION_MARK));
    expect(acceptable).toBe(true);
    expect(call).toStrictEqual(before);
  });

  it('honours a smaller limit', () => {
    const call = track({ text: 'y'.repeat(3000) });
    expect(fitToSizeLimit(call, 100_000)).toBe(call);
    const fitted = fitToSizeLimit(call, 2000);
    expect(fitted).toBeDefined();
    expect(bytesOf(fitted)).toBeLessThanOrEqual(2000);
    expect(fitToSizeLimit(call, 100)).toBeUndefined();
  });
});

describe('byteSize (counted without TextEncoder)', () => {
  const encoded = (value: unknown) => new TextEncoder().encode(JSON.stringify(value)).length;
  it.each([
    ['ASCII', 'abc'],
    ['two-byte', 'é'],
    ['three-byte', '€漢'],
    ['a surrogate pair', '😀'],
    ['lone surrogates (sent escaped)', 'a\ud800b\udc00'],
    ['the edges of each length', '\u007f\u0080\u07ff\u0800\uffff'],
    ['an object', { a: ['é', 1, null, '\u0000'], b: '😀'.repeat(10) }],
  ])('%s: as many bytes as TextEncoder writes', (_, value) => {
    expect(byteSize(value)).toBe(encoded(value));
  });
});
