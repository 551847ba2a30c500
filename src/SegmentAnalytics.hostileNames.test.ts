import { JSON_SAFE_MARKERS } from './mapping/toJsonSafe';
import { Case, context, deepFreeze, expectHostileCase, watchTestMode } from './__testUtils__/hostileEvents';

// Hostile names and values (create subjects, empty or odd actions, Symbols,
// functions, frozen events, __proto__, huge arrays and strings) through the
// whole module in test mode, held to the same rules as in
// SegmentAnalytics.hostile.test.ts.

const watch = watchTestMode();

const cases: Case[] = [
  {
    name: 'create with an object subject: the name falls back, properties stay',
    event: () => ({ action: 'create', subject: { event: 'hijack', properties: { x: 1 } }, attributes: { keep: 1 }, context }),
    becomes: 'analytics.track("create")',
    warnsAbout: 'create',
    check: p => {
      expect(p.subject).toBe(JSON_SAFE_MARKERS.unsupported);
      expect(p.action).toBe('create');
      expect(p.attributes).toEqual({ keep: 1 });
      expect(p.pluginId).toBe('app');
    },
  },
  {
    name: 'create with an empty subject',
    event: () => ({ action: 'create', subject: '', context }),
    becomes: 'analytics.track("create")',
    check: p => expect(p.subject).toBe(''),
  },
  {
    name: 'create with a blank subject',
    event: () => ({ action: 'create', subject: '   ', context }),
    becomes: 'analytics.track("create")',
  },
  {
    name: 'create with a number subject',
    event: () => ({ action: 'create', subject: 42, context }),
    becomes: 'analytics.track("42")',
    check: p => expect(p.subject).toBe('42'),
  },
  {
    name: 'create with an undefined subject',
    event: () => ({ action: 'create', context }),
    becomes: 'analytics.track("create")',
    check: p => expect(p.subject).toBe(''),
  },
  {
    name: 'an empty action',
    event: () => ({ action: '', subject: 's', context }),
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
    check: p => expect(p.action).toBe('unknown'),
  },
  {
    name: 'an object action',
    event: () => ({ action: { name: 'click' }, subject: 's', context }),
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
  },
  {
    name: 'a Symbol action, subject and attribute',
    event: () => ({ action: Symbol('click'), subject: Symbol('s'), attributes: { s: Symbol('v'), [Symbol('k')]: 1 }, context }),
    becomes: 'analytics.track("unknown")',
    warnsAbout: 'unknown',
    check: p => {
      expect(p.subject).toBe(JSON_SAFE_MARKERS.unsupported);
      expect(p.attributes).toEqual({ s: JSON_SAFE_MARKERS.unsupported });
    },
  },
  {
    name: 'a function in the attributes',
    event: () => ({ action: 'fn', subject: 's', attributes: { run: () => 1 }, context }),
    becomes: 'analytics.track("fn")',
    warnsAbout: 'fn',
    check: p => expect(p.attributes).toEqual({ run: JSON_SAFE_MARKERS.unsupported }),
  },
  { name: 'null', event: () => null, becomes: 'analytics.track("unknown")', warnsAbout: 'unknown' },
  { name: 'undefined', event: () => undefined, becomes: 'analytics.track("unknown")', warnsAbout: 'unknown' },
  { name: 'a string', event: () => 'click', becomes: 'analytics.track("unknown")', warnsAbout: 'unknown' },
  {
    name: 'a context that is a string',
    event: () => ({ action: 'click', subject: 's', context: 'catalog' }),
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => expect(p.additionalContext).toEqual({}),
  },
  {
    name: 'a deeply frozen event (fine, no warning)',
    event: () => deepFreeze({ action: 'click', subject: 'frozen', attributes: { a: { b: [1, 2] } }, context: { ...context } }),
    becomes: 'analytics.track("click")',
    check: p => expect(p.attributes).toEqual({ a: { b: [1, 2] } }),
  },
  {
    name: 'a navigate event with a Date attribute (fine, no warning: ISO string)',
    event: () => ({ action: 'navigate', subject: '/x', attributes: { at: new Date(0) }, context }),
    becomes: 'analytics.page()',
    check: p => expect(p.attributes).toEqual({ at: '1970-01-01T00:00:00.000Z' }),
  },
  {
    name: 'a __proto__ attribute is left out (the library drops it) and pollutes nothing',
    event: () => ({ action: 'click', subject: 's', attributes: JSON.parse('{"__proto__": {"polluted": 1}, "kept": 1}'), context }),
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => {
      expect(p.attributes).toStrictEqual({ kept: 1 });
      expect(({} as any).polluted).toBeUndefined();
    },
  },
  {
    name: 'a toJSON returning a cycle',
    event: () => ({
      action: 'click',
      subject: 's',
      attributes: {
        odd: {
          toJSON() {
            const o: any = {};
            o.o = o;
            return o;
          },
        },
      },
      context,
    }),
    becomes: 'analytics.track("click")',
    warnsAbout: 'click',
    check: p => expect(p.attributes).toEqual({ odd: { o: JSON_SAFE_MARKERS.circular } }),
  },
  {
    name: 'a huge array (a million numbers): cut, then dropped as over 32 KB, with a warning',
    event: () => ({ action: 'bulk', subject: 's', attributes: { rows: Array.from({ length: 1_000_000 }, (_, i) => i) }, context }),
    becomes: undefined,
    warnsAbout: 'bulk',
  },
  {
    name: 'a huge string: cut to fit and marked',
    event: () => ({ action: 'paste', subject: 'x'.repeat(5_000_000), context }),
    becomes: 'analytics.track("paste")',
    check: p => expect(p.subject.length).toBeLessThan(2000),
  },
];

describe('SegmentAnalytics with hostile names and values', () => {
  it.each(cases)('$name', c => expectHostileCase(c, watch));
});
