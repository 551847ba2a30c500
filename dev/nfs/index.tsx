// A New Frontend System app with the Segment module installed, for the
// end-to-end tests (e2e/nfs.test.mjs) and `npm start -- --nfs`. Config (app.analytics.segment, ...) is
// read at runtime from <script type="backstage.io/config"> in index.html. It has the real settings page
// of @backstage/plugin-user-settings (/settings), where the module adds its "Usage analytics" tab.
import ReactDOM from 'react-dom/client';
// The styles of Backstage UI, whose components the settings page's header and tabs are: this harness
// is the app here (an app's packages/app imports them; the module never does).
// eslint-disable-next-line @backstage/no-ui-css-imports-in-non-frontend
import '@backstage/ui/css/styles.css';
import { createApp } from '@backstage/frontend-defaults';
import userSettingsPlugin from '@backstage/plugin-user-settings/alpha';
import { segmentAnalyticsModule } from '../../src';
import { harnessCatalogPlugin } from './harnessCatalog';
import { nfsPagesPlugin } from './pagesPlugin';

const app = createApp({ features: [segmentAnalyticsModule, nfsPagesPlugin, userSettingsPlugin, harnessCatalogPlugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
