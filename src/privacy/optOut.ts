import { PrivacyConfig } from './PrivacyConfig';

/** The parts of `navigator` / `window` that carry a browser's opt-out. */
export type OptOutSignals = { globalPrivacyControl?: unknown; doNotTrack?: unknown; msDoNotTrack?: unknown };

const DNT_ON = new Set<unknown>(['1', 'yes', 1, true]);

/**
 * The opt-out a browser sends, if any: Global Privacy Control
 * (`navigator.globalPrivacyControl === true`), or Do Not Track (`'1'` in
 * `navigator.doNotTrack`, or in the older `window.doNotTrack` /
 * `navigator.msDoNotTrack`; `'yes'` in old Firefox).
 */
export function optOutSignal(
  nav: OptOutSignals | undefined,
  win?: OptOutSignals,
): 'Global Privacy Control' | 'Do Not Track' | undefined {
  if (nav?.globalPrivacyControl === true) return 'Global Privacy Control';
  if (DNT_ON.has(nav?.doNotTrack) || DNT_ON.has(win?.doNotTrack) || DNT_ON.has(nav?.msDoNotTrack)) {
    return 'Do Not Track';
  }
  return undefined;
}

/**
 * Whether analytics must be off for this browser: `respectGlobalPrivacyControl`
 * is on and the browser sends an opt-out. Logs one info line when so.
 */
export function browserOptsOut(
  config: Pick<PrivacyConfig, 'respectGlobalPrivacyControl'> | undefined,
  logger: Pick<Console, 'info'>,
  nav: OptOutSignals | undefined = globalThis.navigator as OptOutSignals | undefined,
  win: OptOutSignals | undefined = globalThis.window as OptOutSignals | undefined,
): boolean {
  if (!config?.respectGlobalPrivacyControl) return false;
  const signal = optOutSignal(nav, win);
  if (!signal) return false;
  logger.info(
    `Segment analytics: off for this browser, which sends ${signal} (respectGlobalPrivacyControl is on); ` +
      'nothing is loaded, sent or stored',
  );
  return true;
}
