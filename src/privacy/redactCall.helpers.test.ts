import { REDACTED } from './PrivacyConfig';
import { keepAllowed, redactValue } from './redactCall';

describe('redactCall helpers', () => {
  it('redactValue leaves numbers, booleans, null, undefined and bigint alone', () => {
    const text = (s: string) => `<${s}>`;
    expect([1, true, null, undefined, 10n].map(v => redactValue(v, text))).toEqual([1, true, null, undefined, 10n]);
    expect(redactValue(['a', { b: 'c' }], text)).toEqual(['<a>', { '<b>': '<c>' }]);
  });

  it('redactValue stops at a depth limit instead of following a cycle', () => {
    const cyclic: Record<string, unknown> = { s: 'x' };
    cyclic.self = cyclic;
    const out = redactValue(cyclic, s => (s === 'x' ? 'y' : s)) as any;
    expect(out.s).toBe('y');
    let depth = 0;
    let node = out;
    for (; typeof node === 'object'; node = node.self) depth++;
    expect(depth).toBeLessThan(30);
    expect(node).toBe(REDACTED);
    expect(() => JSON.stringify(out)).not.toThrow();
  });

  it('redactValue does bounded work on a graph that shares children (10^12 paths)', () => {
    let graph: Record<string, unknown> = { leaf: 'x' };
    for (let level = 0; level < 12; level++) {
      const next: Record<string, unknown> = {};
      for (let k = 0; k < 10; k++) next[`k${k}`] = graph;
      graph = next;
    }
    let visited = 0;
    redactValue(graph, s => {
      visited++;
      return s;
    });
    expect(visited).toBeLessThan(100_000);
  });

  it("keepAllowed with '*' returns the same object", () => {
    const attributes = { a: 1 };
    expect(keepAllowed(attributes, '*')).toBe(attributes);
  });

  it.each([
    ['a string', 'token=secret'],
    ['an array', ['secret', { a: 1 }]],
    ['a number', 7],
    ['null', null],
  ])('keepAllowed with a list leaves out attributes that are not an object of named keys (%s)', (_, value) => {
    expect(keepAllowed(value, new Set(['a', '0']))).toBeUndefined();
  });
});
