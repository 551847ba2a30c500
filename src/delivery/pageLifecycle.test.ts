import { listenForPageLeave, PageLeave } from './pageLifecycle';

/** A `pageshow` or `pagehide` as the browser fires it: `persisted` when the back/forward cache keeps or restores the page. */
function transition(type: 'pageshow' | 'pagehide', persisted: boolean): Event {
  const event = new Event(type);
  Object.defineProperty(event, 'persisted', { value: persisted });
  return event;
}

/** The tab switched to (`visible`) or away from (`hidden`). */
function visibility(state: DocumentVisibilityState) {
  jest.spyOn(document, 'visibilityState', 'get').mockReturnValue(state);
  document.dispatchEvent(new Event('visibilitychange'));
}

/** Listens as Delivery does, recording each leave and each return. */
function listen() {
  const leaves: PageLeave[] = [];
  let backs = 0;
  const stop = listenForPageLeave(leave => leaves.push(leave), () => backs++);
  return { leaves, backs: () => backs, stop };
}

let stops: Array<() => void> = [];
afterEach(() => {
  for (const stop of stops) stop();
  stops = [];
  jest.restoreAllMocks();
});

function listening() {
  const page = listen();
  stops.push(page.stop);
  return page;
}

describe('listenForPageLeave', () => {
  it('a page restored from the back/forward cache (pageshow, persisted) is told it is back', () => {
    const page = listening();
    window.dispatchEvent(transition('pagehide', true));
    window.dispatchEvent(transition('pageshow', true));
    expect(page.leaves).toEqual([{ final: false, pageHide: true }]);
    expect(page.backs()).toBe(1);
  });

  it("a page's first load (pageshow, not persisted) is no return", () => {
    const page = listening();
    window.dispatchEvent(transition('pageshow', false));
    expect(page.backs()).toBe(0);
    expect(page.leaves).toEqual([]);
  });

  it('a tab switched away from and back to: a leave it may come back from, then back', () => {
    const page = listening();
    visibility('hidden');
    expect(page.leaves).toEqual([{ final: false }]);
    expect(page.backs()).toBe(0);
    visibility('visible');
    expect(page.leaves).toEqual([{ final: false }]);
    expect(page.backs()).toBe(1);
  });

  it('a hidden tab the browser freezes (it may discard it later, with no other event) is left as on a pagehide that may come back; resumed, it is back', () => {
    const page = listening();
    visibility('hidden');
    document.dispatchEvent(new Event('freeze'));
    // No pagehide came first: what pagehide listeners keep (the library's own queue) is not kept.
    expect(page.leaves).toEqual([{ final: false }, { final: false, pageHide: true, unannounced: true }]);
    expect(page.backs()).toBe(0);
    document.dispatchEvent(new Event('resume'));
    expect(page.backs()).toBe(1);
  });

  it('a page the back/forward cache keeps is frozen after its pagehide: not unannounced; shown again and then frozen, it is', () => {
    const page = listening();
    window.dispatchEvent(transition('pagehide', true));
    document.dispatchEvent(new Event('freeze'));
    document.dispatchEvent(new Event('resume'));
    window.dispatchEvent(transition('pageshow', true));
    document.dispatchEvent(new Event('freeze'));
    expect(page.leaves).toEqual([
      { final: false, pageHide: true },
      { final: false, pageHide: true, unannounced: false },
      { final: false, pageHide: true, unannounced: true },
    ]);
  });

  it('unloaded for good (pagehide, not persisted) is final; beforeunload is not (the page may stay)', () => {
    const page = listening();
    window.dispatchEvent(new Event('beforeunload'));
    window.dispatchEvent(transition('pagehide', false));
    expect(page.leaves).toEqual([{ final: false }, { final: true, pageHide: true }]);
  });

  it('stopped: told nothing more', () => {
    const page = listen();
    page.stop();
    visibility('hidden');
    visibility('visible');
    window.dispatchEvent(transition('pagehide', true));
    window.dispatchEvent(transition('pageshow', true));
    expect(page.leaves).toEqual([]);
    expect(page.backs()).toBe(0);
  });
});
