import { redactBase64Values } from './base64Values';

const holdsJane = (decoded: string) => decoded.includes('user:default/jane.doe');
const b64 = (text: string) => btoa(text);
const urlSafe = (text: string) => btoa(text).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
/** Bytes whose base64 has `+` and `/` in it. */
const WITH_SIGNS = '\u00fb\u00ef\u00bf user:default/jane.doe \u00fb\u00ff';

describe('redactBase64Values', () => {
  it.each<[string, string, string]>([
    ['standard base64 with padding', `?cursor=${b64('{"o":["user:default/jane.doe"]}')}`, '?cursor=[redacted]'],
    ['percent-encoded, as qs writes it', `?a=1&cursor=${encodeURIComponent(b64(WITH_SIGNS))}&b=2`, '?a=1&cursor=[redacted]&b=2'],
    ['URL-safe, without padding', `/x#state=${urlSafe(WITH_SIGNS)}`, '/x#state=[redacted]'],
    ['in running text', `see https://a.example/?c=${b64('user:default/jane.doe')} now`, 'see https://a.example/?c=[redacted] now'],
    ['followed by a comma or a parenthesis', `(?c=${b64('user:default/jane.doe')}), ?d=${b64('user:default/jane.doe')},`, '(?c=[redacted]), ?d=[redacted],'],
    [
      "in another URL's parameter, encoded twice",
      `?next=${encodeURIComponent(`/b?returnTo=${encodeURIComponent(`/c?cursor=${encodeURIComponent(b64(WITH_SIGNS))}&x=1`)}`)}`,
      `?next=${encodeURIComponent(`/b?returnTo=${encodeURIComponent('/c?cursor=')}`)}[redacted]${encodeURIComponent(encodeURIComponent('&x=1'))}`,
    ],
  ])('redacts a value %s', (_name, text, expected) => {
    expect(redactBase64Values(text, holdsJane)).toBe(expected);
  });

  it.each<[string, string]>([
    ['base64 of text naming no one', `?cursor=${b64('{"kind":"component","page":2}')}`],
    ['too short to hold a ref', `?c=${b64('user:a')}`],
    ['not base64', '?token=not*base64*at*all*here'],
    ['a plain word', '?q=documentationpages'],
    ['no parameter', b64('user:default/jane.doe')],
  ])('leaves %s', (_name, text) => {
    expect(redactBase64Values(text, holdsJane)).toBe(text);
  });
});
