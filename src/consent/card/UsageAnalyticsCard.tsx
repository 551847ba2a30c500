import { useEffect, useMemo, useRef, useState } from 'react';
import { configApiRef, useApi } from '@backstage/core-plugin-api';
import type { SegmentConsentApi, SegmentConsentState } from '../SegmentConsentApi';
import { describeCollection, readCardFacts } from './cardText';

// Only types from the module's own code: this file is a lazy chunk of its own.

/** Props of the "Usage analytics" card. */
export type UsageAnalyticsCardProps = {
  /**
   * Whether user ids are pseudonymized; by default as `userIdTransform` in
   * config says (or `delivery: backend`, whose relay keys every id). Give it
   * when the app passes a transform in code.
   */
  pseudonymized?: boolean;
  /** The user's choice; none where the analytics module follows none (it was given no StorageApi). */
  consent?: SegmentConsentApi;
  /** Whether an analytics instance runs in this page (false: its config was invalid, say); default true. */
  running?: boolean;
};

/** How long a save may take before the card says the choice is not saved yet. */
const SLOW_SAVE_MS = 10_000;
const NOT_SAVED_YET = 'Your choice is not saved yet (the settings storage does not answer): it applies to this page until it is reloaded.';

const card = {
  border: '1px solid rgba(127, 127, 127, 0.35)',
  borderRadius: 4,
  padding: '16px 24px',
  maxWidth: 720,
} as const;

/**
 * The switch's track: outlined in the text's colour (readable on any theme,
 * and drawn in forced colours), filled when on.
 */
const track = (on: boolean, disabled: boolean) =>
  ({
    position: 'relative',
    width: 40,
    height: 22,
    borderRadius: 11,
    border: '1px solid currentColor',
    padding: 0,
    flexShrink: 0,
    color: 'inherit',
    cursor: disabled ? 'default' : 'pointer',
    opacity: disabled ? 0.5 : 1,
    background: on ? '#1f5493' : 'transparent',
    transition: 'background 120ms',
  }) as const;

/** The switch's thumb: right and white when on, left in the text's colour when off. */
const thumb = (on: boolean) =>
  ({
    position: 'absolute',
    top: 2,
    left: on ? 20 : 2,
    width: 14,
    height: 14,
    borderRadius: '50%',
    border: '1px solid transparent',
    background: on ? '#fff' : 'currentColor',
    transition: 'left 120ms',
  }) as const;

/**
 * The "Usage analytics" card of the settings page: what is collected, how
 * the user is identified, and one switch for the user's own choice.
 */
export function UsageAnalyticsCard({ pseudonymized, consent, running = true }: UsageAnalyticsCardProps) {
  const config = useApi(configApiRef);
  const facts = useMemo(() => readCardFacts(config, pseudonymized), [config, pseudonymized]);
  const [read, setState] = useState<SegmentConsentState>({ status: 'unknown' });
  // Past the wait for the stored choice, the default is in force (as for the events): shown, and the switch works.
  const [waited, setWaited] = useState(false);
  useEffect(() => {
    const timer = setTimeout(() => setWaited(true), facts.waitMs);
    return () => clearTimeout(timer);
  }, [facts.waitMs]);
  const state: SegmentConsentState =
    read.status === 'unknown' && waited ? { status: facts.regime === 'opt-in' ? 'denied' : 'granted', byUser: false } : read;
  // A failed save's message, and the state it was told in: it goes once the state changes (another tab's choice).
  const [error, setError] = useState<{ text: string; status: SegmentConsentState['status'] }>();
  const status = useRef(state.status);
  status.current = state.status;
  useEffect(() => {
    if (error && state.status !== error.status) setError(undefined);
  }, [error, state.status]);
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
    // Categories a consent banner gave go with the decision, so that switching off and on again keeps them.
    const { categoryPreferences } = state;
    const chose = on ? 'denied' : 'granted';
    // Only about the choice in force: not once a later one (this card's, another tab's) replaced it.
    const tell = (text: string) => mine === latest.current && status.current === chose && setError({ text, status: chose });
    // A save that does not answer (a settings backend that hangs) is told too, as not saved yet.
    const slow = setTimeout(() => tell(NOT_SAVED_YET), SLOW_SAVE_MS);
    try {
      await consent.setDecision(chose, categoryPreferences ? { categoryPreferences } : undefined);
      if (mine === latest.current) setError(undefined);
    } catch (e) {
      tell(`Your choice could not be saved: ${e instanceof Error ? e.message : String(e)}`);
    } finally {
      clearTimeout(slow);
    }
  };

  const [collected, identified] = describeCollection(facts);
  // Off: not configured, `enabled: false`, or no instance runs (an invalid value: the module said which, once).
  const off = !facts.enabled || (!running && !facts.browserOptOut);
  return (
    <section style={card} aria-labelledby="segment-usage-analytics-title" data-testid="segment-usage-analytics-card">
      <h2 id="segment-usage-analytics-title" style={{ margin: '0 0 8px', fontSize: '1.25rem', fontWeight: 500 }}>
        Usage analytics
      </h2>
      {off && <p>Usage analytics is off in this Backstage: nothing about your use is sent to its usage analytics service.</p>}
      {!off && facts.testMode && <p>Test mode: nothing is sent, events are only written to the browser&apos;s console.</p>}
      {facts.enabled && facts.browserOptOut && (
        <p>
          Usage analytics is off in this browser, which asks sites not to track you ({facts.browserOptOut}): nothing about
          your use is sent to its usage analytics service.
        </p>
      )}
      {!off && !facts.browserOptOut && (
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
                  id="segment-usage-analytics-switch"
                  aria-checked={on}
                  aria-busy={state.status === 'unknown'}
                  aria-describedby={state.status === 'unknown' ? 'segment-usage-analytics-state' : undefined}
                  disabled={state.status === 'unknown'}
                  onClick={toggle}
                  data-testid="segment-usage-analytics-switch"
                  style={track(on, state.status === 'unknown')}
                >
                  <span style={thumb(on)} />
                </button>
                {/* The switch's name stays the same; its state is aria-checked's (the text repeats it for the eye), but
                    while the stored choice is read, which its description says. */}
                <label htmlFor="segment-usage-analytics-switch" style={{ cursor: 'pointer' }}>
                  Share usage analytics
                </label>
                <span id="segment-usage-analytics-state" aria-hidden={state.status !== 'unknown'}>
                  {stateText(state)}
                </span>
              </div>
              <p style={{ margin: '12px 0 0', opacity: 0.85, fontSize: '0.875rem' }}>
                {regimeSentence(facts.regime, state)}Switching it off stops it at once and removes what analytics
                stored in this browser. Your choice is kept where this Backstage keeps your settings.
              </p>
            </>
          ) : (
            <p>This Backstage offers no per-user choice about usage analytics.</p>
          )}
          {error && (
            <p role="alert" style={{ fontWeight: 500, borderLeft: '3px solid #d32f2f', paddingLeft: 8 }}>
              {error.text}
            </p>
          )}
        </>
      )}
    </section>
  );
}

/** What applies when the user has not chosen (nothing once they have). */
function regimeSentence(regime: 'opt-out' | 'opt-in', state: SegmentConsentState): string {
  if (state.status !== 'unknown' && state.byUser) return '';
  return regime === 'opt-in' ? 'Nothing is sent unless you switch this on. ' : 'It is on unless you switch it off. ';
}

/** The switch's state in words, for the eye (assistive technology reads `aria-checked`). */
function stateText(state: SegmentConsentState): string {
  if (state.status === 'unknown') return '(reading your choice…)';
  return state.status === 'granted' ? 'on' : 'off';
}
