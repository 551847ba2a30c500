// The page-side harness shared by every benchmark page: the pages differ only
// in the analytics implementation they hand to installHarness. The runner
// (bench/measure.mjs) drives it through `window.bench`.
import { ConfigReader } from '@backstage/config';
import type { Config } from '@backstage/config';
import type { AnalyticsApi, AnalyticsEvent, IdentityApi } from '@backstage/core-plugin-api';

/** Builds the implementation under test from app config. */
export type Factory = (config: Config, identityApi: IdentityApi) => AnalyticsApi;

const USER = 'user:default/bench-user';

/** An identity API that knows the user at once, as after a completed sign-in. */
const identityApi: IdentityApi = {
  async getBackstageIdentity() {
    return { type: 'user', userEntityRef: USER, ownershipEntityRefs: [USER] };
  },
  async getProfileInfo() {
    return { displayName: 'Bench User' };
  },
  async getCredentials() {
    return {};
  },
  async signOut() {},
};

const CATALOG = { routeRef: 'catalog:entity', pluginId: 'catalog', extension: 'App' };
const SEARCH = { routeRef: 'search:root', pluginId: 'search', extension: 'SearchPage' };
const SCAFFOLDER = { routeRef: 'scaffolder:root', pluginId: 'scaffolder', extension: 'ScaffolderPage' };

/**
 * Event `i` of a realistic mix, repeating every 10 events: 3 navigations,
 * 4 clicks, 2 searches (with attributes and a result count), 1 create (with
 * a value). Each call builds a fresh object, as Backstage's hooks do.
 */
export function mixEvent(i: number, tag = 'mix'): AnalyticsEvent {
  const n = i % 10;
  const entityRef = `component:default/service-${i % 37}`;
  switch (n) {
    case 0:
    case 3:
    case 7:
      return { action: 'navigate', subject: `/catalog/default/component/service-${i % 37}`, context: { ...CATALOG, entityRef } };
    case 4:
    case 9:
      return {
        action: 'search',
        subject: `kafka consumer ${i % 5}`,
        value: 12 + (i % 7),
        attributes: { searchTypes: 'software-catalog,techdocs', pageCursor: `page-${i % 3}`, tag },
        context: { ...SEARCH, searchTypes: 'software-catalog,techdocs' },
      };
    case 6:
      return {
        action: 'create',
        subject: 'Template: React single-page app',
        value: 30,
        attributes: { templateRef: 'template:default/react-spa', tag },
        context: { ...SCAFFOLDER, entityRef: 'template:default/react-spa' },
      };
    default:
      return { action: 'click', subject: `Open service-${i % 37}`, attributes: { to: `/catalog/default/component/service-${i % 37}`, tag }, context: { ...CATALOG, entityRef } };
  }
}

/** Epoch milliseconds with sub-millisecond precision, on the page's clock. */
function epochNow(): number {
  return performance.timeOrigin + performance.now();
}

function nextTask(): Promise<void> {
  return new Promise(resolve => setTimeout(resolve, 0));
}

/** Smallest non-zero step of performance.now(): the timer resolution the figures live with. */
function timerResolutionMs(): number {
  let smallest = Infinity;
  for (let k = 0; k < 50; k++) {
    const start = performance.now();
    let next = performance.now();
    while (next === start) next = performance.now();
    smallest = Math.min(smallest, next - start);
  }
  return smallest;
}

/** Installs `window.bench` for the implementation built by `factory`. */
export function installHarness(name: string, factory: Factory) {
  let api: AnalyticsApi | undefined;
  const current = () => {
    if (!api) throw new Error('bench.create() was not called');
    return api;
  };

  const bench = {
    name,
    /** Set when the page was opened with ?autostart= (see below). */
    started: undefined as undefined | { timeOrigin: number; constructedAt: number },

    /** Constructs the implementation with `app.analytics.segment = segment`; returns the construction time (epoch ms). */
    create(segment: object): number {
      const constructedAt = epochNow();
      api = factory(new ConfigReader({ app: { analytics: { segment } } }), identityApi);
      return constructedAt;
    },

    /** Captures events `from` .. `from + count - 1` of the mix. */
    capture(count: number, from = 0, tag = 'mix'): void {
      const target = current();
      for (let i = from; i < from + count; i++) target.captureEvent(mixEvent(i, tag));
    },

    /** Captures one click whose subject is `subject`, to find it at the collector. */
    probe(subject: string): void {
      current().captureEvent({ action: 'click', subject, context: { ...CATALOG } });
    },

    /**
     * Times `count` captureEvent calls, events `from` .. `from + count - 1`,
     * on the calling thread, as one block (the timer is coarse, so the runner
     * divides). The events are built before the clock starts.
     * @returns elapsed milliseconds
     */
    timeGroup(from: number, count: number): number {
      const target = current();
      const prepared = Array.from({ length: count }, (_, k) => mixEvent(from + k));
      const t0 = performance.now();
      for (let k = 0; k < count; k++) target.captureEvent(prepared[k]);
      return performance.now() - t0;
    },

    /**
     * A sustained burst: `count` events in groups of `groupSize`, each group
     * timed, with only one task yielded between groups, so events keep coming
     * faster than the library delivers them.
     * @returns milliseconds per event, one value per group
     */
    async burst(from: number, count: number, groupSize: number): Promise<number[]> {
      const perEventMs: number[] = [];
      for (let start = from; start < from + count; start += groupSize) {
        perEventMs.push(bench.timeGroup(start, groupSize) / groupSize);
        await nextTask();
      }
      return perEventMs;
    },

    /**
     * Captures `count` clicks whose subject and `note` attribute are `length`
     * letters `a` then `!` (what makes backtracking expressions blow up), one
     * per task, as a user's clicks come; times each call on the caller.
     * @returns milliseconds per call
     */
    async timeLong(count: number, length: number): Promise<number[]> {
      const text = `${'a'.repeat(length)}!`;
      const perCallMs: number[] = [];
      for (let k = 0; k < count; k++) {
        const event = { action: 'click', subject: text, attributes: { note: text, tag: 'long' }, context: { ...CATALOG } };
        const t0 = performance.now();
        current().captureEvent(event);
        perCallMs.push(performance.now() - t0);
        await nextTask();
      }
      return perCallMs;
    },

    /** The page's clock, for the runner's clock-offset estimate. */
    now: epochNow,

    info() {
      return { crossOriginIsolated: globalThis.crossOriginIsolated === true, timerResolutionMs: timerResolutionMs() };
    },
  };

  (window as unknown as { bench: typeof bench }).bench = bench;

  // ?autostart=<JSON config>&probe=<subject>: construct while the page's
  // script runs, as an app does at startup, and capture one event at once.
  const params = new URLSearchParams(location.search);
  const autostart = params.get('autostart');
  if (autostart) {
    const constructedAt = bench.create(JSON.parse(autostart));
    bench.probe(params.get('probe') ?? 'probe');
    bench.started = { timeOrigin: performance.timeOrigin, constructedAt };
  }
}
