import { screen } from '@testing-library/react';
import { PageBlueprint, useAnalytics } from '@backstage/frontend-plugin-api';
import { mockApis, renderTestApp } from '@backstage/frontend-test-utils';
import { segmentAnalyticsModule } from './segmentModule';
import { advanceUntil } from '../__testUtils__/fakeTime';

// The New Frontend System module gets team analytics from config alone: the
// app's identity API and app.analytics.segment, nothing else.

const TESTER_REF = 'user:default/nfs-tester';
// printf 'user:default/nfs-tester' | sha256sum
const TESTER_SHA256 = '7d9bf80cc68475cfece75a82810a7628603258561ed02b1bf8647300a0c6a9ce';
// printf 'group:default/team-a' | sha256sum (and team-b)
const TEAM_A_SHA256 = '62524ca24b4bf2db9567814cb177a908d4def0b677f42e2516bad2a9ecdcb9ca';
const TEAM_B_SHA256 = 'cd796a89cb8624ce4f429f1c516d114b2774add02e9dda8a17f9f5164635a7ad';

afterEach(() => {
  jest.useRealTimers();
  jest.restoreAllMocks();
});

/** A page with a button that captures a click through the app's analytics API. */
const Probe = () => {
  const analytics = useAnalytics();
  return <button onClick={() => analytics.captureEvent('click', 'probe')}>probe</button>;
};

it('sends group calls with pseudonymized ids, renamed events and extra properties from config alone', async () => {
  jest.useFakeTimers();
  const info = jest.spyOn(console, 'info').mockImplementation(() => {});
  jest.spyOn(console, 'warn').mockImplementation(() => {}); // core-components' JSS noise in jsdom
  const fetchSpy = jest.spyOn(globalThis, 'fetch');
  renderTestApp({
    config: {
      app: {
        baseUrl: 'http://localhost:3000',
        analytics: {
          segment: {
            testMode: true,
            userIdTransform: 'sha-256',
            // Real digests while fake time runs on: a long bound, so a busy machine cannot send the calls anonymous.
            identityTimeoutMs: 60_000,
            groups: true,
            extraProperties: { environment: 'production' },
            eventNames: { click: 'Link Clicked' },
          },
        },
      },
      backend: { baseUrl: 'http://localhost:7007' },
    },
    features: [segmentAnalyticsModule],
    apis: [
      mockApis.identity({
        userEntityRef: TESTER_REF,
        ownershipEntityRefs: [TESTER_REF, 'group:default/team-b', 'group:default/team-a'],
      }),
    ],
    extensions: [PageBlueprint.make({ params: { path: '/probe', loader: async () => <Probe /> } })],
    initialRouteEntries: ['/probe'],
  });
  (await screen.findByText('probe')).click();

  const lines = () => info.mock.calls.map(call => String(call[0]));
  // The page call before it waits up to TITLE_WAIT_MS for a new title, which jsdom's page never sets.
  await advanceUntil(() => expect(lines()).toContain('[segment test mode] analytics.track("Link Clicked")'));
  expect(lines().slice(0, 4)).toEqual([
    `[segment test mode] identify("${TESTER_SHA256}")`,
    `[segment test mode] group("${TEAM_A_SHA256}")`,
    `[segment test mode] group("${TEAM_B_SHA256}")`,
    '[segment test mode] analytics.page()',
  ]);
  const page = info.mock.calls[3];
  expect(page[1]).toMatchObject({ action: 'navigate', subject: '/probe', environment: 'production' });
  expect(page[2]).toMatchObject({ userId: TESTER_SHA256, groupId: TEAM_A_SHA256 });
  expect(JSON.stringify(info.mock.calls)).not.toMatch(/nfs-tester|team-a|team-b/);
  expect(fetchSpy).not.toHaveBeenCalled();
});
