import { IdentityApi } from '@backstage/core-plugin-api';

/** Knobs the end-to-end tests set with an init script; absent in normal use. */
type HarnessKnobs = {
  identityDelayMs?: number;
  /** The identity API fails (rejects), as a broken sign-in backend's would. */
  identityFails?: boolean;
  /** Signs the guest in as this user instead (two people sharing one browser, say). */
  userEntityRef?: string;
};

/**
 * The groups the harness's guest belongs to, so that team analytics
 * (`groups: true`) has something to send.
 */
export const HARNESS_GROUPS = ['group:default/team-a', 'group:default/team-b'];

/**
 * The dev app's identity API, with the guest made a member of
 * {@link HARNESS_GROUPS} (added to its ownership refs), delayed by
 * `window.__SEGMENT_HARNESS__.identityDelayMs` when set, so the tests can
 * show events waiting for a slow identity, failing when `identityFails` is
 * set, and with the user replaced by `userEntityRef` when set (two people
 * sharing one browser, say).
 */
export function withHarnessIdentity(identityApi: IdentityApi): IdentityApi {
  const knobs: HarnessKnobs = (window as any).__SEGMENT_HARNESS__ ?? {};
  const { identityDelayMs: delay, identityFails, userEntityRef } = knobs;
  return {
    getProfileInfo: () => identityApi.getProfileInfo(),
    getCredentials: () => identityApi.getCredentials(),
    signOut: () => identityApi.signOut(),
    getBackstageIdentity: async () => {
      if (identityFails) throw new Error('the harness identity API fails (identityFails)');
      const identity = await identityApi.getBackstageIdentity();
      if (delay) await new Promise(r => setTimeout(r, delay));
      const refs = identity.ownershipEntityRefs ?? [];
      const ownershipEntityRefs = [...refs, ...HARNESS_GROUPS.filter(g => !refs.includes(g))];
      return { ...identity, ownershipEntityRefs, ...(userEntityRef && { userEntityRef }) };
    },
  };
}
