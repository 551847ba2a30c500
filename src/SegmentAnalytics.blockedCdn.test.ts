import { ConfigReader } from '@backstage/config';
import { waitFor } from '@testing-library/react';
import { createServer } from 'node:http';
import { AddressInfo } from 'node:net';
import { SegmentAnalytics } from './SegmentAnalytics';

// Its own file: the library keeps cdnURL in a module-global.

it('costs one warning, never an exception, when the CDN cannot be reached', async () => {
  // A port that was free a moment ago: connection refused, like a blocked CDN.
  const server = createServer();
  await new Promise<void>(r => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  await new Promise(r => server.close(r));

  const warn = jest.spyOn(console, 'warn').mockImplementation(() => {});
  const fetchSpy = jest.spyOn(globalThis, 'fetch');
  const analytics = SegmentAnalytics.fromConfig(
    new ConfigReader({ app: { analytics: { segment: { writeKey: 'k', cdnURL: `http://127.0.0.1:${port}` } } } }),
  );
  const context = { routeRef: 'r', pluginId: 'p', extension: 'e' };
  for (let i = 0; i < 50; i++) {
    expect(() => analytics.captureEvent({ action: 'click', subject: `${i}`, context })).not.toThrow();
  }
  // Until the failed load is known (the warning), then more events: they cost no further warning.
  await waitFor(() => expect(warn).toHaveBeenCalled());
  const requests = fetchSpy.mock.calls.length;
  expect(requests).toBeGreaterThan(0); // the settings request that failed
  jest.useFakeTimers(); // what the module would do later, it does now: nothing real is left to wait for
  try {
    for (let i = 0; i < 50; i++) analytics.captureEvent({ action: 'click', subject: `late ${i}`, context });
    await jest.advanceTimersByTimeAsync(10_000);
  } finally {
    jest.useRealTimers();
  }
  // no new attempt at the CDN (whose failure would come later, as real I/O) and nothing sent
  expect(fetchSpy.mock.calls.slice(requests)).toEqual([]);

  expect(warn).toHaveBeenCalledTimes(1);
  expect(String(warn.mock.calls[0][0])).toMatch(/could not be loaded/);
  warn.mockRestore();
  fetchSpy.mockRestore();
});
