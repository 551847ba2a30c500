/** A digest as the `'sha-256'` transform makes it (HMAC too): 64 lower-case hex digits. */
export const isSha256Digest = (text: string): boolean => /^[0-9a-f]{64}$/.test(text);

// Made at each use (a digest per distinct id): an app's jest environment without TextEncoder (jsdom 20) can import the module.
const encode = (text: string) => new TextEncoder().encode(text);

function toHex(bytes: Uint8Array): string {
  let hex = '';
  for (const byte of bytes) hex += byte.toString(16).padStart(2, '0');
  return hex;
}

async function withWebCrypto(subtle: SubtleCrypto, text: string, key?: string): Promise<Uint8Array> {
  if (key === undefined) {
    return new Uint8Array(await subtle.digest('SHA-256', encode(text)));
  }
  const hmacKey = await subtle.importKey('raw', encode(key), { name: 'HMAC', hash: 'SHA-256' }, false, [
    'sign',
  ]);
  return new Uint8Array(await subtle.sign('HMAC', hmacKey, encode(text)));
}

/**
 * Used only where WebCrypto is missing: a page served over plain http from a
 * host other than localhost is not a secure context, so `crypto.subtle` is
 * undefined there. Loaded on demand, so secure contexts never download it.
 */
async function withNoble(text: string, key?: string): Promise<Uint8Array> {
  const { sha256 } = await import('@noble/hashes/sha2.js');
  if (key === undefined) return sha256(encode(text));
  const { hmac } = await import('@noble/hashes/hmac.js');
  return hmac(sha256, encode(key), encode(text));
}

/**
 * SHA-256 of `text` as 64 lowercase hex characters; with `key`,
 * HMAC-SHA-256 keyed by it, so that the ids cannot be reversed by hashing
 * a list of known entity refs.
 *
 * @param subtle - the WebCrypto implementation to use; by default the
 *   page's, which is absent outside secure contexts
 */
export async function hashUserId(
  text: string,
  key?: string,
  subtle: SubtleCrypto | undefined = globalThis.crypto?.subtle,
): Promise<string> {
  return toHex(subtle ? await withWebCrypto(subtle, text, key) : await withNoble(text, key));
}
