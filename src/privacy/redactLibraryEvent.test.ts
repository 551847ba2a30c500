import { REDACTED } from './PrivacyConfig';
import { createLibraryRedaction, LibraryEvent } from './redactLibraryEvent';
import type { UserPseudonyms } from './userPseudonyms';

// The privacy step's failure paths inside the library: whatever fails, what the library read from the page
// (its URL and query, the campaign, the referrer) never goes as it was read.

/** An identify event as the library describes it, on a page whose query holds a credential. */
const identify = (): LibraryEvent => ({
  type: 'identify',
  traits: { email: 'jane@example.com' },
  context: {
    page: { url: 'https://b.example.com/x?code=secret123', path: '/x', search: '?code=secret123', title: 'T', referrer: '' },
    campaign: { source: 'newsletter' },
  },
});

describe('createLibraryRedaction when it fails', () => {
  it('a rewriter that throws: the page the library read goes as the mark, the campaign and traits dropped', () => {
    const redact = createLibraryRedaction({
      rewriter: () => ({
        text: () => {
          throw new Error('boom');
        },
      }),
    });
    const event = identify();
    expect(redact(event)).toBeUndefined();
    expect(event.context!.page).toEqual({ url: REDACTED, path: REDACTED, search: REDACTED, title: REDACTED, referrer: REDACTED });
    expect(event.context!.campaign).toBeUndefined();
    expect(event.traits).toEqual({});
  });

  it('a pseudonym that cannot be worked out: the page goes as the mark, never in plain text', async () => {
    const rewriter = (missing?: Set<string>) => ({
      text: (s: string) => {
        missing?.add('user:default/jane');
        return s;
      },
    });
    const pseudonyms = { learn: () => Promise.reject(new Error('down')) } as unknown as UserPseudonyms;
    const event = identify();
    await createLibraryRedaction({ rewriter, pseudonyms })(event);
    expect(JSON.stringify(event)).not.toContain('secret123');
    expect(event.context!.page.url).toBe(REDACTED);
  });
});
