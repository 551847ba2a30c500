import { batchBodies } from './batchBodies';

const message = (id: number, size: number) => ({ type: 'track', event: 'e', messageId: `m-${id}`, properties: { x: 'y'.repeat(size) } });

describe('batchBodies', () => {
  it('puts every message in one body with the client sentAt when they fit', () => {
    const bodies = batchBodies([message(1, 10), message(2, 10)], '2026-12-02T10:00:00.000Z');
    expect(bodies.map(body => JSON.parse(body))).toEqual([{ batch: [message(1, 10), message(2, 10)], sentAt: '2026-12-02T10:00:00.000Z' }]);
  });

  it('leaves sentAt out when the client sent none', () => {
    expect(JSON.parse(batchBodies([message(1, 1)], undefined)[0])).toEqual({ batch: [message(1, 1)] });
  });

  it('splits in order so that no body is over the limit', () => {
    const messages = Array.from({ length: 7 }, (_, i) => message(i, 300));
    const limit = 1000;
    const bodies = batchBodies(messages, '2026-12-02T10:00:00.000Z', limit);
    expect(bodies.length).toBeGreaterThan(1);
    for (const body of bodies) expect(Buffer.byteLength(body)).toBeLessThanOrEqual(limit);
    expect(bodies.flatMap(body => JSON.parse(body).batch.map((m: any) => m.messageId))).toEqual(messages.map(m => m.messageId));
  });
});
