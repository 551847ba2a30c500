import { browserOptsOut, optOutSignal } from './optOut';

describe('optOutSignal', () => {
  it.each<[string, object | undefined, object | undefined, string | undefined]>([
    ['nothing', {}, {}, undefined],
    ['no navigator (server side)', undefined, undefined, undefined],
    ['Global Privacy Control', { globalPrivacyControl: true }, {}, 'Global Privacy Control'],
    ['GPC false', { globalPrivacyControl: false }, {}, undefined],
    ['GPC must be exactly true', { globalPrivacyControl: 'true' }, {}, undefined],
    ['Do Not Track', { doNotTrack: '1' }, {}, 'Do Not Track'],
    ['Do Not Track off', { doNotTrack: '0' }, {}, undefined],
    ['Do Not Track unspecified', { doNotTrack: 'unspecified' }, {}, undefined],
    ['Do Not Track null (Chromium default)', { doNotTrack: null }, {}, undefined],
    ['old Firefox', { doNotTrack: 'yes' }, {}, 'Do Not Track'],
    ['old IE/Edge: window.doNotTrack', {}, { doNotTrack: '1' }, 'Do Not Track'],
    ['old IE: navigator.msDoNotTrack', { msDoNotTrack: '1' }, {}, 'Do Not Track'],
    ['GPC wins when both', { globalPrivacyControl: true, doNotTrack: '1' }, {}, 'Global Privacy Control'],
  ])('%s', (_name, nav, win, expected) => {
    expect(optOutSignal(nav, win)).toBe(expected);
  });
});

describe('browserOptsOut', () => {
  const logger = () => ({ info: jest.fn() });

  it('ignores the signal unless respectGlobalPrivacyControl is on', () => {
    const log = logger();
    expect(browserOptsOut({ respectGlobalPrivacyControl: false }, log, { globalPrivacyControl: true })).toBe(false);
    expect(browserOptsOut(undefined, log, { globalPrivacyControl: true })).toBe(false);
    expect(log.info).not.toHaveBeenCalled();
  });

  it('opts out with one info line naming the signal', () => {
    const log = logger();
    expect(browserOptsOut({ respectGlobalPrivacyControl: true }, log, { doNotTrack: '1' }, {})).toBe(true);
    expect(log.info).toHaveBeenCalledTimes(1);
    expect(log.info.mock.calls[0][0]).toMatch(/Do Not Track.*respectGlobalPrivacyControl/);
  });

  it('stays on for a browser that sends nothing', () => {
    const log = logger();
    expect(browserOptsOut({ respectGlobalPrivacyControl: true }, log, {}, {})).toBe(false);
    expect(log.info).not.toHaveBeenCalled();
  });
});
