import { SegmentCall } from '../mapping/SegmentCall';
import { ConsentedDelivery, SETTLE_MS } from './consentedDelivery';

const at = (ms: number, subject: string): SegmentCall => ({
  type: 'track',
  event: 'click',
  properties: { subject, action: 'click' },
  page: { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' },
  timestamp: new Date(ms),
});

describe('ConsentedDelivery', () => {
  it('never sends a call captured before analytics was switched off, even when it arrives after a later "yes"', () => {
    let now = 1000;
    const sessions: string[][] = [];
    const consented = new ConsentedDelivery({
      create: () => {
        const sent: string[] = [];
        sessions.push(sent);
        return { enqueue: call => sent.push(String(call.properties.subject)), stop: () => {} };
      },
      forget: () => {},
      onPageLeave: () => {},
      now: () => now,
    });
    consented.start();
    consented.enqueue(at(900, 'before'));
    now = 2000;
    consented.stop(); // a call captured at 1500 is still being redacted (a slow pseudonym)
    consented.enqueue(at(1800, 'while-off'));
    now = 3000;
    consented.start();
    consented.enqueue(at(1500, 'captured-before-off'));
    consented.enqueue(at(3000, 'after')); // the same millisecond as the "yes"
    consented.enqueue(at(3001, 'later'));
    expect(sessions).toEqual([['before'], ['after', 'later']]);
  });

  it('a clock stepped back after the switch back on: calls captured since still go out', () => {
    let now = 10_000;
    const sent: string[] = [];
    const consented = new ConsentedDelivery({
      create: () => ({ enqueue: call => sent.push(String(call.properties.subject)), stop: () => {} }),
      forget: () => {},
      onPageLeave: () => {},
      now: () => now,
    });
    consented.start();
    consented.stop();
    consented.start(); // on again at 10,000
    now = 4_000; // the clock steps back a few seconds later
    consented.enqueue(at(4_000, 'after-the-step'));
    expect(sent).toEqual(['after-the-step']);
  });

  it("a stopped session's library arriving once analytics is on again does not remove the new session's data", () => {
    const observers: Array<(transport: any) => unknown> = [];
    const forget = jest.fn();
    const consented = new ConsentedDelivery({
      create: observe => {
        observers.push(observe);
        return { enqueue: () => {}, stop: () => {} };
      },
      forget,
      onPageLeave: () => {},
    });
    consented.start();
    consented.stop(); // its library is still loading
    consented.start();
    forget.mockClear();
    const stale = { stop: jest.fn() };
    observers[0](stale); // the first session's library arrives now
    expect(stale.stop).toHaveBeenCalled(); // cut off from the network
    expect(forget).not.toHaveBeenCalled();
  });

  it("a page off since it loaded leaves what the browser keeps alone as it is hidden or left (another tab may have switched on since); one whose library ran removes what it left", () => {
    const leaves: Array<() => void> = [];
    const forget = jest.fn();
    const options = { create: () => ({ enqueue: () => {}, stop: () => {} }), forget, onPageLeave: (leave: () => void) => leaves.push(leave) };
    const offSinceLoad = new ConsentedDelivery(options);
    offSinceLoad.stop(); // the stored "no", read at load
    expect(forget).toHaveBeenCalled(); // a "no" still removes what the browser keeps
    leaves.forEach(leave => leave());
    expect(forget).toHaveBeenCalled(); // a "no" still removes what the browser keeps

    // Its library ran: what it stores as the page goes carries the period's ids (`period` tells them).
    const switchedOff = new ConsentedDelivery({ ...options, period: () => () => true });
    switchedOff.start();
    switchedOff.stop(); // the user's "no" in this page: its library stores its queues as the page goes
    expect(forget).toHaveBeenCalledTimes(2);
    leaves.forEach(leave => leave());
    expect(forget).toHaveBeenCalledTimes(3);
  });

  it('a page switched off leaves what another tab keeps since alone as it is hidden or left; what its own period left is removed', () => {
    const leaves: Array<() => void> = [];
    const forget = jest.fn();
    let leftByThisPeriod = false;
    const consented = new ConsentedDelivery({
      create: () => ({ enqueue: () => {}, stop: () => {} }),
      forget,
      onPageLeave: (leave: () => void) => leaves.push(leave),
      period: () => () => leftByThisPeriod,
    });
    consented.start();
    consented.stop(); // the user's "no" in this page
    forget.mockClear();
    // Another tab, on since (a "yes" this page is not told of), keeps events with ids of its own.
    leaves.forEach(leave => leave()); // this tab hidden, or closed
    expect(forget).not.toHaveBeenCalled();
    // A tab that never learned of the "no" stored something with this period's ids as it went.
    leftByThisPeriod = true;
    leaves.forEach(leave => leave());
    expect(forget).toHaveBeenCalledTimes(1);
  });

  it('a page switched off before its library loaded (no id of its own) leaves what another tab keeps alone as it is hidden or left', () => {
    const leaves: Array<() => void> = [];
    const forget = jest.fn();
    const consented = new ConsentedDelivery({
      create: () => ({ enqueue: () => {}, stop: () => {} }),
      forget,
      onPageLeave: (leave: () => void) => leaves.push(leave),
      period: () => undefined, // no anonymous id known: the library never loaded, none is in the browser
    });
    consented.start();
    consented.stop();
    forget.mockClear();
    leaves.forEach(leave => leave());
    expect(forget).not.toHaveBeenCalled();
  });

  it('restart: the session ends as at a "no" (its library cut, calls captured before dropped), a new one begins, the browser is left alone', () => {
    let now = 1000;
    const sessions: Array<{ sent: string[]; stopped: boolean }> = [];
    const cut: number[] = [];
    const forget = jest.fn();
    const consented = new ConsentedDelivery({
      create: observe => {
        const session = { sent: [] as string[], stopped: false };
        const index = sessions.push(session) - 1;
        observe({ startSession() {}, send() {}, stop: () => cut.push(index) });
        return { enqueue: call => session.sent.push(String(call.properties.subject)), stop: () => (session.stopped = true) };
      },
      forget,
      onPageLeave: () => {},
      now: () => now,
    });
    consented.start();
    consented.enqueue(at(900, 'before'));
    now = 2000;
    consented.restart();
    consented.enqueue(at(1500, 'still being redacted'));
    consented.enqueue(at(2000, 'after'));
    expect(sessions).toEqual([
      { sent: ['before'], stopped: true },
      { sent: ['after'], stopped: false },
    ]);
    expect(cut).toEqual([0]);
    expect(forget).not.toHaveBeenCalled();
    consented.stop();
    expect(forget).toHaveBeenCalled(); // a "no" still removes what the browser keeps
  });

  describe('what a tab closed at the moment of a "no" stores after it', () => {
    beforeEach(() => jest.useFakeTimers());
    afterEach(() => jest.useRealTimers());

    /** `endedPeriodThere`: whether the browser holds something of the period the "no" ended (a closing tab stored it). */
    function withTimers() {
      const log: string[] = [];
      const browser = { endedPeriodThere: true };
      const consented = new ConsentedDelivery({
        create: () => {
          log.push('new session');
          return { enqueue: () => {}, stop: () => {} };
        },
        forget: () => log.push('forget'),
        onPageLeave: () => {},
        setTimeout: (run, ms) => setTimeout(run, ms),
        period: () => () => browser.endedPeriodThere,
      });
      return { consented, log, advance: (ms: number) => jest.advanceTimersByTime(ms), browser };
    }

    it(`is removed once more ${SETTLE_MS} ms after the switch-off, while still off`, () => {
      const { consented, log, advance } = withTimers();
      consented.start();
      consented.stop();
      expect(log).toEqual(['new session', 'forget']);
      advance(SETTLE_MS - 1);
      expect(log).toEqual(['new session', 'forget']);
      advance(1);
      expect(log).toEqual(['new session', 'forget', 'forget']);
    });

    it('switched on again within that time: removed before the new session starts, not after it', () => {
      const { consented, log, advance } = withTimers();
      consented.start();
      consented.stop();
      advance(500);
      consented.start();
      advance(SETTLE_MS);
      expect(log).toEqual(['new session', 'forget', 'forget', 'new session']);
    });

    it('switched on again later: the new session starts on what the browser keeps then', () => {
      const { consented, log, advance } = withTimers();
      consented.start();
      consented.stop();
      advance(SETTLE_MS + 1);
      consented.start();
      expect(log).toEqual(['new session', 'forget', 'forget', 'new session']);
    });

    it("nothing of the ended period there (another tab's \"yes\" since, with ids of its own, which this page may not be told of): nothing removed again", () => {
      const { consented, log, advance, browser } = withTimers();
      consented.start();
      consented.stop();
      browser.endedPeriodThere = false;
      advance(500);
      consented.start(); // told of that "yes" late
      consented.restart(); // or switched off and on again unseen
      advance(SETTLE_MS);
      expect(log).toEqual(['new session', 'forget', 'new session', 'new session']);
      consented.stop();
      advance(SETTLE_MS);
      expect(log).toEqual(['new session', 'forget', 'new session', 'new session', 'forget']);
    });

    it('a page off since it loaded removes what the browser keeps once (other tabs may have switched on since)', () => {
      const { consented, log, advance } = withTimers();
      consented.stop();
      advance(SETTLE_MS * 2);
      expect(log).toEqual(['forget']);
    });
  });
});
