import type { RelayConfig } from './RelayConfig';
import { CONFIG_ROOT } from './readRelayConfig';

/** Below this many characters the HMAC key is accepted, with a warning. */
export const SHORT_KEY = 32;

/**
 * What is valid in the relay's settings but weak, to be logged once at
 * start-up. Pure; never quotes a key.
 */
export function relayConfigWarnings(config: Pick<RelayConfig, 'hmacKey'>): string[] {
  const warnings: string[] = [];
  if (config.hmacKey.length < SHORT_KEY) {
    warnings.push(
      `${CONFIG_ROOT}.hmacKey is shorter than ${SHORT_KEY} characters: a short key can be found by trying keys against ` +
        "one known user's id; use a long random secret unless you keep a frontend userIdSalt's ids",
    );
  }
  if (config.hmacKey.trim() !== config.hmacKey) {
    // Not trimmed: the ids it made so far would change.
    warnings.push(
      `${CONFIG_ROOT}.hmacKey begins or ends with white space (a secret file's last newline?): it is used as it is, ` +
        "white space included; a frontend userIdSalt gives the same ids only if it is the same, white space included",
    );
  }
  return warnings;
}
