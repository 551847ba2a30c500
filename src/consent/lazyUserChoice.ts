import type { StorageApi } from '@backstage/core-plugin-api';
import { callStoreKey } from '../delivery/callStore';
import { listenForPageLeave } from '../delivery/pageLifecycle';
import { storedOwnerKey } from '../delivery/storedOwner';
import type { SegmentCall } from '../mapping/SegmentCall';
import type { UserChoiceOptions } from './followUserChoice';

/** Most events held while the consent rules' code loads (as many as wait for the library); the oldest are dropped beyond it. */
export const MAX_HELD_FOR_CONSENT_CODE = 5000;

/**
 * {@link followUserChoice}, its code loaded lazily (it is not on the app's
 * first load): events captured meanwhile are held, in order, and handed to
 * it once loaded. Should the code fail to load, nothing is sent (the
 * library's chunk could not load either), with one warning.
 */
export function lazyUserChoice<T>(
  storageApi: StorageApi,
  given: Omit<UserChoiceOptions<T>, 'storageApi' | 'moduleKeys' | 'onPageLeave'>,
): {
  capture(item: T): void;
  enqueue(call: SegmentCall, waitedMs?: number): void;
} {
  const options: UserChoiceOptions<T> = {
    ...given,
    storageApi,
    moduleKeys: [callStoreKey(given.writeKey), storedOwnerKey(given.writeKey)],
    onPageLeave: listenForPageLeave,
  };
  type Rules = ReturnType<typeof lazyUserChoice<T>>;
  let state: { kind: 'loading'; held: T[]; dropped: number } | { kind: 'loaded'; rules: Rules } | { kind: 'failed' } = {
    kind: 'loading',
    held: [],
    dropped: 0,
  };
  import(/* webpackChunkName: "segment-consent" */ './followUserChoice').then(
    m => {
      const rules = m.followUserChoice(options);
      const loading = state.kind === 'loading' ? state : undefined;
      state = { kind: 'loaded', rules };
      if (loading?.dropped) {
        options.warn(
          'consent-held',
          `Segment analytics: ${loading.dropped} events were dropped (the oldest) while more than ${MAX_HELD_FOR_CONSENT_CODE} ` +
            "waited for the code of the user's choice to load",
        );
      }
      loading?.held.forEach(item => rules.capture(item));
    },
    error => {
      state = { kind: 'failed' };
      options.warn('consent-code', `Segment analytics is off: the code of the user's choice could not be loaded: ${String(error)}`);
    },
  );
  return {
    capture(item) {
      if (state.kind === 'loaded') state.rules.capture(item);
      else if (state.kind === 'loading') {
        if (state.held.length >= MAX_HELD_FOR_CONSENT_CODE) {
          const oldest = state.held.shift()!;
          given.onDropped?.(oldest);
          state.dropped++;
        }
        state.held.push(item);
      }
    },
    enqueue: (call, waitedMs) => {
      if (state.kind === 'loaded') state.rules.enqueue(call, waitedMs);
    },
  };
}
