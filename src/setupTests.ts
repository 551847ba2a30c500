import '@testing-library/jest-dom';
import { configure } from '@testing-library/dom';
import { webcrypto } from 'node:crypto';
import { WRITE_KEY_CLAIMS } from './oncePerWriteKey';

// jsdom has no WebCrypto digest; install Node's real implementation (not a mock).
if (!globalThis.crypto?.subtle) {
  Object.defineProperty(globalThis, 'crypto', { value: webcrypto, configurable: true });
}

// Each test is a page of its own: forget the write keys claimed by the
// instances of earlier tests (never twice, src/oncePerWriteKey.ts).
beforeEach(() => {
  delete (globalThis as Record<symbol, unknown>)[WRITE_KEY_CLAIMS];
});

// `findBy*` and `waitFor` wait for a condition; how long they may wait is no
// assertion. Testing Library's 1 s bound fails app renders on a machine busy
// with the end-to-end tests (npm test runs jest beside them): wait longer.
configure({ asyncUtilTimeout: 15_000 });
