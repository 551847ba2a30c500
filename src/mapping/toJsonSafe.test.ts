import { runInNewContext } from 'node:vm';
import { JSON_SAFE_MARKERS as M, JsonSafeProblem, MAX_DEPTH, MAX_STRING_CHARS, MAX_VALUES, toJsonSafe } from './toJsonSafe';

function nested(levels: number): unknown {
  let value: unknown = 'leaf';
  for (let i = 0; i < levels; i++) value = [value];
  return value;
}

const throwing = () =>
  new Proxy(
    {},
    {
      get() {
        throw new Error('get');
      },
      ownKeys() {
        throw new Error('ownKeys');
      },
      getPrototypeOf() {
        throw new Error('getPrototypeOf');
      },
    },
  );

type Case = { name: string; input: () => unknown; expected: unknown; problems: JsonSafeProblem[] };

const cycle = () => {
  const a: any = { name: 'a', list: [] };
  a.list.push(a, { up: a });
  return a;
};

const cases: Case[] = [
  { name: 'plain JSON stays equal', input: () => ({ a: 1, b: [true, null, 'x'], c: { d: 2.5 } }), expected: { a: 1, b: [true, null, 'x'], c: { d: 2.5 } }, problems: [] },
  { name: 'undefined stays undefined (JSON leaves it out)', input: () => ({ a: undefined }), expected: { a: undefined }, problems: [] },
  { name: 'a cycle becomes the circular marker', input: cycle, expected: { name: 'a', list: [M.circular, { up: M.circular }] }, problems: ['circular'] },
  {
    name: 'a shared (non-circular) object is copied twice, as JSON does',
    input: () => {
      const shared = { s: 1 };
      return { x: shared, y: shared };
    },
    expected: { x: { s: 1 }, y: { s: 1 } },
    problems: [],
  },
  { name: 'a BigInt becomes its decimal string', input: () => ({ n: BigInt(-42) }), expected: { n: '-42' }, problems: ['bigint'] },
  { name: 'functions and symbols become the unsupported marker', input: () => [() => 1, Symbol('s')], expected: [M.unsupported, M.unsupported], problems: ['unsupported'] },
  { name: 'symbol keys are left out, as JSON does', input: () => ({ [Symbol('k')]: 1, k: 2 }), expected: { k: 2 }, problems: [] },
  {
    name: 'a throwing getter becomes the unreadable marker, siblings kept',
    input: () => ({
      ok: 1,
      get bad() {
        throw new Error('x');
      },
    }),
    expected: { ok: 1, bad: M.unreadable },
    problems: ['unreadable'],
  },
  {
    name: 'a throwing toJSON becomes the unreadable marker',
    input: () => ({
      v: {
        toJSON() {
          throw new Error('x');
        },
      },
    }),
    expected: { v: M.unreadable },
    problems: ['unreadable'],
  },
  { name: 'toJSON is honoured (Date)', input: () => ({ at: new Date(86_400_000) }), expected: { at: '1970-01-02T00:00:00.000Z' }, problems: [] },
  { name: 'an invalid Date becomes null, as JSON does', input: () => ({ at: new Date(NaN) }), expected: { at: null }, problems: [] },
  { name: 'a Proxy throwing on every trap becomes the unreadable marker', input: () => ({ p: throwing() }), expected: { p: M.unreadable }, problems: ['unreadable'] },
  { name: 'the value itself a throwing Proxy', input: throwing, expected: M.unreadable, problems: ['unreadable'] },
  {
    name: 'a revoked Proxy becomes the unreadable marker',
    input: () => {
      const { proxy, revoke } = Proxy.revocable([], {});
      revoke();
      return [proxy];
    },
    expected: [M.unreadable],
    problems: ['unreadable'],
  },
  { name: `nesting ${MAX_DEPTH} deep is kept`, input: () => nested(MAX_DEPTH), expected: nested(MAX_DEPTH), problems: [] },
  {
    name: 'nesting 100,000 deep is cut at the depth limit, without a stack overflow',
    input: () => nested(100_000),
    expected: (() => {
      let v: unknown = M.tooDeep;
      for (let i = 0; i < MAX_DEPTH; i++) v = [v];
      return v;
    })(),
    problems: ['tooDeep'],
  },
  {
    name: `more than ${MAX_VALUES} values are cut with one marker`,
    input: () => Array.from({ length: MAX_VALUES * 3 }, () => 0),
    expected: [...Array.from({ length: MAX_VALUES - 1 }, () => 0), M.truncated],
    problems: ['truncated'],
  },
  {
    name: `a string over ${MAX_STRING_CHARS} characters is cut and marked`,
    input: () => 'x'.repeat(MAX_STRING_CHARS + 10),
    expected: 'x'.repeat(MAX_STRING_CHARS) + M.truncated,
    problems: [],
  },
  { name: 'a typed array is an object of its index keys, as JSON makes it', input: () => ({ b: new Uint8Array([7, 8, 9]) }), expected: { b: { 0: 7, 1: 8, 2: 9 } }, problems: [] },
  {
    name: `a 5,000,000-byte typed array is cut after ${MAX_VALUES} values with one marker, as an array is`,
    input: () => new Uint8Array(5_000_000),
    expected: {
      ...Object.fromEntries(Array.from({ length: MAX_VALUES - 1 }, (_, i) => [String(i), 0])),
      [M.truncated]: M.truncated,
    },
    problems: ['truncated'],
  },
  { name: 'a DataView has no own keys: {}', input: () => new DataView(new ArrayBuffer(8)), expected: {}, problems: [] },
  {
    name: 'a __proto__ key is left out (the library drops it), reported, and sets no prototype',
    input: () => JSON.parse('{"__proto__": {"p": 1}, "a": {"__proto__": 2, "b": 3}}'),
    expected: { a: { b: 3 } },
    problems: ['__proto__ key'],
  },
  {
    name: 'Number, String and Boolean objects are their values, as JSON makes them',
    // eslint-disable-next-line no-new-wrappers
    input: () => ({ n: new Number(5), s: new String('ab'), b: new Boolean(false), inArray: [new Number(-0)] }),
    expected: { n: 5, s: 'ab', b: false, inArray: [-0] },
    problems: [],
  },
  { name: "an object that only has Number's prototype is an object", input: () => ({ o: Object.create(Number.prototype) }), expected: { o: {} }, problems: [] },
  {
    name: 'wrapper objects of another realm (an iframe) are their values too',
    input: () => runInNewContext('({ n: new Number(5), s: new String("ab"), b: new Boolean(true), list: [new Number(1)] })'),
    expected: { n: 5, s: 'ab', b: true, list: [1] },
    problems: [],
  },
  {
    name: "a wrapper's own conversions are honoured, as JSON honours them",
    input: () => {
      /* eslint-disable no-new-wrappers */
      const n = Object.assign(new Number(5), { valueOf: () => 7 });
      const s = Object.assign(new String('ab'), { toString: () => 'zz' });
      class Answer extends Number {
        valueOf() {
          return 42;
        }
      }
      return { n, s, answer: new Answer(1) };
      /* eslint-enable no-new-wrappers */
    },
    expected: { n: 7, s: 'zz', answer: 42 },
    problems: [],
  },
  { name: 'a tag alone does not make a wrapper', input: () => ({ o: { [Symbol.toStringTag]: 'Number', a: 1 } }), expected: { o: { a: 1 } }, problems: [] },
  {
    name: 'a throwing Symbol.toStringTag (which JSON never reads) leaves an object an object',
    input: () => ({
      o: {
        a: 1,
        get [Symbol.toStringTag](): string {
          throw new Error('tag');
        },
      },
    }),
    expected: { o: { a: 1 } },
    problems: [],
  },
  { name: 'a BigInt object is its decimal string, as a BigInt is', input: () => ({ big: Object(BigInt(12)) }), expected: { big: '12' }, problems: ['bigint'] },
  {
    name: 'toJSON is called with its key, as JSON calls it (the index as text in an array, "" at the top)',
    input: () => {
      const named = { toJSON: (key: string) => `key:${key}` };
      return { when: named, list: [named], top: { toJSON: (key: string) => ({ inner: named, key }) } };
    },
    expected: { when: 'key:when', list: ['key:0'], top: { inner: 'key:inner', key: 'top' } },
    problems: [],
  },
  { name: 'toJSON at the top is called with ""', input: () => ({ toJSON: (key: string) => `key:${key}` }), expected: 'key:', problems: [] },
  { name: 'a Map becomes {} and NaN stays (JSON writes null)', input: () => ({ m: new Map([[1, 2]]), n: NaN }), expected: { m: {}, n: NaN }, problems: [] },
];

