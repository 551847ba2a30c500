/**
 * @jest-environment node
 */
import { loadConfigSchema } from '@backstage/config-loader';
import { join } from 'node:path';
import { KNOWN_KEYS } from './readSegmentConfig';

// The keys the module accepts are the keys config.d.ts declares: one added to
// one place and not the other would be refused as unknown, or undocumented.
it('KNOWN_KEYS lists exactly the keys config.d.ts declares, at the top and in agent, batching and consent', async () => {
  const root = join(__dirname, '../..');
  const schema = await loadConfigSchema({ dependencies: [], packagePaths: [join(root, 'package.json')], excludePackageDependencies: true });
  const value = (schema.serialize() as any).schemas[0].value;
  const segment = value.properties.app.properties.analytics.properties.segment;
  const declared = (node: any) => Object.keys(node.properties).sort();
  expect([...KNOWN_KEYS['']].sort()).toEqual(declared(segment));
  expect([...KNOWN_KEYS.agent].sort()).toEqual(declared(segment.properties.agent));
  expect([...KNOWN_KEYS.batching].sort()).toEqual(declared(segment.properties.batching));
  expect([...KNOWN_KEYS.consent].sort()).toEqual(declared(segment.properties.consent));
}, 60_000);
