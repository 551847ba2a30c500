// A New Frontend System app with the Segment module installed, for the
// end-to-end tests (e2e/nfs.test.mjs) and `npm start -- --nfs`. Config (app.analytics.segment, ...) is
// read at runtime from <script type="backstage.io/config"> in index.html.
import ReactDOM from 'react-dom/client';
import { createApp } from '@backstage/frontend-defaults';
import { segmentAnalyticsModule } from '../../src';
import { nfsPagesPlugin } from './pagesPlugin';

const app = createApp({ features: [segmentAnalyticsModule, nfsPagesPlugin] });

ReactDOM.createRoot(document.getElementById('root')!).render(app.createRoot());
