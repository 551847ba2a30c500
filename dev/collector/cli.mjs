#!/usr/bin/env node
// Starts the Segment-compatible dev collector:
//   node dev/collector/cli.mjs [--port N (default 0: a free port)] [--host 127.0.0.1] [--write-key KEY ...] [--quiet]
// Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startCollector } from './collector.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'write-key': { type: 'string', multiple: true },
    quiet: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer between 0 and 65535; got ${values.port}`);
  process.exit(2);
}

let collector;
try {
  collector = await startCollector({
    port,
    host: values.host,
    writeKeys: values['write-key'],
    log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
  });
} catch (error) {
  console.error(`could not start the collector: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}

console.log(`Segment collector listening on ${collector.url}`);
console.log(`  received view: ${collector.url}/events   JSON: ${collector.url}/events.json`);
console.log(`  analytics-next: cdnURL=${collector.url}  apiHost=${collector.apiHost}  protocol=http`);
console.log('  Ctrl-C stops it.');

let stopping = false;
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await collector.close();
    console.log(`\nstopped; ${collector.messages().length} message(s) were recorded`);
    process.exit(0);
  });
}
