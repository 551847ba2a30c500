import { clickCall } from '../__testUtils__/deliveryTestKit';
import { createRecentHandOvers } from './recentHandOvers';

const stored = (id: string) => ({ messageId: id, owner: 'u', call: clickCall(id) });

const big = (id: string) => ({ ...stored(id), call: { ...clickCall(id), properties: { ...clickCall(id).properties, pad: 'x'.repeat(1000) } } });
const chars = (calls: object[]) => calls.reduce((sum, c) => sum + JSON.stringify(c).length, 0);

describe('createRecentHandOvers', () => {
  it("remembers calls for the batcher's timeout plus 10 s, oldest first", () => {
    let now = 0;
    const recent = createRecentHandOvers(5000, () => now);
    recent.add(stored('a'));
    now = 4000;
    recent.add(stored('b'));
    now = 15_000;
    expect(recent.recent().map(c => c.messageId)).toEqual(['a', 'b']);
    now = 15_001; // 'a' was handed over 15,001 ms ago: its batch has been sent or given up by now
    expect(recent.recent().map(c => c.messageId)).toEqual(['b']);
    now = 19_001;
    expect(recent.recent()).toEqual([]);
  });

  it('remembers the last 1,000 at most', () => {
    const recent = createRecentHandOvers(5000, () => 0);
    for (let i = 0; i < 1200; i++) recent.add(stored(`c${i}`));
    const ids = recent.recent().map(c => c.messageId);
    expect(ids).toHaveLength(1000);
    expect(ids[0]).toBe('c200');
    expect(ids[999]).toBe('c1199');
  });

  it('gives back the newest 500,000 characters of calls at most (the largest batch fits)', () => {
    const recent = createRecentHandOvers(5000, () => 0);
    for (let i = 0; i < 800; i++) recent.add(big(`c${i}`));
    const given = recent.recent();
    expect(chars(given)).toBeLessThanOrEqual(500_000);
    expect(chars(given) + chars([big(`c${799 - given.length}`)])).toBeGreaterThan(500_000);
    expect(given.length).toBeGreaterThan(300);
    expect(given.at(-1)?.messageId).toBe('c799');
  });

  it('gives back first the calls no keepalive request carries (a request the unloading cancels loses its calls), oldest first', () => {
    const recent = createRecentHandOvers(5000, () => 0);
    for (let i = 0; i < 800; i++) recent.add(big(`c${i}`));
    // The newest 400 went with keepalive as the page was hidden; the oldest 400 are in a request without.
    for (let i = 400; i < 800; i++) recent.carried(`c${i}`);
    const given = recent.recent().map(call => call.messageId);
    expect(given.slice(0, 400)).toEqual(Array.from({ length: 400 }, (_, i) => `c${i}`));
    expect(given.length).toBeLessThan(800);
    expect(given.at(-1)).toBe('c799');
  });

  it('keeps a call the batcher still holds past the window (offline, retrying), until it is delivered or dropped', () => {
    let now = 0;
    const recent = createRecentHandOvers(5000, () => now);
    recent.add(stored('held'));
    recent.add(stored('sent'));
    recent.add(stored('handed'));
    recent.holding('held');
    recent.holding('sent');
    recent.holding('unknown'); // an identify: never remembered
    recent.settled('sent');
    now = 60 * 60 * 1000;
    expect(recent.recent().map(c => c.messageId)).toEqual(['held']);
    recent.add(stored('later'));
    expect(recent.recent().map(c => c.messageId)).toEqual(['held', 'later']);
    recent.settled('held');
    expect(recent.recent().map(c => c.messageId)).toEqual(['later']);
  });

  it('forgets what was settled behind a call still held', () => {
    let now = 0;
    const recent = createRecentHandOvers(5000, () => now);
    recent.add(stored('stuck'));
    recent.holding('stuck');
    for (let i = 0; i < 500; i++) {
      recent.add(stored(`c${i}`));
      recent.holding(`c${i}`);
      recent.settled(`c${i}`);
    }
    now = 1;
    expect(recent.recent().map(c => c.messageId)).toEqual(['stuck']);
    for (let i = 0; i < 999; i++) recent.add(stored(`n${i}`));
    expect(recent.recent().map(c => c.messageId)).toEqual(['stuck', ...Array.from({ length: 999 }, (_, i) => `n${i}`)]);
  });
});
