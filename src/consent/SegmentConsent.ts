import type { Config } from '@backstage/config';
import type { StorageApi } from '@backstage/core-plugin-api';
import type {
  SegmentConsentApi,
  SegmentConsentDecisionOptions,
  SegmentConsentObservable,
  SegmentConsentState,
} from './SegmentConsentApi';
import { decide } from './pageDecision';
import type { SegmentConsentDecision } from './storedDecision';
import type { StoredConsent } from './storedConsent';

/** The regime configured, read leniently (the analytics module itself reports an invalid value). */
function configuredDefault(config: Config): 'opt-out' | 'opt-in' {
  try {
    return config.getOptionalString('app.analytics.segment.consent.default') === 'opt-in' ? 'opt-in' : 'opt-out';
  } catch {
    return 'opt-out';
  }
}

/**
 * The {@link SegmentConsentApi} over Backstage's StorageApi (bucket
 * `segment-analytics`, key `consent`).
 *
 * @remarks
 * Its code is loaded on first use, off the app's first load: until then
 * `getDecision()` says `unknown`, and `decision$()` tells the state once
 * known.
 *
 * @public
 */
export class SegmentConsent implements SegmentConsentApi {
  /**
   * Creates it from `app.analytics.segment.consent.default` and the app's
   * StorageApi (`storageApiRef`).
   */
  static fromConfig(config: Config, options: { storageApi: StorageApi }): SegmentConsent {
    return new SegmentConsent(options.storageApi, configuredDefault(config));
  }

  private loaded?: StoredConsent;
  private loading?: Promise<StoredConsent>;

  private constructor(
    private readonly storageApi: StorageApi,
    private readonly regime: 'opt-out' | 'opt-in',
  ) {}

  private load(): Promise<StoredConsent> {
    this.loading ??= import(/* webpackChunkName: "segment-consent" */ './storedConsent').then(m => {
      this.loaded = new m.StoredConsent(this.storageApi, this.regime);
      return this.loaded;
    });
    return this.loading;
  }

  /** {@inheritDoc SegmentConsentApi.getDecision} */
  getDecision(): SegmentConsentState {
    if (this.loaded) return this.loaded.getDecision();
    this.load().catch(() => {});
    return { status: 'unknown' };
  }

  /** {@inheritDoc SegmentConsentApi.setDecision} */
  setDecision(decision: SegmentConsentDecision, options?: SegmentConsentDecisionOptions): Promise<void> {
    // Not after loading the code: a "no" applies (and is handed to the StorageApi) in the caller's task. Settles
    // once the code has loaded too, so that getDecision() tells the decision after `await setDecision(...)`.
    const loaded = this.load().catch(() => {});
    return Promise.all([decide(this.storageApi, decision, options), loaded]).then(() => {});
  }

  /** {@inheritDoc SegmentConsentApi.decision$} */
  decision$(): SegmentConsentObservable {
    return {
      subscribe: next => {
        let inner: { unsubscribe(): void } | undefined;
        let closed = false;
        const early = !this.loaded;
        if (early) next({ status: 'unknown' });
        this.load().then(
          consent => {
            // Its first state only when it is news: 'unknown' was told already.
            let first = early;
            if (!closed) inner = consent.decision$().subscribe(state => {
              const told = first && state.status === 'unknown';
              first = false;
              if (!told) next(state);
            });
          },
          () => {},
        );
        return {
          unsubscribe: () => {
            closed = true;
            inner?.unsubscribe();
          },
        };
      },
    };
  }
}
