import { ConfigReader } from '@backstage/config';
import { readSegmentConfig } from '../config/readSegmentConfig';
import { EnabledSegmentConfig } from '../config/SegmentConfig';

/** A config holding `segment` as its app.analytics.segment block. */
export function configOf(segment: unknown) {
  return new ConfigReader({ app: { analytics: { segment } } } as any);
}

/** Reads `segment` as the module does. */
export function read(segment: unknown) {
  return readSegmentConfig(configOf(segment));
}

/** Reads a config that must be enabled, failing the test otherwise. */
export function readEnabled(segment: unknown): EnabledSegmentConfig {
  const config = read(segment);
  if (!config.enabled) throw new Error('expected an enabled config');
  return config;
}

/** The error reading `segment` throws, failing the test when it does not. */
export function errorOf(segment: unknown): Error {
  try {
    read(segment);
  } catch (e) {
    return e as Error;
  }
  throw new Error(`expected readSegmentConfig to throw for ${JSON.stringify(segment)}`);
}

/** The message of the error reading `segment` with a write key (`wk`) throws, failing the test when it does not. */
export function keyedErrorMessage(segment: object): string {
  return errorOf({ writeKey: 'wk', ...segment }).message;
}
