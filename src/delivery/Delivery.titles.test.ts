import { SegmentCall } from '../mapping/SegmentCall';
import { titleWaitMs } from '../mapping/pageHistory';
import { Delivery } from './Delivery';
import { clickCall as call, drivenLifecycle, recordingTransport } from '../__testUtils__/deliveryTestKit';

// A page call waits (bounded) for the document's title to change, so that it
// carries the title of the page it reports; the calls behind it wait in order.

const page = { url: 'http://x/', path: '/', search: '', title: 't', referrer: '' };
const logger = () => ({ warn: jest.fn(), info: jest.fn() });
const advance = (ms: number) => jest.advanceTimersByTimeAsync(ms);

beforeEach(() => jest.useFakeTimers());
afterEach(() => jest.useRealTimers());

describe('Delivery: page titles', () => {
  const nav = (url: string, title: string): SegmentCall => ({
    type: 'page',
    properties: { subject: url, action: 'navigate' },
    page: { ...page, url, title },
    timestamp: new Date(),
  });

  function titled() {
    const doc = { href: 'http://x/a', title: 'Old' };
    const { sent, transport } = recordingTransport();
    const titles: string[] = [];
    const life = drivenLifecycle();
    const d = new Delivery({
      transport: Promise.resolve(transport),
      identityTimeoutMs: 0,
      logger: logger(),
      beforeSend: c => {
        if (c.type === 'page') titles.push(doc.href === c.page.url ? doc.title : c.page.title);
        return c;
      },
      holdMs: (c, now) => titleWaitMs(c, doc, now, 1000),
      onPageLeave: life.onPageLeave,
    });
    return { doc, sent, titles, d, life };
  }

  it('a page call waits for the title to change; calls behind it wait too, in order', async () => {
    const { doc, sent, titles, d } = titled();
    await advance(1);
    d.enqueue(nav('http://x/a', 'Old'));
    d.enqueue(call('after-nav'));
    await advance(300);
    expect(sent).toEqual(['anonymous session']);
    doc.title = 'Page A';
    await advance(60);
    expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous', 'click after-nav as anonymous']);
    expect(titles).toEqual(['Page A']);
  });

  it('waits no longer than the bound when the title never changes', async () => {
    const { sent, d } = titled();
    await advance(1);
    d.enqueue(nav('http://x/a', 'Old'));
    await advance(900);
    expect(sent).toEqual(['anonymous session']);
    await advance(160);
    expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous']);
  });

  it('leaving the page releases a waiting page call and everything behind it at once', async () => {
    const { sent, d, life } = titled();
    await advance(1);
    d.enqueue(nav('http://x/a', 'Old'));
    d.enqueue(call('click-away'));
    life.leave();
    expect(sent).toEqual(['anonymous session', 'page http://x/a as anonymous', 'click click-away as anonymous']);
  });
});
