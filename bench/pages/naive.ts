// Benchmark page (b): the naive implementation, for comparison.
import { NaiveSegmentAnalytics } from '../naive/NaiveSegmentAnalytics';
import { installHarness } from './harness';

installHarness('naive', (config, identityApi) => NaiveSegmentAnalytics.fromConfig(config, { identityApi }));
