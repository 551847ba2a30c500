import { callSettingsOf, withTransform } from './callSettings';

/** The transform a load's call settings (see {@link withTransform}) were made with. */
export function transformOf(callSettings: string): string | undefined {
  return /\.([^.]+)$/.exec(callSettings)?.[1];
}

/**
 * Whether a load's call settings (see {@link withTransform}) shape calls
 * beyond the module's defaults: a privacy or user id key set, `maskIP` on,
 * or a transform given in code. Calls made by something that did not
 * record its settings (the public plugin's library, another analytics.js of
 * the origin) are not sent by such a load.
 */
export function shapesCalls(callSettings: string): boolean {
  return callSettings !== withTransform(callSettingsOf(undefined), 'none');
}

