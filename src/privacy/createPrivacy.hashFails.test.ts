import { BackstageEvent } from '../mapping/BackstageEvent';
import { SegmentCall } from '../mapping/SegmentCall';
import { toSegmentCall } from '../mapping/toSegmentCall';
import { createPrivacy } from './createPrivacy';
import { DEFAULT_PRIVACY, REDACTED } from './PrivacyConfig';

// A page where no digest can be worked out: no WebCrypto (an http page), and the chunk of the fallback
// hashing code failing to load.
jest.mock('../identity/hashUserId', () => ({ hashUserId: () => Promise.reject(new Error('no digest')) }));

const page = { url: 'https://b.example.com/search', path: '/search', search: '', title: 'Search', referrer: '' };

it("searchTerms 'sha-256' where the term cannot be hashed: the call goes with the mark, never the term", async () => {
  const delivered: SegmentCall[] = [];
  const send = createPrivacy({ ...DEFAULT_PRIVACY, searchTerms: 'sha-256' }).handOff(c => delivered.push(c));
  send(toSegmentCall({ action: 'search', subject: 'secret project', context: { pluginId: 'search' } } as BackstageEvent, page, new Date(0)));
  for (let turn = 0; turn < 10 && !delivered.length; turn++) await Promise.resolve();
  expect(delivered.map(c => c.properties.subject)).toEqual([REDACTED]);
});
