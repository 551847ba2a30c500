import { createCrossSiteLog } from './crossSiteLog';
import { ANOTHER_SITE } from './sameSite';
import { FAILURE_LOG_EVERY_MS } from './failureLog';
import { lineRecorder } from '../__testUtils__/lineRecorder';

const recorder = lineRecorder;

const PROBLEM = "requests from pages outside the app's origin are refused (Origin is not app.baseUrl, backend.baseUrl or backend.cors.origin)";

describe('createCrossSiteLog', () => {
  it('warns per origin: one firing on does not hide another, and each says how many since its last line', () => {
    const { lines, logger } = recorder();
    let time = 0;
    const log = createCrossSiteLog(logger, () => time);
    for (let i = 0; i < 100; i++) log.refused(PROBLEM, 'https://evil.example.net');
    log.refused(PROBLEM, 'https://backstage.internal.example.com');
    log.refused(PROBLEM, undefined);
    expect(lines).toEqual([
      expect.stringMatching(/^warn Segment relay: requests from pages outside .*\(Origin: https:\/\/evil\.example\.net\); answered 403, its events are lost\. If the app is reached there, add that origin to app\.baseUrl or backend\.cors\.origin$/),
      expect.stringContaining('(Origin: https://backstage.internal.example.com)'),
      expect.stringMatching(/^warn Segment relay: requests from pages outside .*backend\.cors\.origin\); answered 403/),
    ]);
    time = FAILURE_LOG_EVERY_MS;
    log.refused(PROBLEM, 'https://evil.example.net');
    expect(lines.at(-1)).toMatch(/\(Origin: https:\/\/evil\.example\.net\); .* \(99 more failed requests since the last line\)$/);
  });

  it("a request the browser marks as another site's: says the app and the backend must be on one site (no config lets it through)", () => {
    const { lines, logger } = recorder();
    const log = createCrossSiteLog(logger, () => 0);
    log.refused(ANOTHER_SITE, 'http://localhost:3000');
    expect(lines).toEqual([
      'warn Segment relay: cross-site requests are refused (Sec-Fetch-Site: cross-site) (Origin: http://localhost:3000); ' +
        'answered 403, its events are lost. The app and the backend must be on one site (the same scheme and registrable ' +
        'domain: app.example.com and api.example.com are one site, app.example.com and api.example.net are not)',
    ]);
  });

  it('quotes the origin as printable ASCII only, at most 200 characters', () => {
    const { lines, logger } = recorder();
    const log = createCrossSiteLog(logger, () => 0);
    log.refused(PROBLEM, `https://a.example\u0085\u2028next line ${'x'.repeat(500)}`);
    expect(lines).toHaveLength(1);
    const origin = /\(Origin: ([^)]*)\)/.exec(lines[0])![1];
    expect(origin).toMatch(/^https:\/\/a\.example\?\?next line x+$/);
    expect(origin).toHaveLength(200);
  });

  it('keeps a throttle for at most 16 origins; further ones share one', () => {
    const { lines, logger } = recorder();
    const log = createCrossSiteLog(logger, () => 0);
    for (let i = 0; i < 40; i++) log.refused(PROBLEM, `https://site-${i}.example`);
    expect(lines).toHaveLength(17);
  });
});
