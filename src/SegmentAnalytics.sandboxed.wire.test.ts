import { userIdentity, setupWireCollector } from './__testUtils__/wireTest';

// A sandboxed or opaque-origin page: reaching localStorage and reading or
// writing document.cookie throw SecurityError, from before the library is
// first loaded (its own file: the library reads localStorage once, when its
// module is first evaluated). The whole module, on the wire.

const wire = setupWireCollector('sandboxed');
const context = { routeRef: 'home', pluginId: 'app', extension: 'App' };
const denied = () => {
  throw new DOMException('The document is sandboxed and lacks the allow-same-origin flag.', 'SecurityError');
};

let restore: () => void;
beforeAll(() => {
  const storage = Object.getOwnPropertyDescriptor(window, 'localStorage')!;
  const cookie = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')!;
  restore = () => {
    Object.defineProperty(window, 'localStorage', storage);
    Object.defineProperty(Document.prototype, 'cookie', cookie);
  };
});
afterEach(() => restore());

it('every event is delivered, with one warning saying what the page refuses, and none per event', async () => {
  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  Object.defineProperty(window, 'localStorage', { configurable: true, get: denied });
  Object.defineProperty(Document.prototype, 'cookie', { configurable: true, get: denied, set: denied });
  const instance = wire.create({}, { identityApi: userIdentity('user:default/jane') });
  for (let i = 0; i < 5; i++) instance.analytics.captureEvent({ action: 'click', subject: `s${i}`, context });
  const messages = await instance.waitFor(m => m.filter(x => x.event === 'click').length >= 5);
  expect(messages.filter(x => x.event === 'click').map(x => x.userId)).toEqual(Array(5).fill('user:default/jane'));
  const warnings = warn.mock.calls.map(c => String(c[0]));
  expect(warnings).toEqual([
    // The library's own, once, as its module is evaluated on such a page (nothing the module can change).
    'Unable to access localStorage',
    'Segment analytics: localStorage cannot be used (SecurityError: The document is sandboxed and lacks the allow-same-origin flag.) ' +
      'and cookies cannot be used (SecurityError: The document is sandboxed and lacks the allow-same-origin flag.); ' +
      'analytics keeps working from memory: events are still sent, but those not yet sent when the page is left may be lost, ' +
      'and the anonymous id does not survive a reload',
  ]);
});
