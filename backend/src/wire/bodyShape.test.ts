import { bodyShape } from './bodyShape';

describe('bodyShape', () => {
  it.each([
    ['a single call', '{"type":"track","event":"e","properties":{"a":[1,{}]},"context":{}}', { containers: 5, messages: 1 }],
    ['a batch of two', '{"batch":[{"type":"page"},{"type":"track","properties":{}}],"sentAt":"x"}', { containers: 5, messages: 2 }],
    ['braces inside strings', '{"batch":[{"event":"{[{[\\"]}"},{"s":"\\\\"}]}', { containers: 4, messages: 2 }],
    ['arrays in a batch are not messages', '{"batch":[[],{"a":{"b":{}}}]}', { containers: 6, messages: 1 }],
    ['an empty batch', '{"batch":[]}', { containers: 2, messages: 1 }],
    ['not JSON', 'hello', { containers: 0, messages: 1 }],
  ])('%s', (_name, text, expected) => {
    expect(bodyShape(text)).toEqual(expected);
  });

  it('counts what the parsed value holds', () => {
    const value = { batch: Array.from({ length: 50 }, (_, i) => ({ type: 'track', messageId: `m-${i}`, properties: { list: [{}, [], 'x{'] } })) };
    expect(bodyShape(JSON.stringify(value))).toEqual({ containers: 2 + 50 * 5, messages: 50 });
  });
});
