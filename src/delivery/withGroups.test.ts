import { ResolvedIdentity } from '../identity/resolveIdentity';
import { SegmentCall } from '../mapping/SegmentCall';
import { Transport } from './Transport';
import { withGroups } from './withGroups';

const page = { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' };
const call = (subject: string): SegmentCall => ({
  type: 'track',
  event: 'click',
  properties: { subject, action: 'click' },
  page,
  timestamp: new Date(),
});

/** A transport that records what it was asked to send, as text. */
function recording() {
  const sent: string[] = [];
  const transport: Transport = {
    async identify(userId) {
      await new Promise(r => setTimeout(r, 5));
      sent.push(`identify ${userId}`);
    },
    async group({ groupId, traits }, userId) {
      await new Promise(r => setTimeout(r, 5));
      sent.push(`group ${groupId} ${JSON.stringify(traits)} for ${userId}`);
    },
    send(c, userId, groupId) {
      sent.push(`${c.properties.subject} as ${userId ?? 'anonymous'} in ${groupId ?? 'no group'}`);
    },
  };
  return { sent, transport };
}

const two: ResolvedIdentity = {
  userId: 'u1',
  groups: [
    { groupId: 'g-a', traits: {} },
    { groupId: 'g-b', traits: {} },
  ],
};

describe('withGroups', () => {
  it('identify resolves after the group calls, in order; later calls of that user carry the first group', async () => {
    const { sent, transport } = recording();
    const t = withGroups(transport, Promise.resolve(two));
    t.send(call('before'), undefined);
    await t.identify('u1', new Date());
    t.send(call('after'), 'u1');
    expect(sent).toEqual([
      'before as anonymous in no group',
      'identify u1',
      'group g-a {} for u1',
      'group g-b {} for u1',
      'after as u1 in g-a',
    ]);
  });

  it('anonymous calls after identify carry no group', async () => {
    const { sent, transport } = recording();
    const t = withGroups(transport, Promise.resolve(two));
    await t.identify('u1', new Date());
    t.send(call('anon'), undefined);
    expect(sent.at(-1)).toBe('anon as anonymous in no group');
  });

  it('a call of another user carries no group of this one', async () => {
    const { sent, transport } = recording();
    const t = withGroups(transport, Promise.resolve(two));
    await t.identify('u1', new Date());
    t.send(call('other'), 'u2');
    expect(sent.at(-1)).toBe('other as u2 in no group');
  });

  it('without groups: identify alone, and calls pass through unchanged', async () => {
    const { sent, transport } = recording();
    const t = withGroups(transport, Promise.resolve({ userId: 'u1', groups: [] }));
    await t.identify('u1', new Date());
    t.send(call('x'), 'u1');
    expect(sent).toEqual(['identify u1', 'x as u1 in no group']);
  });

  it('a transport without group() (a test double) still identifies and sends', async () => {
    const { sent, transport } = recording();
    const t = withGroups({ identify: transport.identify, send: transport.send }, Promise.resolve(two));
    await t.identify('u1', new Date());
    t.send(call('x'), 'u1');
    expect(sent).toEqual(['identify u1', 'x as u1 in g-a']);
  });
});
