import { IdentityApi } from '@backstage/core-plugin-api';

/** Knobs the end-to-end tests set with an init script; absent in normal use. */
type HarnessKnobs = { identityDelayMs?: number };

/**
 * Delays the identity by `window.__SEGMENT_HARNESS__.identityDelayMs`, so the
 * tests can show events waiting for a slow identity. Without the knob the
 * app's identity API is returned untouched.
 */
export function withHarnessIdentity(identityApi: IdentityApi): IdentityApi {
  const knobs: HarnessKnobs = (window as any).__SEGMENT_HARNESS__ ?? {};
  const delay = knobs.identityDelayMs;
  if (!delay) return identityApi;
  return {
    getProfileInfo: () => identityApi.getProfileInfo(),
    getCredentials: () => identityApi.getCredentials(),
    signOut: () => identityApi.signOut(),
    getBackstageIdentity: async () => {
      const identity = await identityApi.getBackstageIdentity();
      await new Promise(r => setTimeout(r, delay));
      return identity;
    },
  };
}
