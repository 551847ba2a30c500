#!/usr/bin/env node
// CI guard on what the module adds to an app's JavaScript. Exits 1, saying
// why, when
//   (a) the module's own code (src/, every package external: the Segment
//       library, @noble/hashes, React and Backstage come from elsewhere) is
//       5 KB min+gzip or more, or
//   (b) the initial chunks of a page that registers the module (the entry
//       and what it imports statically) contain code from a package that must
//       only ever be loaded lazily: @segment/* (the analytics library and its
//       dependencies) or @noble/* (the hashing fallback for non-secure pages).
import * as esbuild from 'esbuild';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { BUILD_OPTIONS, buildPage, gzipSize, inputsOf, ROOT } from './build.mjs';

const OWN_CODE_LIMIT = 5 * 1024;
const LAZY_ONLY = ['node_modules/@segment/', 'node_modules/@noble/'];

const failures = [];
const out = mkdtempSync(join(tmpdir(), 'segment-size-check-'));
try {
  // (a) The module's own code.
  const { metafile } = await esbuild.build({
    ...BUILD_OPTIONS,
    entryPoints: [join(ROOT, 'src', 'index.ts')],
    outdir: join(out, 'own'),
    packages: 'external',
  });
  const files = Object.keys(metafile.outputs).filter(file => file.endsWith('.js'));
  const own = files.map(file => {
    const bytes = readFileSync(join(ROOT, file));
    return { file: basename(file), min: bytes.length, gzip: gzipSize(bytes) };
  });
  const min = own.reduce((sum, f) => sum + f.min, 0);
  const gzip = own.reduce((sum, f) => sum + f.gzip, 0);
  const foreign = [...inputsOf(metafile, files)].filter(input => !input.startsWith('src/'));
  console.log(`(a) module's own code (src/index.ts, all packages external): ${min} B min, ${gzip} B min+gzip ` +
    `in ${own.length} chunk(s); limit ${OWN_CODE_LIMIT} B min+gzip`);
  if (gzip >= OWN_CODE_LIMIT) {
    failures.push(`(a) the module's own code is ${gzip} B min+gzip, over the ${OWN_CODE_LIMIT} B budget: ` +
      `look for heavy code in src/ or a dependency that should be lazy`);
  }
  if (foreign.length) failures.push(`(a) inputs outside src/ in the own-code build: ${foreign.join(', ')}`);

  // (b) Nothing lazy-only in the initial chunks of a page that registers the module.
  const page = await buildPage('module', out);
  const initialInputs = [...inputsOf(page.metafile, page.initial)];
  const lazyInputs = [...inputsOf(page.metafile, page.lazy)];
  const attributable = [...initialInputs].filter(input => input.startsWith('src/'));
  console.log(`(b) page registering the module (bench/pages/module.ts): initial JS ${page.initialSize.gzip} B min+gzip ` +
    `in ${page.initial.length} chunk(s), ${attributable.length} inputs from src/; ` +
    `lazy JS ${page.lazySize.gzip} B min+gzip in ${page.lazy.length} chunk(s)`);
  for (const prefix of LAZY_ONLY) {
    const eager = initialInputs.filter(input => input.startsWith(prefix));
    const lazy = lazyInputs.filter(input => input.startsWith(prefix));
    const name = prefix.replace('node_modules/', '') + '*';
    console.log(`    ${name}: ${eager.length} inputs in the initial chunks, ${lazy.length} in lazy chunks`);
    if (eager.length) {
      failures.push(`(b) the initial chunks contain ${name}, which must be loaded lazily (through import()): ` +
        eager.slice(0, 5).join(', ') + (eager.length > 5 ? `, … (${eager.length} in all)` : ''));
    }
    if (!lazy.length && !eager.length) {
      failures.push(`(b) ${name} is in no chunk at all: the check would pass vacuously; has the build changed?`);
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}

if (failures.length) {
  console.error(`\nsize-check FAILED:\n${failures.map(f => `  - ${f}`).join('\n')}`);
  process.exit(1);
}
console.log('\nsize-check passed');
