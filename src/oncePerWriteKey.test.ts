import { claimWriteKey, WRITE_KEY_CLAIMS } from './oncePerWriteKey';

// Each test passes a fresh object as the page's global object.
const quietLogger = () => ({ warn: jest.fn() });

describe('claimWriteKey', () => {
  it('lets the first instance of a write key send, and turns a second one off with one warning', () => {
    // Given a page where an instance already claimed the key
    const page = {};
    const first = quietLogger();
    expect(claimWriteKey('key-a', first, page)).toBe(true);

    // When a second instance claims it
    const second = quietLogger();
    const claimed = claimWriteKey('key-a', second, page);

    // Then it stays off, says why once, and the first said nothing
    expect(claimed).toBe(false);
    expect(second.warn).toHaveBeenCalledTimes(1);
    expect(second.warn.mock.calls[0][0]).toMatch(/stays off: another one in this page already handles write key "key-a…"/);
    expect(second.warn.mock.calls[0][0]).toMatch(/registered twice/);
    expect(first.warn).not.toHaveBeenCalled();
  });

  it('keeps write keys apart, and pages apart', () => {
    const page = {};
    expect(claimWriteKey('key-a', quietLogger(), page)).toBe(true);
    expect(claimWriteKey('key-b', quietLogger(), page)).toBe(true);
    expect(claimWriteKey('key-a', quietLogger(), {})).toBe(true);
  });

  it('shows only the start of a write key, and names test mode without one', () => {
    const page = {};
    claimWriteKey('0123456789abcdef', quietLogger(), page);
    claimWriteKey('', quietLogger(), page);
    const long = quietLogger();
    const empty = quietLogger();
    claimWriteKey('0123456789abcdef', long, page);
    claimWriteKey('', empty, page);
    expect(long.warn.mock.calls[0][0]).toContain('write key "012345…"');
    expect(long.warn.mock.calls[0][0]).not.toContain('0123456789abcdef');
    expect(empty.warn.mock.calls[0][0]).toContain('test mode without a write key');
  });

  it('is shared through the global symbol, so separate bundles (and versions) of the module see one another', () => {
    // Another bundle's copy of this code reads the same Symbol.for slot.
    const page: Record<symbol, unknown> = {};
    claimWriteKey('key-a', quietLogger(), page);
    expect(page[Symbol.for('backstage-plugin-analytics-module-segment.claimedWriteKeys')]).toEqual(new Set(['key-a']));
    expect(WRITE_KEY_CLAIMS).toBe(Symbol.for('backstage-plugin-analytics-module-segment.claimedWriteKeys'));
  });

  it('lets every instance send when the page cannot hold the claims: a safeguard never loses events', () => {
    const frozen = Object.freeze({});
    expect(claimWriteKey('key-a', quietLogger(), frozen)).toBe(true);
    expect(claimWriteKey('key-a', quietLogger(), frozen)).toBe(true);

    const taken = { [WRITE_KEY_CLAIMS]: 'something else' };
    expect(claimWriteKey('key-a', quietLogger(), taken)).toBe(true);
    expect(claimWriteKey('key-a', quietLogger(), taken)).toBe(true);

    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
      },
    );
    expect(claimWriteKey('key-a', quietLogger(), hostile)).toBe(true);
  });

  it('never throws when the console does', () => {
    const page = {};
    claimWriteKey('key-a', quietLogger(), page);
    const throwing = {
      warn: () => {
        throw new Error('console is gone');
      },
    };
    expect(claimWriteKey('key-a', throwing, page)).toBe(false);
  });
});
