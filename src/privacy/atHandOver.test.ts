import { createHandOverRedaction } from './atHandOver';
import { createUserPseudonyms } from './userPseudonyms';

// The document as a waiting page call compares it with: redacted and
// pseudonymized as calls are, its last answer kept for the same URL and title
// unless a ref in it had no pseudonym yet.

function redaction() {
  const pseudonyms = createUserPseudonyms({ transform: 'sha-256', timeoutMs: 60_000 }) // a real digest: slow on a busy machine;
  const rewriter = (missing?: Set<string>) => ({ text: (s: string) => pseudonyms.rewrite(s, missing) });
  return { pseudonyms, handOver: createHandOverRedaction({ rewriter, pseudonyms, preparedBeforeOwn: () => false }) };
}

describe('documentAsSent', () => {
  const doc = { href: 'http://localhost/catalog/default/user/bob', title: 'Bob | Backstage' };

  it('is asked again once a pseudonym it lacked is known (not the marked answer kept)', async () => {
    const { pseudonyms, handOver } = redaction();
    const before = handOver.documentAsSent(doc);
    expect(before.href).toContain('[redacted]');
    const missing = new Set<string>();
    pseudonyms.rewrite(doc.href, missing);
    await pseudonyms.learn(missing);
    const after = handOver.documentAsSent(doc);
    expect(after.href).not.toContain('[redacted]');
    expect(after.title).toMatch(/^[0-9a-f]{64} \| Backstage$/);
  });

  it('keeps an answer with every pseudonym known for the same URL and title', async () => {
    const { pseudonyms, handOver } = redaction();
    const missing = new Set<string>();
    pseudonyms.rewrite(doc.href, missing);
    await pseudonyms.learn(missing);
    const rewrite = jest.spyOn(pseudonyms, 'rewrite');
    handOver.documentAsSent(doc);
    handOver.documentAsSent(doc);
    expect(rewrite).toHaveBeenCalledTimes(2); // URL and title, once
  });
});
