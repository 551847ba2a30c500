// Benchmark page (a): the module under test.
import { SegmentAnalytics } from '../../src';
import { installHarness } from './harness';

installHarness('module', (config, identityApi) => SegmentAnalytics.fromConfig(config, { identityApi }));
