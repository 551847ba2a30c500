import { BackstageEvent } from '../mapping/BackstageEvent';
import { PageInfo, SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';
import { createPrivacy } from './createPrivacy';
import { DEFAULT_PRIVACY } from './PrivacyConfig';
import { createUserPseudonyms } from './userPseudonyms';
import { atHandOver } from '../eventPath';

// A user's page is titled with their name. Under a user id transform, a call
// prepared (redacted at capture) while that title showed on another page,
// before privacy knew it for a user's page's title, is handed over later:
// by then the user's page set it, and the call carries the pseudonym, not
// the name (`retitled` in `redactDocument`).

const ctx = { pluginId: 'catalog', routeRef: 'catalog:entity', extension: 'CatalogEntityPage' };
const call = (event: Partial<BackstageEvent> & { action: string; subject: string }, on: PageInfo): SegmentCall =>
  toSegmentCall({ context: ctx, ...event } as BackstageEvent, on, new Date(0));

describe("a user's page's title on a call prepared before it was known for theirs", () => {
  it('is their pseudonym once handed over, in the page and (page calls) in the properties', () => {
    const pseudonyms = createUserPseudonyms({ transform: async () => 'never', timeoutMs: 5000 });
    const privacy = createPrivacy(DEFAULT_PRIVACY, { pseudonyms, onPageLeave: () => {} });
    const prepared: SegmentCall[] = [];
    const send = privacy.handOff(c => prepared.push(c));
    pseudonyms.setOwn('user:default/jane.doe', 'u-7');

    // Calls on a page showing "Jane Doe | App", prepared before any user's page is known to have set it.
    const plainUrl = 'https://b.example.com/plain';
    const plain: PageInfo = { url: plainUrl, path: '/plain', search: '', title: 'Jane Doe | App', referrer: '' };
    send(call({ action: 'navigate', subject: '/plain' }, plain));
    send(call({ action: 'click', subject: 'x' }, plain));
    expect(prepared.map(c => c.page.title)).toEqual(['Jane Doe | App', 'Jane Doe | App']);

    // Then the user's page sets that title (the title watch tells privacy).
    privacy.titleSet('https://b.example.com/catalog/default/user/jane.doe', 'Jane Doe | App');

    // Handed over on a page showing another title (the page call's own page set none: it keeps its captured one).
    const out = prepared.map(c => atHandOver(privacy)(c, { href: 'https://b.example.com/other', title: 'Other | App' }));
    expect(out.map(c => [c.type, c.page.title, c.properties.title])).toEqual([
      ['page', 'u-7 | App', 'u-7 | App'],
      ['track', 'u-7 | App', undefined],
    ]);
    expect(JSON.stringify(out)).not.toMatch(/jane/i);
  });
});
