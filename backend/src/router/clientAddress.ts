import type { Request } from 'express';

/**
 * The client's address as the backend sees it: Express's `req.ip`, which
 * follows `X-Forwarded-For` only as far as `backend.trustProxy` allows; an
 * IPv4 address mapped into IPv6 is given as plain IPv4.
 */
export function clientAddress(req: Request): string | undefined {
  const ip = req.ip ?? req.socket?.remoteAddress;
  if (!ip) return undefined;
  return ip.startsWith('::ffff:') && ip.includes('.') ? ip.slice('::ffff:'.length) : ip;
}
