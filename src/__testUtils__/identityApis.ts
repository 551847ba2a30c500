import { IdentityApi } from '@backstage/core-plugin-api';
import { mockApis } from '@backstage/test-utils';

/** An IdentityApi of the tests, with how often `getBackstageIdentity` was asked. */
export type CountedIdentityApi = IdentityApi & { readonly calls: number };

/** Options of {@link userIdentity}. */
export type UserIdentityOptions = {
  /** The user's ownership refs; the user's own ref alone by default. */
  ownershipEntityRefs?: string[];
  /** How long `getBackstageIdentity` takes to answer, in ms; at once by default. */
  delayMs?: number;
  /** Profile and credentials the app would also give (`mockApis.identity` options). */
  email?: string;
  displayName?: string;
  token?: string;
};

/**
 * The signed-in user `ref`, as a Backstage app gives the module its
 * IdentityApi: Backstage's own `mockApis.identity`, answering after
 * `delayMs` when given (on timers, so fake timers control it).
 */
export function userIdentity(ref: string, options: UserIdentityOptions = {}): CountedIdentityApi {
  const { ownershipEntityRefs = [ref], delayMs = 0, ...profile } = options;
  const api = mockApis.identity({ userEntityRef: ref, ownershipEntityRefs, ...profile });
  const answer = () => api.getBackstageIdentity();
  return counted(api, () =>
    delayMs > 0 ? new Promise(resolve => setTimeout(resolve, delayMs)).then(answer) : answer(),
  );
}

/**
 * An IdentityApi whose `getBackstageIdentity` is `answer`: for identities that
 * fail, answer late, or answer with something no app should (a Symbol thrown,
 * `null`, a Proxy).
 */
export function identityAnswering(answer: () => Promise<unknown>): CountedIdentityApi {
  return counted(mockApis.identity(), answer as IdentityApi['getBackstageIdentity']);
}

function counted(api: IdentityApi, getBackstageIdentity: IdentityApi['getBackstageIdentity']): CountedIdentityApi {
  let calls = 0;
  return {
    getProfileInfo: () => api.getProfileInfo(),
    getCredentials: () => api.getCredentials(),
    signOut: () => api.signOut(),
    getBackstageIdentity: () => {
      calls += 1;
      return getBackstageIdentity();
    },
    get calls() {
      return calls;
    },
  } as CountedIdentityApi;
}
