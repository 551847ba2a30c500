// @ts-check
// The temporary copy of a package that the RHDH CLI exports from: the sources
// and files a build and `npm pack` read, never a build output. It sits inside
// the package folder, so that imports resolve through the same node_modules
// folders as the package's own (its own, then every parent's).
import { cpSync, existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join, resolve } from 'node:path';

/** Build outputs and generated folders: never copied. */
const GENERATED = /^(node_modules|dist|dist-.*|\..*)$/;

/**
 * Always copied when present: the docs go into the derived package too; the
 * CLI copies a backend plugin's yarn.lock into dist-dynamic to install its
 * private dependencies.
 */
const ALWAYS = ['README.md', 'LICENSE', 'CHANGELOG.md', 'yarn.lock'];

/**
 * A tsconfig with a relative `extends` rebased onto the original folder, so
 * the copy extends the same file; everything else in it is relative to
 * itself and holds in the copy.
 * @param {string} file
 */
function rebasedTsconfig(file) {
  const ts = createRequire(file)('typescript');
  const { config, error } = ts.readConfigFile(file, ts.sys.readFile);
  if (error) throw new Error(`${file}: ${ts.flattenDiagnosticMessageText(error.messageText, '\n')}`);
  /** @param {string} base */
  const rebase = base => (base.startsWith('.') ? resolve(dirname(file), base) : base);
  if (typeof config.extends === 'string') config.extends = rebase(config.extends);
  else if (Array.isArray(config.extends)) config.extends = config.extends.map(rebase);
  return `${JSON.stringify(config, null, 2)}\n`;
}

/**
 * Copies `packageDir`'s sources into `workDir`: package.json, tsconfig*.json
 * (rebased), src/, the config schema, every `files` entry that is not a build
 * output, the docs and a yarn.lock.
 * @param {string} packageDir
 * @param {string} workDir
 * @param {{ files?: string[], configSchema?: unknown }} pkg
 */
export function copySources(packageDir, workDir, pkg) {
  mkdirSync(workDir, { recursive: true });
  const wanted = new Set(['package.json', 'src', ...ALWAYS]);
  if (typeof pkg.configSchema === 'string') wanted.add(pkg.configSchema);
  for (const entry of pkg.files ?? []) {
    const top = entry.split('/')[0];
    if (!GENERATED.test(top)) wanted.add(entry);
  }
  for (const name of readdirSync(packageDir)) {
    if (/^tsconfig.*\.json$/.test(name)) writeFileSync(join(workDir, name), rebasedTsconfig(join(packageDir, name)));
  }
  for (const entry of wanted) {
    const from = join(packageDir, entry);
    if (existsSync(from)) cpSync(from, join(workDir, entry), { recursive: true });
  }
}
