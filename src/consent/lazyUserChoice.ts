import type { StorageApi } from '@backstage/core-plugin-api';
import { callStoreKey } from '../delivery/callStore';
import { listenForPageLeave } from '../delivery/pageLifecycle';
import { storedOwnerKey } from '../delivery/storedOwner';
import type { SegmentCall } from '../mapping/SegmentCall';
import type { UserChoiceOptions } from './followUserChoice';

/** Most events held while the consent rules' code loads. */
const MAX_HELD = 1000;

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
  enqueue(call: SegmentCall): void;
} {
  const options: UserChoiceOptions<T> = {
    ...given,
    storageApi,
    moduleKeys: [callStoreKey(given.writeKey), storedOwnerKey(given.writeKey)],
    onPageLeave: listenForPageLeave,
  };
  let rules: ReturnType<typeof lazyUserChoice<T>> | undefined;
  let held: T[] | undefined = [];
  import(/* webpackChunkName: "segment-consent" */ './followUserChoice').then(
    m => {
      rules = m.followUserChoice(options);
      const waiting = held ?? [];
      held = undefined;
      waiting.forEach(item => rules!.capture(item));
    },
    error => {
      held = undefined;
      options.warn('consent-code', `Segment analytics is off: the code of the user's choice could not be loaded: ${String(error)}`);
    },
  );
  return {
    capture(item) {
      if (rules) rules.capture(item);
      else if (held && held.length < MAX_HELD) held.push(item);
    },
    enqueue: call => rules?.enqueue(call),
  };
}
