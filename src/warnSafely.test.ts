import { createWarnOnce, describeError, safeLogger } from './warnSafely';

describe('describeError', () => {
  it.each<[string, () => unknown, string]>([
    ['an Error', () => new Error('boom'), 'Error: boom'],
    ['a string', () => 'plain', 'plain'],
    ['a Symbol', () => Symbol('s'), 'Symbol(s)'],
    ['undefined', () => undefined, 'undefined'],
    ['an object without a prototype', () => Object.create(null), '[object Object]'],
    ['an object whose toString throws', () => ({ toString: () => { throw new Error('no'); } }), '[object Object]'],
    ['an Error whose message getter throws', () => Object.defineProperty(new Error(), 'message', { get() { throw new Error('no'); } }), '[object Error]'],
    [
      'a Proxy that throws on every trap',
      () => new Proxy({}, { get() { throw new Error('trap'); }, getPrototypeOf() { throw new Error('trap'); } }),
      'an error that cannot be described',
    ],
  ])('%s', (_label, error, expected) => {
    expect(describeError(error())).toBe(expected);
  });
});

describe('safeLogger', () => {
  it('passes everything through to the console it wraps', () => {
    const sink = { warn: jest.fn(), info: jest.fn() };
    const logger = safeLogger(sink);
    logger.warn('w', 1);
    logger.info('i', { a: 1 });
    expect(sink.warn).toHaveBeenCalledWith('w', 1);
    expect(sink.info).toHaveBeenCalledWith('i', { a: 1 });
  });

  it.each<[string, object]>([
    ['methods that throw', { warn: () => { throw new Error('broken'); }, info: () => { throw Symbol('odd'); } }],
    ['no methods at all', {}],
    ['getters that throw', Object.defineProperties({}, { warn: { get() { throw new Error('x'); } }, info: { get() { throw new Error('x'); } } })],
  ])('never throws, with a console with %s', (_label, sink) => {
    const logger = safeLogger(sink as Console);
    expect(() => logger.warn('w')).not.toThrow();
    expect(() => logger.info('i')).not.toThrow();
  });

  it('sends errors to warn when the logger it wraps has no error method', () => {
    const warn = jest.fn();
    safeLogger({ warn, info: jest.fn() }).error('Segment analytics is off: x');
    expect(warn).toHaveBeenCalledWith('Segment analytics is off: x');
  });

  it('wrapping a safe logger again changes nothing', () => {
    const logger = safeLogger(console);
    expect(safeLogger(logger)).toBe(logger);
  });
});

describe('createWarnOnce', () => {
  it('warns once per topic', () => {
    const sink = { warn: jest.fn(), info: jest.fn() };
    const warnOnce = createWarnOnce(sink);
    warnOnce('a', 'first a');
    warnOnce('a', 'second a');
    warnOnce('b', 'first b');
    expect(sink.warn.mock.calls).toEqual([['first a'], ['first b']]);
  });
});
