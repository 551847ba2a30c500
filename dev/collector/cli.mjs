#!/usr/bin/env node
// @ts-check
// Starts the Segment-compatible dev collector:
//   node dev/collector/cli.mjs [--port N (default 0: a free port)] [--host 127.0.0.1]
//     [--write-key KEY ...] [--allow-origin http://host:port ...] [--token TOKEN] [--quiet]
// It prints the app-config.yaml block to paste and the control token. Ctrl-C stops it.
import { parseArgs } from 'node:util';
import { startBanner } from './banner.mjs';
import { startCollector } from './collector.mjs';

const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '0' },
    host: { type: 'string', default: '127.0.0.1' },
    'write-key': { type: 'string', multiple: true },
    'allow-origin': { type: 'string', multiple: true },
    token: { type: 'string' },
    quiet: { type: 'boolean', default: false },
  },
});

const port = Number(values.port);
if (!Number.isInteger(port) || port < 0 || port > 65535) {
  console.error(`--port must be an integer between 0 and 65535; got ${values.port}`);
  process.exit(2);
}

/** Starts the collector, prints the banner and stops on Ctrl-C. */
async function main() {
  let collector;
  try {
    collector = await startCollector({
      port,
      host: values.host,
      writeKeys: values['write-key'],
      allowedOrigins: values['allow-origin'] ?? [],
      ...(values.token === undefined ? {} : { controlToken: values.token }),
      log: values.quiet ? undefined : (line) => console.log(`${new Date().toISOString()} ${line}`),
    });
  } catch (error) {
    console.error(`could not start the collector: ${error instanceof Error ? error.message : error}`);
    process.exit(1);
  }

  for (const line of startBanner(collector, { writeKey: values['write-key']?.[0] })) console.log(line);
  console.log('  Ctrl-C stops it.');

  let stopping = false;
  const stop = async () => {
    if (stopping) process.exit(1);
    stopping = true;
    await collector.close();
    console.log(`\nstopped; ${collector.messages().length} message(s) were kept`);
    process.exit(0);
  };
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, stop);
}

void main();
