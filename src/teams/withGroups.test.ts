import { clickCall } from '../__testUtils__/deliveryTestKit';
import { ResolvedIdentity } from '../identity/resolveIdentity';
import { Transport } from '../delivery/Transport';
import { withGroups } from './withGroups';

const call = clickCall;

/** A transport that records what it was asked to send, as text. */
function recording() {
  const sent: string[] = [];
  const transport: Transport = {
    startSession(userId) {
      sent.push(userId ? `identify ${userId}` : 'anonymous session');
    },
    group({ groupId, traits }, userId) {
      sent.push(`group ${groupId} ${JSON.stringify(traits)} for ${userId}`);
    },
    send(c, { userId, groupId }) {
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

/** The decorated transport, once the user's id is known (as Delivery sees it). */
async function decorated(identity: ResolvedIdentity, transport: Transport) {
  const groups = withGroups(Promise.resolve(identity));
  const userId = await groups.userId;
  return { t: groups.decorate(transport), userId };
}

describe('withGroups', () => {
  it('the session start is followed by the group calls, in order; later calls of that user carry the first group', async () => {
    const { sent, transport } = recording();
    const { t, userId } = await decorated(two, transport);
    t.send(call('before'), {});
    t.startSession(userId, new Date());
    t.send(call('after'), { userId });
    expect(sent).toEqual([
      'before as anonymous in no group',
      'identify u1',
      'group g-a {} for u1',
      'group g-b {} for u1',
      'after as u1 in g-a',
    ]);
  });

  it('an identity that fails, its user id looked at only later (the consent code loads first): no unhandled rejection, the failure still told', async () => {
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { userId } = withGroups(Promise.reject(new Error('the identity API failed')));
      await new Promise(resolve => setTimeout(resolve, 10)); // a turn of the event loop: Node reports what is unhandled
      expect(unhandled).toEqual([]);
      await expect(userId).rejects.toThrow('the identity API failed');
    } finally {
      process.off('unhandledRejection', record);
    }
  });

  it('the user id resolves only once the groups are known', async () => {
    const { sent, transport } = recording();
    const groups = withGroups(Promise.resolve(two));
    const t = groups.decorate(transport);
    t.startSession(await groups.userId, new Date());
    expect(sent).toEqual(['identify u1', 'group g-a {} for u1', 'group g-b {} for u1']);
  });

  it('anonymous sessions and calls carry no group', async () => {
    const { sent, transport } = recording();
    const { t } = await decorated(two, transport);
    t.startSession(undefined, new Date());
    t.send(call('anon'), {});
    expect(sent).toEqual(['anonymous session', 'anon as anonymous in no group']);
  });

  it('a call of another user carries no group of this one', async () => {
    const { sent, transport } = recording();
    const { t, userId } = await decorated(two, transport);
    t.startSession(userId, new Date());
    t.send(call('other'), { userId: 'u2' });
    expect(sent.at(-1)).toBe('other as u2 in no group');
  });

  it('without groups: identify alone, and calls pass through unchanged', async () => {
    const { sent, transport } = recording();
    const { t, userId } = await decorated({ userId: 'u1', groups: [] }, transport);
    t.startSession(userId, new Date());
    t.send(call('x'), { userId });
    expect(sent).toEqual(['identify u1', 'x as u1 in no group']);
  });

  it('a transport without group() (a test double) still identifies and sends', async () => {
    const { sent, transport } = recording();
    const { t, userId } = await decorated(two, { startSession: transport.startSession, send: transport.send });
    t.startSession(userId, new Date());
    t.send(call('x'), { userId });
    expect(sent).toEqual(['identify u1', 'x as u1 in g-a']);
  });
});
