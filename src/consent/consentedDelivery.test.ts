import { SegmentCall } from '../mapping/SegmentCall';
import { ConsentedDelivery } from './consentedDelivery';

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
});
