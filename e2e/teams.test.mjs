// @ts-check
// End-to-end: team analytics in the dev harness (its guest belongs to
// group:default/team-a and group:default/team-b), in headless Chromium,
// sending to the embedded collector; assertions are on what arrived.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { browserMissing } from './support/browser.mjs';
import { TESTS_AT_ONCE, harnessesOfFile } from './support/harness.mjs';
import { assertSentFirst } from './support/order.mjs';
import { sha256 } from './support/sha256.mjs';

const GUEST = 'user:default/guest';
const TEAM_A = 'group:default/team-a';
const TEAM_B = 'group:default/team-b';
// printf 'group:default/team-a' | sha256sum (and team-b)
const TEAM_A_SHA256 = '62524ca24b4bf2db9567814cb177a908d4def0b677f42e2516bad2a9ecdcb9ca';
const TEAM_B_SHA256 = 'cd796a89cb8624ce4f429f1c516d114b2774add02e9dda8a17f9f5164635a7ad';
assert.deepEqual([sha256(TEAM_A), sha256(TEAM_B)], [TEAM_A_SHA256, TEAM_B_SHA256]);

const missing = browserMissing();

const { harness } = harnessesOfFile();

/** @typedef {{ [key: string]: any }} Message */
const ofType = (/** @type {Message[]} */ messages, /** @type {string} */ type) => messages.filter(m => m.type === type);
const isEvent = (/** @type {Message} */ m) => m.type === 'page' || m.type === 'track';

describe('team analytics in the dev harness', { skip: missing, concurrency: TESTS_AT_ONCE }, () => {
  it('sends identify, then two group calls with sha-256 ids, then events carrying context.groupId; nothing plaintext', async () => {
    const h = await harness({
      segment: {
        userIdTransform: 'sha-256',
        groups: true,
        extraProperties: { environment: 'e2e' },
        eventNames: { click: 'Link Clicked' },
      },
    });
    const { page, collector } = h;
    await page.click('[data-testid=second-link]');
    await page.waitForSelector('[data-testid=back-link]');
    await page.click('[data-testid=back-link]');
    await page.waitForSelector('[data-testid=fire-search]');
    await page.click('[data-testid=fire-search]');

    // every call the assertions below read (each its own request: they may arrive in any order)
    const messages = await collector.waitFor(
      m => ofType(m, 'identify').length > 0 && ofType(m, 'group').length >= 2 && ofType(m, 'page').length >= 3 &&
        m.filter(x => x.event === 'Link Clicked').length >= 2 && m.some(x => x.event === 'search'),
    );
    const [identify] = ofType(messages, 'identify');
    assert.ok(identify, 'identify arrived');
    const groupA = ofType(messages, 'group').find(g => g.groupId === TEAM_A_SHA256);
    const groupB = ofType(messages, 'group').find(g => g.groupId === TEAM_B_SHA256);
    assert.ok(groupA && groupB, `group calls: ${ofType(messages, 'group').map(g => g.groupId)}`);
    // identify, then the groups in order, then the events (as sent: see assertSentFirst).
    assertSentFirst(identify, messages.filter(m => m !== identify), 'identify');
    assertSentFirst(groupA, [groupB, ...messages.filter(isEvent)], 'the first group call');
    assertSentFirst(groupB, messages.filter(isEvent), 'the second group call');
    assert.equal(identify.userId, sha256(GUEST));
    assert.deepEqual(
      [groupA, groupB].map(g => [g.groupId, g.userId, g.traits]),
      [
        [TEAM_A_SHA256, sha256(GUEST), {}],
        [TEAM_B_SHA256, sha256(GUEST), {}],
      ],
    );
    assert.equal(ofType(messages, 'group').length, 2, 'one group call per group, once');

    const events = messages.filter(isEvent);
    assert.ok(events.length >= 5, `events: ${events.map(e => e.event ?? e.type)}`);
    for (const e of events) {
      assert.equal(e.context.groupId, TEAM_A_SHA256, `context.groupId on ${e.type} ${e.event ?? e.properties.path}`);
      assert.equal(e.userId, sha256(GUEST));
      assert.equal(e.properties.environment, 'e2e');
    }
    const tracks = ofType(messages, 'track');
    assert.ok(tracks.some(t => t.event === 'Link Clicked' && t.properties.action === 'click'), 'click renamed');
    assert.ok(tracks.some(t => t.event === 'search'), 'unmapped actions keep their names');

    // Nothing plaintext in any request the page made: bodies and URLs.
    const wire = h.browser.requests.map(r => `${r.url} ${r.body}`).join('\n');
    for (const plaintext of [GUEST, TEAM_A, TEAM_B, 'team-a', 'team-b']) {
      assert.ok(!wire.includes(plaintext) && !wire.includes(encodeURIComponent(plaintext)), `${plaintext} in a request`);
    }
    assert.ok(collector.requests().every(r => r.status !== 400), 'the collector refused nothing');

    // The playground shows the groups it sent.
    await page.waitForSelector('[data-testid=groups-sent]');
    const shown = await page.textContent('[data-testid=groups-sent]');
    assert.match(shown ?? '', /Groups sent \(2\)/);
    assert.ok(shown?.includes(TEAM_A_SHA256.slice(0, 12)) && shown.includes(TEAM_B_SHA256.slice(0, 12)), shown ?? '');
  });

  it('without a transform: the group refs as ids and their names as traits', async () => {
    const h = await harness({ segment: { groups: { limit: 1 } } });
    const messages = await h.collector.waitFor(m => ofType(m, 'group').length >= 1 && m.some(x => x.type === 'page'));
    const groups = ofType(messages, 'group');
    assert.deepEqual(
      groups.map(g => [g.groupId, g.traits, g.userId]),
      [[TEAM_A, { name: 'team-a' }, GUEST]],
    );
    assert.ok(messages.filter(isEvent).every(e => e.context.groupId === TEAM_A));
    // Before the events as sent (see assertSentFirst), not by arrival: separate requests may arrive in either order.
    assertSentFirst(groups[0], messages.filter(isEvent), 'the group call');
  });

  it('by default sends no group call and no context.groupId', async () => {
    const h = await harness({});
    await h.page.click('[data-testid=fire-search]');
    const messages = await h.collector.waitFor(m => m.some(x => x.event === 'search'));
    await h.page.waitForTimeout(500);
    const all = h.collector.messages();
    assert.equal(ofType(all, 'group').length, 0);
    assert.ok(all.filter(isEvent).every(e => !('groupId' in e.context)));
    assert.ok(messages.length > 0);
  });
});
