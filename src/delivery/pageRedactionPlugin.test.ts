import type { Context } from '@segment/analytics-next';
import { pageRedactionPlugin } from './pageRedactionPlugin';
import { REDACTED } from '../privacy/PrivacyConfig';
import type { LibraryRedactionParts } from '../privacy/redactLibraryEvent';
import type { UserPseudonyms } from '../privacy/userPseudonyms';

// The library's enrichment plugin: what the library describes itself (identify's page, read from `location`)
// goes on only once it can be rewritten, never as it was read. Rewriters stand in for the privacy step here.

/** An identify event as the library describes it on a user's entity page. */
const identify = () =>
  ({
    event: {
      type: 'identify',
      traits: {},
      context: { page: { url: 'https://b.example.com/catalog/default/user/jane', path: '/catalog/default/user/jane', title: 'Jane Doe', search: '', referrer: '' } },
    },
  }) as unknown as Context;

/** A promise settled by the test. */
function later() {
  let settle!: () => void;
  const promise = new Promise<void>(resolve => (settle = resolve));
  return { promise, settle };
}

describe('pageRedactionPlugin', () => {
  it('an event described before the user expressions have compiled waits for them, then is rewritten by them', async () => {
    const compiled = later();
    let ready = false;
    // Before the engine has compiled, the privacy step fails closed: every string redacted.
    const parts: LibraryRedactionParts = { rewriter: () => ({ text: s => (ready ? s.replace('Jane Doe', 'J.') : REDACTED) }), ready: compiled.promise };
    const out = Promise.resolve(pageRedactionPlugin(parts).identify!(identify()));
    await Promise.resolve();
    ready = true;
    compiled.settle();
    const ctx = await out;
    expect(ctx.event.context!.page).toMatchObject({ title: 'J.', path: '/catalog/default/user/jane' });
  });

  it("an event naming a user whose pseudonym is not known yet goes on once it is, rewritten: never the user's ref", async () => {
    const learned = later();
    let known = false;
    const rewriter = (missing?: Set<string>) => ({
      text: (s: string) => {
        if (!s.includes('user/jane')) return s;
        if (known) return s.replace('user/jane', 'user/p-123');
        missing?.add('user:default/jane');
        return REDACTED;
      },
    });
    const pseudonyms = { learn: () => learned.promise.then(() => void (known = true)) } as unknown as UserPseudonyms;
    const out = Promise.resolve(pageRedactionPlugin({ rewriter, pseudonyms }).identify!(identify()));
    let passed = false;
    void out.then(() => (passed = true));
    await Promise.resolve();
    expect(passed).toBe(false);
    learned.settle();
    const ctx = await out;
    expect(JSON.stringify(ctx.event)).not.toContain('user/jane');
    expect(ctx.event.context!.page).toMatchObject({ path: '/catalog/default/user/p-123' });
  });
});
