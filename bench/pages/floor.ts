// Benchmark page (d): one request per event and nothing else, the floor under the default configuration.
import { RequestsOnlyAnalytics } from '../floor/RequestsOnlyAnalytics';
import { installHarness } from './harness';

installHarness('floor', (config, identityApi) => RequestsOnlyAnalytics.fromConfig(config, { identityApi }));
