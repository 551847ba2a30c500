import { REDACTED } from './PrivacyConfig';

/**
 * A parameter's value in base64 (standard or URL-safe, its `+`, `/`, `=`
 * percent-encoded or not), long enough to hold an entity ref: where apps
 * keep state in URLs (the catalog's `cursor`: JSON holding the filters, the
 * user's ownership refs among them). Its `=` percent-encoded too, to any
 * depth (a URL inside another's parameter), and so what ends it.
 */
const BASE64_VALUE = /(=|%(?:25)*3[Dd])((?:[A-Za-z0-9_+/-]|%(?:25)*2[BbFf]){16,}(?:=|%(?:25)*3[Dd]){0,2})(?=$|[&#;,)\s"'<>]|%(?:25)*2[36])/g;

/** The text a base64 value decodes to (its bytes as Latin-1), or undefined when it is not base64. */
function decodeBase64(value: string): string | undefined {
  try {
    let plain = value;
    while (plain.includes('%')) plain = decodeURIComponent(plain);
    return atob(plain.replace(/-/g, '+').replace(/_/g, '/'));
  } catch {
    return undefined;
  }
}

/**
 * `text` with each parameter value in base64 whose decoded text `holdsRef`
 * (a user entity ref, in any form) replaced by the redaction mark: one
 * decoding away from plaintext, it cannot be pseudonymized in place.
 */
export function redactBase64Values(text: string, holdsRef: (decoded: string) => boolean): string {
  if (!text.includes('=') && !text.includes('%')) return text;
  return text.replace(BASE64_VALUE, (whole, equals: string, value: string) => {
    const decoded = decodeBase64(value);
    return decoded !== undefined && holdsRef(decoded) ? `${equals}${REDACTED}` : whole;
  });
}
