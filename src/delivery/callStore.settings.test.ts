import { ConfigReader } from '@backstage/config';
import { callSettingsOf, withTransform } from '../config/callSettings';
import { callStoreKey, createCallStore } from './callStore';
import { memoryStorage, NOW, quiet, stored, tabView } from '../__testUtils__/callStoreKit';

// Calls kept under other privacy or user id settings than the loading page's: never sent.

describe('createCallStore', () => {
  it('never sends a call kept under other privacy or user id settings: a load with others removes it, with one warning', async () => {
    const storage = memoryStorage();
    const under = (settings?: string, logger = quiet()) =>
      createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger, settings });
    under('loose').save([stored('a'), stored('b')]);
    expect(under('loose').load().map(s => s.messageId)).toEqual(['a', 'b']);

    const logger = quiet();
    const strict = under('strict', logger);
    expect(strict.load()).toEqual([]);
    expect(strict.take(['a', 'b']).size).toBe(0);
    await Promise.resolve();
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(/2 events kept by an earlier page load were not sent: the privacy or user id settings have changed/);
    // Gone for good: a load back under the first settings finds nothing either.
    expect(under('loose').load()).toEqual([]);
    expect([...storage.data.keys()].filter(k => k.startsWith(callStoreKey('wk')))).toEqual([]);
  });

  it('sends calls kept by a release that did not record its settings under the default settings; a load whose settings shape calls removes them, with the warning', async () => {
    const storage = memoryStorage();
    const keptByOldRelease = () => createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger: quiet() }).save([stored('old')]);
    keptByOldRelease();
    const defaults = withTransform(callSettingsOf(undefined), 'none');
    expect(createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger: quiet(), settings: defaults }).load().map(s => s.messageId)).toEqual(['old']);

    const logger = quiet();
    const searchTermsRedacted = withTransform(callSettingsOf(new ConfigReader({ redact: { searchTerms: true } })), 'none');
    expect(createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger, settings: searchTermsRedacted }).load()).toEqual([]);
    await Promise.resolve();
    expect(logger.warn.mock.calls[0][0]).toMatch(/1 events kept by an earlier page load were not sent/);
    expect([...storage.data.keys()].filter(k => k.startsWith(callStoreKey('wk')))).toEqual([]);

    keptByOldRelease();
    const sha256 = withTransform(callSettingsOf(undefined), 'sha-256');
    expect(createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger: quiet(), settings: sha256 }).load()).toEqual([]);
  });

  it('counts every kept call it removes for their settings in one warning: the shared key and each page\'s copy (tabs closed at once)', async () => {
    const storage = memoryStorage();
    const [a, b] = [1, 2].map(() => createCallStore({ storage: tabView(storage), writeKey: 'wk', now: () => NOW, logger: quiet(), settings: 'loose' }));
    a.save([stored('a1'), stored('a2')]);
    b.save([stored('b1')]);
    const logger = quiet();
    expect(createCallStore({ storage, writeKey: 'wk', now: () => NOW, logger, settings: 'strict' }).load()).toEqual([]);
    await Promise.resolve();
    expect(logger.warn.mock.calls.map(c => c[0])).toEqual([expect.stringMatching(/^Segment analytics: 3 events kept by an earlier page load were not sent/)]);
  });
});
