import type { Config } from '@backstage/config';

/** The origin of a URL; undefined for a pattern (`*`) or what is not a URL with an origin. */
function originOf(url: unknown): string | undefined {
  if (typeof url !== 'string' || url.includes('*')) return undefined;
  try {
    const { origin } = new URL(url);
    return origin === 'null' ? undefined : origin;
  } catch {
    return undefined;
  }
}

/**
 * The origins whose pages may post to the relay: those of `app.baseUrl`,
 * `backend.baseUrl` and the exact origins listed in `backend.cors.origin`
 * (patterns with `*` are not origins, and are left out).
 */
export function allowedOrigins(config: Config): Set<string> {
  const cors = config.getOptional('backend.cors.origin');
  const listed = Array.isArray(cors) ? cors : [cors];
  const candidates = [config.getOptional('app.baseUrl'), config.getOptional('backend.baseUrl'), ...listed];
  return new Set(candidates.map(originOf).filter((origin): origin is string => origin !== undefined));
}
