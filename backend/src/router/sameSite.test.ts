import { ConfigReader } from '@backstage/config';
import { allowedOrigins } from '../config/readAllowedOrigins';
import { crossSiteProblem } from './sameSite';

const allowed = allowedOrigins(
  new ConfigReader({
    app: { baseUrl: 'https://backstage.example.com/portal' },
    backend: { baseUrl: 'https://api.backstage.example.com', cors: { origin: ['http://localhost:3000', 'https://*.example.com'] } },
  }),
);

describe('crossSiteProblem', () => {
  it('reads the origins of app.baseUrl, backend.baseUrl and plain backend.cors.origin entries', () => {
    expect([...allowed]).toEqual(['https://backstage.example.com', 'https://api.backstage.example.com', 'http://localhost:3000']);
  });

  it.each([
    [{}],
    [{ 'sec-fetch-site': 'same-origin', origin: 'https://backstage.example.com' }],
    [{ 'sec-fetch-site': 'same-site', origin: 'http://localhost:3000' }],
  ])('accepts %j', headers => {
    expect(crossSiteProblem(headers, allowed)).toBeUndefined();
  });

  it.each([
    [{ 'sec-fetch-site': 'cross-site' }, /Sec-Fetch-Site: cross-site/],
    [{ origin: 'https://evil.example.net' }, /Origin is not app\.baseUrl/],
    [{ origin: 'null' }, /Origin is not app\.baseUrl/],
  ])('refuses %j: %s', (headers, expected) => {
    expect(crossSiteProblem(headers, allowed)).toMatch(expected);
  });

  it('checks no Origin when no base URL is configured', () => {
    expect(crossSiteProblem({ origin: 'https://anything.example' }, new Set())).toBeUndefined();
  });
});
