import { claimWriteKey, createKeyHold, warnHeldElsewhere, WRITE_KEY_CLAIMS } from './oncePerWriteKey';

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

describe('an instance that has captured nothing gives its key up', () => {
  it('to the next instance of the key: the app built it and dropped it (a factory that threw after it, called again)', () => {
    const page = {};
    const dropped = createKeyHold();
    const stopped = jest.fn();
    dropped.onGiveUp(stopped);
    expect(claimWriteKey('key-a', quietLogger(), page, dropped.holder)).toBe(true);

    const used = createKeyHold();
    const logger = quietLogger();
    expect(claimWriteKey('key-a', logger, page, used.holder)).toBe(true);
    expect(dropped.givenUp()).toBe(true);
    expect(stopped).toHaveBeenCalledTimes(1);
    expect(logger.warn).not.toHaveBeenCalled();

    // The key stays with the instance that is used: a third one stays off.
    used.markUsed();
    expect(claimWriteKey('key-a', quietLogger(), page, createKeyHold().holder)).toBe(false);
    expect(used.givenUp()).toBe(false);
  });

  it('never once it has captured: the later instance stays off, and the warning is given once per page and key', () => {
    const page = {};
    const first = createKeyHold();
    claimWriteKey('key-a', quietLogger(), page, first.holder);
    first.markUsed();
    const loggers = [quietLogger(), quietLogger(), quietLogger()];
    for (const logger of loggers) expect(claimWriteKey('key-a', logger, page, createKeyHold().holder)).toBe(false);
    expect(loggers.map(logger => logger.warn.mock.calls.length)).toEqual([1, 0, 0]);
    expect(first.givenUp()).toBe(false);
    // Another page warns again.
    const elsewhere = {};
    claimWriteKey('key-a', quietLogger(), elsewhere, createKeyHold().holder);
    const again = quietLogger();
    claimWriteKey('key-a', again, elsewhere);
    expect(again.warn).toHaveBeenCalledTimes(1);
  });

  it('warns when the instance that gave its key up is called after all (the app feeds both): once, with the claims', () => {
    const page = {};
    const earlier = createKeyHold();
    claimWriteKey('key-a', quietLogger(), page, earlier.holder);
    const later = createKeyHold();
    claimWriteKey('key-a', quietLogger(), page, later.holder);
    later.markUsed();
    const logger = quietLogger();
    warnHeldElsewhere('key-a', logger, page);
    warnHeldElsewhere('key-a', logger, page);
    expect(logger.warn).toHaveBeenCalledTimes(1);
    expect(logger.warn.mock.calls[0][0]).toMatch(/stays off: another one in this page already handles write key "key-a…"/);
    const third = quietLogger();
    expect(claimWriteKey('key-a', third, page, createKeyHold().holder)).toBe(false);
    expect(third.warn).not.toHaveBeenCalled();
  });

  it('stops what it started once, at once for what starts after; a stop that throws does not keep the others from running', () => {
    const hold = createKeyHold();
    const calls: string[] = [];
    hold.onGiveUp(() => {
      calls.push('delivery');
      throw new Error('no');
    });
    hold.onGiveUp(() => calls.push('relay'));
    hold.holder.giveUp();
    hold.holder.giveUp();
    expect(calls).toEqual(['delivery', 'relay']);
    expect(hold.holder.unused()).toBe(false);
    hold.onGiveUp(() => calls.push('later'));
    expect(calls).toEqual(['delivery', 'relay', 'later']);
  });

  it('never to an instance that does not follow the user\'s choice from one that does (the settings card offers the switch)', () => {
    const page = {};
    const following = createKeyHold(true);
    claimWriteKey('key-a', quietLogger(), page, following.holder);
    expect(claimWriteKey('key-a', quietLogger(), page, createKeyHold(false).holder)).toBe(false);
    expect(following.givenUp()).toBe(false);
    // The other way round, or both alike, it does.
    const other = {};
    const notFollowing = createKeyHold(false);
    claimWriteKey('key-a', quietLogger(), other, notFollowing.holder);
    expect(claimWriteKey('key-a', quietLogger(), other, createKeyHold(true).holder)).toBe(true);
    expect(notFollowing.givenUp()).toBe(true);
  });

  it('an older copy of the module (no holder) keeps its key, as before', () => {
    const page = {};
    claimWriteKey('key-a', quietLogger(), page);
    expect(claimWriteKey('key-a', quietLogger(), page, createKeyHold().holder)).toBe(false);
  });
});
