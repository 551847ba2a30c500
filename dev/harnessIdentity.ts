import { IdentityApi } from '@backstage/core-plugin-api';

/** Knobs the end-to-end tests set with an init script; absent in normal use. */
type HarnessKnobs = {
  identityDelayMs?: number;
  /** Signs the guest in as this user instead (two people sharing one browser, say). */
  userEntityRef?: string;
};

/**
 * Delays the identity by `window.__SEGMENT_HARNESS__.identityDelayMs`, so the
 * tests can show events waiting for a slow identity, and replaces the user
 * with `userEntityRef` when set. Without knobs the app's identity API is
 * returned untouched.
 */
export function withHarnessIdentity(identityApi: IdentityApi): IdentityApi {
  const knobs: HarnessKnobs = (window as any).__SEGMENT_HARNESS__ ?? {};
  const { identityDelayMs: delay, userEntityRef } = knobs;
  if (!delay && !userEntityRef) return identityApi;
  return {
    getProfileInfo: () => identityApi.getProfileInfo(),
    getCredentials: () => identityApi.getCredentials(),
    signOut: () => identityApi.signOut(),
    getBackstageIdentity: async () => {
      const identity = await identityApi.getBackstageIdentity();
      if (delay) await new Promise(r => setTimeout(r, delay));
      return userEntityRef ? { ...identity, userEntityRef } : identity;
    },
  };
}
