import {
  createApiFactory,
  discoveryApiRef,
  errorApiRef,
  fetchApiRef,
  identityApiRef,
  storageApiRef,
} from '@backstage/core-plugin-api';
import { UserSettingsStorage } from '@backstage/plugin-user-settings';

/** Knobs the end-to-end tests set with an init script; absent in normal use. */
type HarnessKnobs = {
  /** `user-settings`: the app's StorageApi is the user-settings backend's (a backend is needed). */
  storage?: 'user-settings';
};

/**
 * The dev app's StorageApi, when `window.__SEGMENT_HARNESS__.storage` is
 * `user-settings`: `UserSettingsStorage` of `@backstage/plugin-user-settings`,
 * which keeps each signed-in user's settings in the user-settings backend
 * (so that they follow the user to every browser). Otherwise none: the app's
 * default, the browser's storage.
 */
export function harnessStorageApis() {
  const knobs: HarnessKnobs = (window as any).__SEGMENT_HARNESS__ ?? {};
  if (knobs.storage !== 'user-settings') return [];
  return [
    createApiFactory({
      api: storageApiRef,
      deps: { discoveryApi: discoveryApiRef, fetchApi: fetchApiRef, errorApi: errorApiRef, identityApi: identityApiRef },
      factory: ({ discoveryApi, fetchApi, errorApi, identityApi }) =>
        UserSettingsStorage.create({ discoveryApi, fetchApi, errorApi, identityApi }),
    }),
  ];
}
