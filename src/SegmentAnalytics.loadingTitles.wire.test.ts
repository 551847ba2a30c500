import { nextMillisecond } from './__testUtils__/fakeTime';
import { wireAtHome } from './__testUtils__/wireAtHome';
import { setupWireCollector } from './__testUtils__/wireTest';

// A page that sets an interim title at once and its own once its content has
// loaded (the scaffolder's /create: "Create a new component | App", then
// "Create a new component | Templates | App" after its catalog query), with a
// progress indicator shown meanwhile: its page call waits for the page's own
// title while the content loads (at most 3 s from the navigation), however
// long the interim title stays. The real library, to the embedded collector.

const wire = setupWireCollector('loading-titles');
const ctx = { routeRef: 'scaffolder', pluginId: 'scaffolder', extension: 'ScaffolderPage' };

/** The app on its home page, the library loaded and its first page call sent. */
const atHome = () => wireAtHome(wire, {}, ctx, 'Home | App');

/** A progress indicator as Backstage's `Progress` renders it (Material UI's LinearProgress), or a gauge with a value. */
function progress(value?: number) {
  const bar = document.createElement('div');
  bar.setAttribute('role', 'progressbar');
  if (value !== undefined) bar.setAttribute('aria-valuenow', String(value));
  document.body.append(bar);
  return bar;
}

afterEach(() => document.querySelectorAll('[role=progressbar]').forEach(bar => bar.remove()));

describe('a page call while its page loads its content (a progress indicator shown)', () => {
  it.each([
    ['the content loads in 1.5 s', 1500, 'Create a new component | Templates | App'],
    ['the content loads in 2.5 s', 2500, 'Create a new component | Templates | App'],
    // The bound: sent 3 s after the navigation with the title then.
    ['the content still loading after 3 s', 3500, 'Create a new component | App'],
  ])('%s: it carries the title as the content has loaded, within the bound', async (_, loadMs, expected) => {
    const { analytics, waitFor, inSendOrder } = await atHome();
    window.history.pushState({}, '', '/create');
    analytics.captureEvent({ action: 'navigate', subject: '/create', attributes: { n: 1 }, context: ctx });
    await jest.advanceTimersByTimeAsync(50);
    document.title = 'Create a new component | App';
    await jest.advanceTimersByTimeAsync(250);
    const bar = progress();
    await jest.advanceTimersByTimeAsync(loadMs - 300);
    bar.remove();
    document.title = 'Create a new component | Templates | App';
    nextMillisecond();
    analytics.captureEvent({ action: 'click', subject: 'Choose', attributes: { n: 2 }, context: ctx });
    await jest.advanceTimersByTimeAsync(3000);
    // Each call is a request of its own (they may arrive in any order): the order they were sent in.
    const messages = inSendOrder(await waitFor(m => [1, 2].every(n => m.some(x => x.properties?.attributes?.n === n))));
    const sent = (n: number) => messages.find(m => m.properties?.attributes?.n === n)!;
    expect(sent(1).properties.title).toBe(expected);
    // In order: the click waited behind the page call.
    expect(messages.indexOf(sent(1))).toBeLessThan(messages.indexOf(sent(2)));
  });

  it("a gauge (a progress bar with a value) is not loading: the page's title counts once it has stayed 1 s", async () => {
    const { analytics, waitFor } = await atHome();
    progress(40);
    window.history.pushState({}, '', '/usage');
    analytics.captureEvent({ action: 'navigate', subject: '/usage', attributes: { n: 1 }, context: ctx });
    await jest.advanceTimersByTimeAsync(50);
    document.title = 'Usage | App';
    await jest.advanceTimersByTimeAsync(1500);
    document.title = 'Usage, later | App';
    const messages = await waitFor(m => m.some(x => x.properties?.attributes?.n === 1));
    expect(messages.find(m => m.properties?.attributes?.n === 1)!.properties.title).toBe('Usage | App');
  });
});
