import { useEffect, useMemo, useRef, useState } from 'react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { SegmentConsentApi, SegmentConsentState } from '../SegmentConsentApi';
import { describeCollection, readCardFacts } from './cardText';

// Only types from the module's own code: this file is a lazy chunk of its own.

/** Props of the "Usage analytics" card. */
export type UsageAnalyticsCardProps = {
  /**
   * Whether user ids are pseudonymized; by default as `userIdTransform` in
   * config says. Give it when the app passes a transform in code.
   */
  pseudonymized?: boolean;
  /** The user's choice; none where the analytics module follows none (it was given no StorageApi). */
  consent?: SegmentConsentApi;
};

const card = {
  border: '1px solid rgba(127, 127, 127, 0.35)',
  borderRadius: 4,
  padding: '16px 24px',
  maxWidth: 720,
} as const;

/** The switch's track: coloured when on. */
const track = (on: boolean, disabled: boolean) =>
  ({
    position: 'relative',
    width: 40,
    height: 22,
    borderRadius: 11,
    border: 'none',
    padding: 0,
    flexShrink: 0,
    cursor: disabled ? 'default' : 'pointer',
    opacity: disabled ? 0.5 : 1,
    background: on ? '#1f5493' : 'rgba(127, 127, 127, 0.55)',
    transition: 'background 120ms',
  }) as const;

/** The switch's thumb: right when on. */
const thumb = (on: boolean) =>
  ({
    position: 'absolute',
    top: 3,
    left: on ? 21 : 3,
    width: 16,
    height: 16,
    borderRadius: '50%',
    background: '#fff',
    transition: 'left 120ms',
  }) as const;

/**
 * The "Usage analytics" card of the settings page: what is collected, how
 * the user is identified, and one switch for the user's own choice.
 */
export function UsageAnalyticsCard({ pseudonymized, consent }: UsageAnalyticsCardProps) {
  const config = useApi(configApiRef);
  const facts = useMemo(() => readCardFacts(config, pseudonymized), [config, pseudonymized]);
  const [state, setState] = useState<SegmentConsentState>({ status: 'unknown' });
  const [error, setError] = useState<string>();
  // The latest switch: a save still pending (a StorageApi behind a slow proxy) never holds the switch, and only
  // the latest one's failure is told (a later choice replaces an earlier one that failed).
  const latest = useRef(0);

  useEffect(() => {
    if (!consent) return undefined;
    const subscription = consent.decision$().subscribe(setState);
    return () => subscription.unsubscribe();
  }, [consent]);

  const on = state.status === 'granted';
  const toggle = async () => {
    if (!consent || state.status === 'unknown') return;
    const mine = ++latest.current;
    setError(undefined);
    try {
      await consent.setDecision(on ? 'denied' : 'granted');
    } catch (e) {
      if (mine === latest.current) setError(`Your choice could not be saved: ${e instanceof Error ? e.message : String(e)}`);
    }
  };

  const [collected, identified] = describeCollection(facts);
  return (
    <section style={card} aria-labelledby="segment-usage-analytics-title" data-testid="segment-usage-analytics-card">
      <h2 id="segment-usage-analytics-title" style={{ margin: '0 0 8px', fontSize: '1.25rem', fontWeight: 500 }}>
        Usage analytics
      </h2>
      {!facts.enabled && <p>Usage analytics is off in this Backstage: nothing about your use is recorded.</p>}
      {facts.enabled && facts.browserOptOut && (
        <p>
          Usage analytics is off in this browser, which asks sites not to track you ({facts.browserOptOut}): nothing about
          your use is recorded.
        </p>
      )}
      {facts.enabled && !facts.browserOptOut && (
        <>
          <p style={{ margin: '0 0 12px' }}>
            {collected} {identified}
          </p>
          {consent ? (
            <>
              <div style={{ display: 'flex', alignItems: 'center', gap: 12 }}>
                <button
                  type="button"
                  role="switch"
                  aria-checked={on}
                  aria-labelledby="segment-usage-analytics-label"
                  disabled={state.status === 'unknown'}
                  onClick={toggle}
                  data-testid="segment-usage-analytics-switch"
                  style={track(on, state.status === 'unknown')}
                >
                  <span style={thumb(on)} />
                </button>
                <span id="segment-usage-analytics-label">
                  Share usage analytics{state.status === 'unknown' ? ' (reading your choice…)' : `: ${on ? 'on' : 'off'}`}
                </span>
              </div>
              <p style={{ margin: '12px 0 0', opacity: 0.75, fontSize: '0.875rem' }}>
                {facts.regime === 'opt-in' ? 'Nothing is sent unless you switch this on.' : 'It is on unless you switch it off.'}{' '}
                Switching it off stops sending at once and removes what analytics stored in this browser. Your choice
                is kept with your Backstage settings.
              </p>
            </>
          ) : (
            <p>This Backstage offers no per-user choice about usage analytics.</p>
          )}
          {error && (
            <p role="alert" style={{ color: '#d32f2f' }}>
              {error}
            </p>
          )}
        </>
      )}
    </section>
  );
}
