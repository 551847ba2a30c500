import '@testing-library/jest-dom';
import { webcrypto } from 'node:crypto';

// jsdom has no WebCrypto digest; install Node's real implementation (not a mock).
if (!globalThis.crypto?.subtle) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
}
