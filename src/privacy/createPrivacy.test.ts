import { BackstageEvent } from '../mapping/BackstageEvent';
import { PageInfo, SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';
import { compileFieldMatcher } from './fieldMatcher';
import { createPrivacy } from './createPrivacy';
import { DEFAULT_PRIVACY, PrivacyConfig, REDACTED } from './PrivacyConfig';
import { atHandOver } from '../eventPath';
import { untilRealWork } from '../__testUtils__/realWork';

// Verified in a shell: printf 'kafka' | sha256sum
const KAFKA_SHA256 = 'cbbf241eebedba6fd5e657b3c560fc9dd63c0d3e0de6f816be60e86157ec872c';
// Verified in a shell: printf '[redacted]' | sha256sum
const REDACTED_SHA256 = '017ad73325fcf108a972edac618f9edfc957c5b1de10f8b371b0a8bfa4f59e2d';
// Verified in a shell: printf 'kafka' | openssl dgst -sha256 -hmac 'pepper'
const KAFKA_HMAC_PEPPER = '5732636859b26c8fecab2862769750319c7df72679383dbd80c079dc248d127b';

const page: PageInfo = {
  url: 'https://b.example.com/search?query=kafka',
  path: '/search',
  search: '?query=kafka',
  title: 'Search',
  referrer: '',
};
const ctx = { pluginId: 'search', routeRef: 'search', extension: 'SearchPage' };
const config = (over: Partial<PrivacyConfig>): PrivacyConfig => ({ ...DEFAULT_PRIVACY, ...over });
const call = (event: Partial<BackstageEvent> & { action: string; subject: string }): SegmentCall =>
  toSegmentCall({ context: ctx, ...event } as BackstageEvent, page, new Date(0));

/** Resolves once `count` calls were delivered (the digest is real WebCrypto work). */
const deliveredCount = (list: unknown[], count: number) => untilRealWork(() => list.length >= count, `${count} calls delivered`);

describe('createPrivacy', () => {
  it('admits follows events.include / events.exclude', () => {
    const privacy = createPrivacy(config({ exclude: [{ action: compileFieldMatcher('search') }] }));
    expect(privacy.admits({ action: 'search', subject: 'x', context: ctx } as BackstageEvent)).toBe(false);
    expect(privacy.admits({ action: 'click', subject: 'x', context: ctx } as BackstageEvent)).toBe(true);
  });

  it('with no config: hands each call on at once, on the caller stack, with the built-in redaction', () => {
    const delivered: SegmentCall[] = [];
    const send = createPrivacy().handOff(c => delivered.push(c));
    send(call({ action: 'click', subject: '/x?code=abc' }));
    expect(delivered.map(c => c.properties.subject)).toEqual([`/x?code=${REDACTED}`]);
  });

  it("searchTerms 'sha-256': the subject becomes the term's SHA-256, the count stays, nothing is sent before", async () => {
    const delivered: SegmentCall[] = [];
    const send = createPrivacy(config({ searchTerms: 'sha-256' })).handOff(c => delivered.push(c));
    send(call({ action: 'search', subject: 'kafka', value: 7 }));
    expect(delivered).toEqual([]); // the digest is computed off the caller's stack
    await deliveredCount(delivered, 1);
    expect(delivered.map(c => [c.properties.subject, c.properties.value])).toEqual([[KAFKA_SHA256, 7]]);
    // Backstage search's own query parameter does not carry the term either.
    expect(delivered[0].page.url).toBe(`https://b.example.com/search?query=${REDACTED}`);
  });

  it("searchTerms 'sha-256' with userIdSalt: HMAC-SHA-256 keyed by it", async () => {
    const delivered: SegmentCall[] = [];
    const send = createPrivacy(config({ searchTerms: 'sha-256' }), { salt: 'pepper' }).handOff(c => delivered.push(c));
    send(call({ action: 'search', subject: 'kafka' }));
    await deliveredCount(delivered, 1);
    expect(delivered[0].properties.subject).toBe(KAFKA_HMAC_PEPPER);
  });

  it('hashes the term after patterns: an e-mail is never hashed in clear', async () => {
    const delivered: SegmentCall[] = [];
    const send = createPrivacy(config({ searchTerms: 'sha-256', emails: true })).handOff(c =>
      delivered.push(c),
    );
    send(call({ action: 'search', subject: 'jane@example.com' }));
    await deliveredCount(delivered, 1);
    expect(delivered[0].properties.subject).toBe(REDACTED_SHA256);
  });

  it('keeps capture order around a pending digest, and hashes a repeated term from memory, synchronously', async () => {
    const delivered: SegmentCall[] = [];
    const send = createPrivacy(config({ searchTerms: 'sha-256' })).handOff(c => delivered.push(c));
    send(call({ action: 'click', subject: 'first' }));
    send(call({ action: 'search', subject: 'kafka' }));
    send(call({ action: 'click', subject: 'third' }));
    send(call({ action: 'search', subject: 'kafka' }));
    send(call({ action: 'discover', subject: 'fifth' }));
    expect(delivered.map(c => c.properties.subject)).toEqual(['first']);
    await deliveredCount(delivered, 5);
    expect(delivered.map(c => c.properties.subject)).toEqual(['first', KAFKA_SHA256, 'third', KAFKA_SHA256, 'fifth']);

    send(call({ action: 'search', subject: 'kafka' }));
    expect(delivered.at(-1)!.properties.subject).toBe(KAFKA_SHA256);
  });

  it("searchTerms 'sha-256': a non-string term is redacted, not hashed", () => {
    const delivered: SegmentCall[] = [];
    const send = createPrivacy(config({ searchTerms: 'sha-256' })).handOff(c => delivered.push(c));
    const mapped = toSegmentCall({ action: 'search', subject: 'q', context: ctx }, page, new Date(0));
    send({ ...mapped, properties: { ...mapped.properties, subject: { q: 1 } } });
    expect(delivered[0].properties.subject).toBe(REDACTED);
  });

  it("searchTerms 'sha-256', the page left while a term is being hashed: the call goes at once with the mark, never the term", () => {
    let leave = () => {};
    const delivered: SegmentCall[] = [];
    const privacy = createPrivacy(config({ searchTerms: 'sha-256' }), { onPageLeave: listener => (leave = listener) });
    privacy.handOff(c => delivered.push(c))(call({ action: 'search', subject: 'kafka' }));
    expect(delivered).toEqual([]);
    leave();
    expect(delivered.map(c => c.properties.subject)).toEqual([REDACTED]);
    expect(JSON.stringify(delivered)).not.toContain('kafka');
  });

  it('one failing delivery does not stop the ones after it', async () => {
    const delivered: string[] = [];
    const send = createPrivacy(config({ searchTerms: 'sha-256' })).handOff(c => {
      if (c.properties.subject === 'boom') throw new Error('boom');
      delivered.push(c.properties.subject as string);
    });
    send(call({ action: 'search', subject: 'kafka' }));
    send(call({ action: 'click', subject: 'boom' }));
    send(call({ action: 'click', subject: 'after' }));
    await deliveredCount(delivered, 2);
    expect(delivered).toEqual([KAFKA_SHA256, 'after']);
  });

  describe('at hand-over (the title the page ended up with, just before sending; stages 10-13 of eventPath)', () => {
    const nav = (url: string, title: string): SegmentCall =>
      toSegmentCall({ action: 'navigate', subject: '/p', context: ctx } as BackstageEvent, { ...page, url, title }, new Date(0));

    it('gives a page call the settled title when the document is still at its URL', () => {
      const privacy = createPrivacy();
      const out = atHandOver(privacy)(nav('https://b.example.com/p', 'Loading'), { href: 'https://b.example.com/p', title: 'Done' });
      expect([out.page.title, out.properties.title]).toEqual(['Done', 'Done']);
    });

    it('compares URLs redacted, and redacts the settled title', () => {
      const privacy = createPrivacy(config({ emails: true }));
      const redactedCall = (() => {
        const delivered: SegmentCall[] = [];
        privacy.handOff(c => delivered.push(c))(nav('https://b.example.com/p?code=abc', 'Loading'));
        return delivered[0];
      })();
      const out = atHandOver(privacy)(redactedCall, { href: 'https://b.example.com/p?code=abc', title: 'jane@example.com' });
      expect([out.page.title, out.properties.title]).toEqual([REDACTED, REDACTED]);
      expect(JSON.stringify(out)).not.toContain('abc');
    });
  });
});
