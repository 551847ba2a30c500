import { act, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { ConfigReader } from '@backstage/config';
import { configApiRef, StorageApi, storageApiRef } from '@backstage/core-plugin-api';
import { MockStorageApi, TestApiProvider } from '@backstage/test-utils';
import { markAnalyticsRunning, markChoiceFollowed } from '../followedChoice';
import { SegmentConsent } from '../SegmentConsent';
import { SegmentUsageAnalyticsSettings } from './SegmentUsageAnalyticsSettings';

function renderCard(segment: object | undefined, storageApi = MockStorageApi.create()) {
  const config = new ConfigReader({ app: { analytics: segment && { segment } } });
  render(
    <TestApiProvider apis={[[configApiRef, config], [storageApiRef, storageApi]]}>
      <SegmentUsageAnalyticsSettings />
    </TestApiProvider>,
  );
  return { stored: () => storageApi.forBucket('segment-analytics').snapshot('consent').value };
}

const switchOf = () => screen.findByRole('switch');

describe('the Usage analytics card', () => {
  it('without an analytics instance in the page (its config invalid, say): says it is off, no switch', async () => {
    renderCard({ writeKey: 'wk', bogusKey: true });
    // It speaks for this module's analytics only: another implementation in the app may record (it cannot know).
    expect(await screen.findByText(/Usage analytics is off in this Backstage/)).toHaveTextContent(
      'nothing about your use is sent to its usage analytics service',
    );
    expect(screen.queryByText(/records how you use it/)).toBeNull();
    expect(screen.queryByRole('switch')).toBeNull();
  });

  it('with an instance that follows no choice: no switch; in test mode, says nothing is sent', async () => {
    markAnalyticsRunning();
    renderCard({ testMode: true });
    expect(await screen.findByText(/offers no per-user choice/)).toBeInTheDocument();
    expect(screen.getByText(/Test mode: nothing is sent/)).toBeInTheDocument();
    expect(screen.getByText(/records how you use it/)).toHaveTextContent("and writes it to the browser's console.");
    expect(screen.queryByText(/sends it to the usage analytics service/)).toBeNull();
    expect(screen.queryByRole('switch')).toBeNull();
  });

  describe('with an analytics instance following the choice', () => {
    beforeAll(() => markChoiceFollowed());

    it('says what is collected and how the user is identified, and switches analytics off and on', async () => {
      const { stored } = renderCard({ writeKey: 'wk' });
      expect(await screen.findByText(/records how you use it/)).toHaveTextContent('identified by your Backstage user name');
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      expect(screen.getByText(/on unless you switch it off/)).toBeInTheDocument();

      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'false'));
      expect(stored()).toMatchObject({ decision: 'denied' }); // kept through the StorageApi, for this user

      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      expect(stored()).toMatchObject({ decision: 'granted' });
    });

    it('opt-in and pseudonymized: off until the user agrees; says the user is pseudonymized', async () => {
      renderCard({ writeKey: 'wk', userIdTransform: 'sha-256', userIdSalt: 'pepper', consent: { default: 'opt-in' } });
      expect(await screen.findByText(/records how you use it/)).toHaveTextContent('identified by a pseudonym');
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'false'));
      expect(screen.getByText(/Nothing is sent unless you switch this on/)).toBeInTheDocument();
    });

    it('sha-256 without a salt: a plain hash, which whoever has the user names can tell apart; with a salt, a pseudonym', async () => {
      renderCard({ writeKey: 'wk', userIdTransform: 'sha-256' });
      expect(await screen.findByText(/records how you use it/)).toHaveTextContent(
        "identified by a one-way hash of your user name instead of the name itself; whoever has the list of this portal's user names can tell whose it is.",
      );
      expect(screen.queryByText(/never by your name/)).toBeNull();
    });

    it('through the backend relay, without a transform in config: says the user is pseudonymized (the relay keys every id)', async () => {
      renderCard({ delivery: 'backend' });
      expect(await screen.findByText(/records how you use it/)).toHaveTextContent('identified by a pseudonym');
    });

    it('in a browser that sends Global Privacy Control, with respectGlobalPrivacyControl: says it is off there, no switch', async () => {
      Object.defineProperty(navigator, 'globalPrivacyControl', { value: true, configurable: true });
      try {
        renderCard({ writeKey: 'wk', respectGlobalPrivacyControl: true });
        expect(await screen.findByText(/off in this browser, which asks sites not to track you \(Global Privacy Control\)/)).toBeInTheDocument();
        expect(screen.queryByRole('switch')).toBeNull();
        expect(screen.queryByText(/records how you use it/)).toBeNull();
      } finally {
        delete (navigator as { globalPrivacyControl?: boolean }).globalPrivacyControl;
      }
    });

    it('with analytics disabled: says it is off, no switch', async () => {
      renderCard({ enabled: false });
      expect(await screen.findByText(/Usage analytics is off in this Backstage/)).toBeInTheDocument();
      expect(screen.queryByRole('switch')).toBeNull();
    });

    it('a choice that cannot be saved applies to this page, and the card says so', async () => {
      const storageApi = MockStorageApi.create();
      const bucket = storageApi.forBucket('segment-analytics');
      jest.spyOn(bucket, 'set').mockRejectedValue(new Error('backend down'));
      const { stored } = renderCard({ writeKey: 'wk' }, storageApi);
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      fireEvent.click(await switchOf());
      expect(await screen.findByRole('alert')).toHaveTextContent(
        'Your choice could not be saved: it applies to this page until it is reloaded (Error: backend down)',
      );
      expect(await switchOf()).toHaveAttribute('aria-checked', 'false');
      expect(stored()).toBeUndefined();
    });
  
    it("a save's failure is no longer told once the choice changes elsewhere (another tab)", async () => {
      const storageApi = MockStorageApi.create();
      const down = jest.spyOn(storageApi.forBucket('segment-analytics'), 'set').mockRejectedValue(new Error('backend down'));
      renderCard({ writeKey: 'wk' }, storageApi);
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      fireEvent.click(await switchOf());
      expect(await screen.findByRole('alert')).toHaveTextContent('Your choice could not be saved');
      down.mockRestore();
      // Another tab switches off, then on again: this card follows, and its old message is gone.
      const elsewhere = SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: {} } } }), { storageApi });
      await elsewhere.setDecision('denied');
      await elsewhere.setDecision('granted');
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      expect(screen.queryByRole('alert')).toBeNull();
    });

    it('a save that fails after another tab made a newer choice says nothing: that choice is in force', async () => {
      const storageApi = MockStorageApi.create();
      const rejects: Array<(error: Error) => void> = [];
      const hanging = jest
        .spyOn(storageApi.forBucket('segment-analytics'), 'set')
        .mockImplementation(() => new Promise<void>((_, reject) => rejects.push(reject)));
      renderCard({ writeKey: 'wk' }, storageApi);
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'false'));
      hanging.mockRestore();
      await SegmentConsent.fromConfig(new ConfigReader({ app: { analytics: { segment: {} } } }), { storageApi }).setDecision('granted');
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      await act(async () => rejects.forEach(reject => reject(new Error('backend down'))));
      await act(() => new Promise(resolve => setTimeout(resolve, 0)));
      expect(screen.queryByRole('alert')).toBeNull();
      expect(await switchOf()).toHaveAttribute('aria-checked', 'true');
    });

    it('while the stored choice is read, the switch is busy and described as reading it (not just "off")', async () => {
      const never: StorageApi = {
        forBucket: () => never,
        snapshot: key => ({ key, presence: 'unknown' }),
        observe$: () => ({ subscribe: () => ({ unsubscribe: () => {}, closed: false }) }) as any,
        set: async () => {},
        remove: async () => {},
      };
      renderCard({ writeKey: 'wk', consent: { waitMs: 60_000 } }, never as MockStorageApi);
      const reading = await switchOf();
      expect(reading).toHaveAttribute('aria-busy', 'true');
      expect(reading).toHaveAccessibleDescription('(reading your choice…)');
    });

    it('a save that hangs holds nothing: the choice applies at once and the switch can be used again; after 10 s the card says it is not saved yet', async () => {
      const storageApi = MockStorageApi.create();
      jest.spyOn(storageApi.forBucket('segment-analytics'), 'set').mockReturnValue(new Promise(() => {}));
      renderCard({ writeKey: 'wk' }, storageApi);
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      jest.useFakeTimers();
      try {
        fireEvent.click(await switchOf());
        await act(() => jest.advanceTimersByTimeAsync(100));
        expect(await switchOf()).toHaveAttribute('aria-checked', 'false');
        expect(await switchOf()).toBeEnabled();
        expect(screen.queryByRole('alert')).toBeNull();
        await act(() => jest.advanceTimersByTimeAsync(10_000));
        expect(screen.getByRole('alert')).toHaveTextContent('Your choice is not saved yet (the settings storage does not answer): it applies to this page until it is reloaded.');
      } finally {
        jest.useRealTimers();
      }
      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
    });
    it('a stored choice that cannot be read: once the wait is over, the default shows and the switch works', async () => {
      const saved: unknown[] = [];
      const never: StorageApi = {
        forBucket: () => never,
        snapshot: key => ({ key, presence: 'unknown' }),
        observe$: () => ({ subscribe: () => ({ unsubscribe: () => {}, closed: false }) }) as any,
        set: async (_key, value) => void saved.push(value),
        remove: async () => {},
      };
      renderCard({ writeKey: 'wk', consent: { waitMs: 50 } }, never as MockStorageApi);
      expect(await switchOf()).toBeDisabled();
      await waitFor(async () => expect(await switchOf()).toBeEnabled());
      expect(await switchOf()).toHaveAttribute('aria-checked', 'true');
      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'false'));
      expect(saved).toMatchObject([{ decision: 'denied' }]);
    });

    it('switching off and on again keeps the categories a consent banner gave', async () => {
      const storageApi = MockStorageApi.create();
      const categoryPreferences = { Analytics: true, Advertising: false };
      await storageApi.forBucket('segment-analytics').set('consent', { decision: 'granted', categoryPreferences, decidedAt: '2026-12-04T00:00:00.000Z' });
      const { stored } = renderCard({ writeKey: 'wk' }, storageApi);
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'false'));
      fireEvent.click(await switchOf());
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      expect(stored()).toMatchObject({ decision: 'granted', categoryPreferences });
    });

    it('the switch is named by its label, whatever its state (the state is aria-checked)', async () => {
      renderCard({ writeKey: 'wk' });
      await waitFor(async () => expect(await switchOf()).toHaveAttribute('aria-checked', 'true'));
      expect(await screen.findByRole('switch', { name: 'Share usage analytics' })).toBeInTheDocument();
      fireEvent.click(screen.getByText('Share usage analytics'));
      await waitFor(async () => expect(await screen.findByRole('switch', { name: 'Share usage analytics' })).toHaveAttribute('aria-checked', 'false'));
    });
  });
});
