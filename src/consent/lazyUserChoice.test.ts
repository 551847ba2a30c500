import { MockStorageApi } from '@backstage/test-utils';
import { lazyUserChoice, MAX_HELD_FOR_CONSENT_CODE } from './lazyUserChoice';
import { untilRealWork } from '../__testUtils__/realWork';
import { wallClockScheduler } from '../__testUtils__/fakeTime';

/**
 * A burst of MAX_HELD_FOR_CONSENT_CODE + 3 events in the task that creates
 * the choice (its code, a dynamic import, is not loaded yet); resolves with
 * what was forwarded once the code has loaded.
 */
async function burstWhileLoading(hooks: { onDropped?: (item: number) => void; warn?: (message: string) => void }) {
  const forwarded: number[] = [];
  const choice = lazyUserChoice<number>(MockStorageApi.create(), {
    config: { default: 'opt-out', waitMs: 3000 },
    writeKey: 'k',
    create: () => ({ enqueue: () => {}, stop: () => {} }),
    forward: item => forwarded.push(item),
    ...(hooks.onDropped && { onDropped: hooks.onDropped }),
    scheduler: wallClockScheduler,
    warn: (_topic, message) => hooks.warn?.(message),
  });
  for (let i = 0; i < MAX_HELD_FOR_CONSENT_CODE + 3; i++) choice.capture(i);
  await untilRealWork(() => forwarded.length > 0, 'the code of the choice loaded (a dynamic import)');
  return forwarded;
}

describe('lazyUserChoice', () => {
  it('holds up to 5,000 events while the code of the choice loads (the newest), then says how many it dropped', async () => {
    const dropped: number[] = [];
    const warnings: string[] = [];
    const forwarded = await burstWhileLoading({ onDropped: item => dropped.push(item), warn: message => warnings.push(message) });
    expect(MAX_HELD_FOR_CONSENT_CODE).toBe(5000); // as many as wait for the library or the identity (docs/guarantees.md)
    expect(forwarded).toHaveLength(5000);
    expect(forwarded[0]).toBe(3);
    expect(forwarded[4999]).toBe(5002);
    expect(dropped).toEqual([0, 1, 2]); // told, for the page history
    expect(warnings).toEqual([
      'Segment analytics: 3 events were dropped (the oldest) while more than 5000 waited for the code of the ' +
        "user's choice to load",
    ]);
  });

  it('without an onDropped hook, still holds only the newest 5,000', async () => {
    const forwarded = await burstWhileLoading({});
    expect([forwarded.length, forwarded[0], forwarded[4999]]).toEqual([5000, 3, 5002]);
  });
});