describe('toJsonSafe', () => {
  it.each(cases)('$name', ({ input, expected, problems }) => {
    const value = input();
    const seen = new Set<JsonSafeProblem>();
    let out: unknown;
    expect(() => {
      out = toJsonSafe(value, p => seen.add(p));
    }).not.toThrow();
    expect(out).toStrictEqual(expected);
    expect([...seen].sort()).toEqual([...problems].sort());
    expect(() => JSON.stringify(out)).not.toThrow();
    expect(({} as any).p).toBeUndefined();
  });

  it('never throws, even when the report callback does', () => {
    expect(() =>
      toJsonSafe(cycle(), () => {
        throw new Error('listener');
      }),
    ).not.toThrow();
  });

  it('leaves its input alone (frozen input is fine)', () => {
    const input = Object.freeze({ a: Object.freeze([1, Object.freeze({ b: BigInt(1) })]) });
    expect(toJsonSafe(input)).toStrictEqual({ a: [1, { b: '1' }] });
  });
});

describe('toJsonSafe and BigInt.prototype.toJSON (a polyfill some apps install)', () => {
  afterEach(() => {
    delete (BigInt.prototype as { toJSON?: unknown }).toJSON;
  });

  it('returning a BigInt (or a BigInt object) is not called again: the decimal string', () => {
    (BigInt.prototype as { toJSON?: unknown }).toJSON = function toJSON(this: bigint) {
      return Object(this);
    };
    const problems: JsonSafeProblem[] = [];
    expect(toJsonSafe({ id: BigInt(9), list: [BigInt(1), BigInt(2)] }, p => problems.push(p))).toStrictEqual({ id: '9', list: ['1', '2'] });
    expect(problems).toContain('bigint');
  });

  it('is called, as JSON calls it, with the key', () => {
    (BigInt.prototype as { toJSON?: unknown }).toJSON = function toJSON(this: bigint, key: string) {
      return `${this.toString()}n@${key}`;
    };
    const problems: JsonSafeProblem[] = [];
    expect(toJsonSafe({ id: BigInt(9) }, p => problems.push(p))).toStrictEqual({ id: '9n@id' });
    expect(problems).toEqual([]);
  });
});

describe('toJsonSafe with the key its value is found under', () => {
  it('gives it to a toJSON at the top, as JSON gives the property name', () => {
    expect(toJsonSafe({ toJSON: (key: string) => `key:${key}` }, () => {}, 'attributes')).toBe('key:attributes');
  });
});
