// @ts-check
// Registers the module in the generated app's packages/app/src/apis.ts with
// the code the README shows, so that the README is what gets tested.

/**
 * @param {string} templateApis the app template's apis.ts
 * @param {string} readme the README's text
 * @param {string} packageName
 * @returns {string} apis.ts with the README's imports merged in and its analytics factory added
 */
export function registerFromReadme(templateApis, readme, packageName) {
  const blocks = [...readme.matchAll(/```(?:ts|tsx|typescript)\n([\s\S]*?)```/g)].map(m => m[1]);
  const block = blocks.find(b => b.includes('SegmentAnalytics.fromConfig(') && b.includes('createApiFactory('));
  if (!block) throw new Error('README: no ts block registering SegmentAnalytics.fromConfig with createApiFactory');
  if (!block.includes(`from '${packageName}'`)) throw new Error(`README: the registration does not import from '${packageName}'`);

  const factoryStart = block.indexOf('createApiFactory(');
  const factoryEnd = matchingParen(block, factoryStart + 'createApiFactory'.length);
  let factory = block.slice(factoryStart, factoryEnd + 1);
  // The README shows pseudonymization as a commented option: turn it on.
  const enabled = factory.replace(/\/\/\s*(userIdTransform:\s*'sha-256',)/, '$1');
  if (enabled === factory && !/^\s*userIdTransform:\s*'sha-256'/m.test(factory)) {
    throw new Error("README: the registration shows no userIdTransform: 'sha-256' option");
  }
  factory = enabled;

  let apis = templateApis;
  for (const [, names, from] of block.matchAll(/import\s*\{([^}]*)\}\s*from\s*'([^']+)';/g)) {
    apis = mergeImport(apis, from, splitNames(names));
  }
  const close = apis.lastIndexOf('];');
  if (close < 0) throw new Error('apis.ts: no closing ]; of the apis array');
  return `${apis.slice(0, close)}  ${factory},\n${apis.slice(close)}`;
}

/** @param {string} names */
function splitNames(names) {
  return names.split(',').map(n => n.trim()).filter(Boolean);
}

/**
 * Adds names to the file's import from `from`, or adds that import.
 * @param {string} source
 * @param {string} from
 * @param {string[]} names
 */
function mergeImport(source, from, names) {
  const pattern = new RegExp(`import\\s*\\{([^}]*)\\}\\s*from\\s*'${from.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&')}';`);
  const existing = pattern.exec(source);
  if (!existing) return `import { ${names.join(', ')} } from '${from}';\n${source}`;
  const merged = [...new Set([...splitNames(existing[1]), ...names])];
  return source.replace(pattern, `import {\n  ${merged.join(',\n  ')},\n} from '${from}';`);
}

/**
 * Index of the parenthesis closing the one at `open`.
 * @param {string} text
 * @param {number} open
 */
function matchingParen(text, open) {
  let depth = 0;
  for (let i = open; i < text.length; i++) {
    if (text[i] === '(') depth++;
    else if (text[i] === ')' && --depth === 0) return i;
  }
  throw new Error('README: unbalanced parentheses in the registration');
}

/**
 * Adds the backend plugin to the generated app's packages/backend/src/index.ts
 * with the `backend.add(...)` line of the backend README's install block,
 * before `backend.start()`. A no-op when the line is there (the app is cached
 * between runs).
 * @param {string} indexTs the app backend's index.ts
 * @param {string} backendReadme backend/README.md's text
 * @param {string} packageName the backend package's name
 * @returns {string} index.ts with the README's line
 */
export function registerBackendFromReadme(indexTs, backendReadme, packageName) {
  const blocks = [...backendReadme.matchAll(/```(?:ts|typescript)\n([\s\S]*?)```/g)].map(m => m[1]);
  const line = blocks
    .flatMap(b => b.split('\n'))
    .map(l => l.trim())
    .find(l => l.startsWith('backend.add(') && l.includes(`import('${packageName}')`));
  if (!line) throw new Error(`backend/README.md: no ts block with backend.add(import('${packageName}'))`);
  if (indexTs.includes(line)) return indexTs;
  const start = indexTs.lastIndexOf('backend.start()');
  if (start < 0) throw new Error('packages/backend/src/index.ts: no backend.start()');
  return `${indexTs.slice(0, start)}${line}\n\n${indexTs.slice(start)}`;
}
