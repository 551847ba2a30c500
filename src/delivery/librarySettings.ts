import type { KeyValueStorage } from './callStore';

/**
 * The library's persisted queues of a write key (calls it had not
 * delivered when a page was left, which the next load's library sends
 * itself, past the module's stages) are removed when the settings calls are
 * made under (`SegmentConfig.callSettings`) are not those of the load that
 * left them: as the module's own kept calls (see `madeUnder`), a call made
 * under other privacy or user id settings is not sent. The settings of the
 * last load are kept under `backstage-segment:<writeKey>:settings`. Run
 * before the library loads (it reads its queues as it starts); never throws.
 *
 * @returns whether queues were removed
 */
export function dropQueuesOfOtherSettings(
  storage: KeyValueStorage | undefined,
  writeKey: string,
  settings: string,
): boolean {
  if (!storage) return false;
  try {
    const key = `backstage-segment:${writeKey}:settings`;
    const last = storage.getItem(key);
    const queues: string[] = [];
    if (last !== null && last !== settings) {
      for (let i = 0; i < (storage.length ?? 0); i++) {
        const name = storage.key?.(i);
        if (name?.startsWith(`persisted-queue:v1:${writeKey}:`)) queues.push(name);
      }
      queues.forEach(name => storage.removeItem(name));
    }
    if (last !== settings) storage.setItem(key, settings);
    return queues.length > 0;
  } catch {
    // storage that refuses: the library cannot have kept queues there either
    return false;
  }
}
