import type { IdentityApi, StorageApi } from '@backstage/core-plugin-api';
import { TransformKind, withTransform } from './config/callSettings';
import { EnabledSegmentConfig } from './config/SegmentConfig';
import { listenForPageLeave } from './delivery/pageLifecycle';
import { startRelayMode } from './relay/relayMode';
import { chooseUserIdTransform } from './identity/chooseUserIdTransform';
import { resolveIdentity } from './identity/resolveIdentity';
import { oncePerRef } from './identity/transformEntityRef';
import { UserIdTransformOption } from './identity/userIdOptions';
import { claimWriteKey, isWriteKeyClaimed, KeyHold } from './oncePerWriteKey';
import { dropKeptCallsSoon } from './delivery/dropKeptCalls';
import { createPrivacy, Privacy } from './privacy/createPrivacy';
import { browserOptsOut } from './privacy/optOut';
import { createUserPseudonyms } from './privacy/userPseudonyms';
import { GroupsOfIdentity, withGroups } from './teams/withGroups';
import { Logger } from './warnSafely';

/** What the app gives the module besides its config (the options of `SegmentAnalytics.fromConfig`). */
export type AppParts = {
  identityApi?: IdentityApi;
  userIdTransform?: UserIdTransformOption;
  storageApi?: StorageApi;
};

/** The parts an event's path is built from (see `eventPath.ts`), set up once per instance. */
export type PathParts = {
  config: EnabledSegmentConfig;
  /** Safe to call: never throws. */
  logger: Logger;
  warnOnce(topic: string, message: string): void;
  privacy: Privacy;
  /** The signed-in user's id and groups; absent without an identity API. */
  identity?: GroupsOfIdentity;
  /** The library is loaded once this settles (`delivery: backend`). */
  whenReady?: Promise<unknown>;
  /** `delivery: backend`: the relay answered a call 401 (its cookie is refreshed). */
  relayRefused?: () => boolean;
  /**
   * Settles once the user has signed in (their entity ref read) or their
   * identity failed: before their id where a transform is slow, and also
   * where it never answers. Never without an identity API.
   */
  signedIn?: Promise<void>;
  /** Where the user's own choice is kept; absent: no per-user choice. */
  storageApi?: StorageApi;
  /** The instance's hold on its write key: what it starts is stopped should it give the key up. */
  hold?: KeyHold;
};

/**
 * How long groups may still take once the user's id is known (the app's own
 * transform only): half the identity time-out, at least 250 ms. The user's
 * id, held back until then, is then usually known before the events waiting
 * for it time out.
 */
const groupTimeoutMs = (identityTimeoutMs: number) => Math.max(identityTimeoutMs / 2, 250);

/**
 * Sets up the parts of an enabled config's path, in this order: the
 * browser's opt-out, the user id transform, the write key (one instance
 * per key and page), `delivery: backend`, pseudonyms, privacy, the user's
 * identity. Undefined when the module stays off (the browser opts out, the
 * key is taken, the relay has no signed-in user); throws what the
 * transform's checks throw.
 */
export function setUpPathParts(
  config: EnabledSegmentConfig,
  app: AppParts,
  logger: Logger,
  warnOnce: PathParts['warnOnce'],
  hold?: KeyHold,
): PathParts | undefined {
  if (browserOptsOut(config.privacy, logger)) {
    // As when the user opts out: what analytics stored in this browser before is removed (its code is loaded lazily).
    import(/* webpackChunkName: "segment-consent" */ './consent/forgetBrowserData').then(m => m.forgetBrowserData(config.writeKey, []), () => {});
    return undefined;
  }
  const { identityApi } = app;
  const choice = chooseUserIdTransform(
    app.userIdTransform,
    config.userIdTransform,
    config.userIdSalt,
    config.relay !== undefined,
    config.privacy?.searchTerms === 'sha-256',
  );
  // After every check that throws: an instance that failed holds no key.
  if (!claimWriteKey(config.writeKey, logger, globalThis, hold?.holder)) return undefined;
  // Kept by an earlier config: no load of this one reads them (its own key's too; another instance's stay).
  if (config.agent.disableClientPersistence) dropKeptCallsSoon(key => key !== config.writeKey && isWriteKeyClaimed(key));
  choice.warnings.forEach(warning => logger.warn(warning));
  // `delivery: backend`: the relay's session cookie (and the library waits for its first attempt).
  const relay = startRelayMode(config, identityApi, logger);
  if (!relay) return undefined;
  if (relay.stop) hold?.onGiveUp(relay.stop);
  const salt = config.userIdSalt;
  // The identity and the privacy step both meet the user's ref: the app's function is asked once.
  const transform = oncePerRef(choice.transform);
  // With a transform, every user ref sent is pseudonymized with it (the user's own becomes their user id).
  const pseudonyms = transform && createUserPseudonyms({ transform, salt, timeoutMs: config.identityTimeoutMs });
  // Before delivery is created: on leaving the page, calls still being hashed reach delivery first.
  const privacy = createPrivacy(config.privacy, { salt, pseudonyms, onPageLeave: listenForPageLeave, warnOnce });
  const { groups } = config.team;
  const warn = (message: string) => logger.warn(message);
  // Signed in once the user's ref is read, whatever their transform then does (the user's stored choice waits for it).
  let signIn = () => {};
  const signedIn = new Promise<void>(resolve => (signIn = () => resolve()));
  const onUser = (ref: string, userId: Promise<string>) => {
    signIn();
    pseudonyms?.expectOwn(ref, userId);
  };
  // The same function as the pseudonyms' where there is one (asked once per ref); else the choice's ('sha-256' or none).
  const userIdTransform = transform ?? choice.userIdTransform;
  const identity =
    identityApi && withGroups(
      resolveIdentity({ identityApi, transform: userIdTransform, salt, groups, groupTimeoutMs: groupTimeoutMs(config.identityTimeoutMs), warn, onUser }),
    );
  identity?.userId.then(signIn, signIn);
  if (identity) relay.followUser?.(identity.userId);
  // A transform given in code wins over the config's: calls kept for the next load are made under it too.
  const kind: TransformKind = typeof transform === 'function' ? 'function' : transform ?? 'none';
  const settings = { ...config, callSettings: withTransform(config.callSettings, kind) };
  return { config: settings, logger, warnOnce, privacy, identity, whenReady: relay.whenReady, relayRefused: relay.refused, storageApi: app.storageApi, hold, signedIn: identity && signedIn };
}
