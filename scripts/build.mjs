/**
 * Builds the package into dist/ (run by `npm run build`, `prepare` and `prepack`):
 *
 *   dist/index.mjs, dist/index.cjs  the library (startServer...), as ESM and as CommonJS
 *   dist/cli.cjs                    the `redmoon` command: a small launcher that decides
 *                                   where the server runs (src/cli.ts); CommonJS, which
 *                                   node starts sooner than an ES module
 *   dist/cli-serve.cjs              the command's server side, which the launcher loads
 *                                   with its compiled code cached (src/cli/code-cache.ts)
 *   dist/cli-worker.cjs             the entry of the worker thread it may serve from
 *   dist/types/**.d.ts              declarations for ESM importers (tsc), and the same
 *   dist/types-cjs/**.d.ts          files again under a {"type":"commonjs"} package.json,
 *                                   so a CommonJS consumer's tsc sees a CommonJS module
 *
 * Each JavaScript file is one esbuild bundle of src/ (fengari stays a dependency, loaded at
 * run time by src/lua/fengari.ts). `--js` skips the declarations (npm start, bench).
 */
import { build, transform } from 'esbuild';
import { spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const outdirAt = process.argv.indexOf('--outdir');
// --outdir DIR: the JavaScript bundles elsewhere (tests build into a temp dir)
const DIST = outdirAt > 0 ? path.resolve(process.argv[outdirAt + 1]) : path.join(ROOT, 'dist');
const jsOnly = process.argv.includes('--js') || outdirAt > 0;
/** A relative import in a declaration file, as tsc writes it (with the source's .ts). */
const IMPORT_TS = /((?:from|import)\s*\(?\s*'\.{1,2}\/[^']*)\.ts'/g;

/**
 * src/core/meta.json (Redis's command metadata) as JSON text instead of an object literal:
 * JSON.parse builds the objects several times faster than a fresh thread runs a literal
 * that size, which was the largest part of the server bundle's start. The COMMAND DOCS
 * half is parsed only when a command's docs are first read (only COMMAND DOCS reads them).
 */
const commandMetaAsJson = {
  name: 'command-meta-as-json',
  setup(b) {
    b.onLoad({ filter: /[\\/]src[\\/]core[\\/]meta\.json$/ }, async (args) => {
      const meta = JSON.parse(await fs.promises.readFile(args.path, 'utf8'));
      const keys = Object.keys(meta);
      if (keys.length !== 1 || keys[0] !== 'commands') throw new Error(`meta.json: unexpected keys ${keys}`);
      const info = {};
      const docs = {};
      for (const [name, m] of Object.entries(meta.commands)) {
        if (Object.keys(m).join() !== 'info,docs') throw new Error(`meta.json: unexpected fields for ${name}`);
        info[name] = m.info;
        docs[name] = m.docs;
      }
      const contents = `
const INFO = JSON.parse(${JSON.stringify(JSON.stringify(info))});
const DOCS = ${JSON.stringify(JSON.stringify(docs))};
let parsedDocs;
class CommandMeta {
  #name;
  constructor(name, info) {
    this.#name = name;
    this.info = info;
  }
  get docs() {
    return (parsedDocs ??= JSON.parse(DOCS))[this.#name];
  }
}
const commands = {};
for (const name of Object.keys(INFO)) commands[name] = new CommandMeta(name, INFO[name]);
export default { commands };
`;
      return { contents, loader: 'js' };
    });
  },
};

const common = {
  absWorkingDir: ROOT,
  plugins: [commandMetaAsJson],
  bundle: true,
  platform: 'node',
  target: 'node20',
  packages: 'external',
  logLevel: 'warning',
  legalComments: 'none',
};

// CommonJS has no import.meta: src/lua/fengari.ts resolves fengari from this file's URL
const cjs = {
  format: 'cjs',
  define: { 'import.meta.url': '__redmoonFileUrl' },
  banner: { js: "const __redmoonFileUrl = require('node:url').pathToFileURL(__filename).href;" },
};

fs.mkdirSync(DIST, { recursive: true });
const fengari = await fengariBanner();
await Promise.all([
  build({ ...common, entryPoints: ['src/index.ts'], format: 'esm', outfile: path.join(DIST, 'index.mjs'), banner: { js: fengari } }),
  build({ ...common, ...cjs, entryPoints: ['src/index.ts'], outfile: path.join(DIST, 'index.cjs'), banner: { js: `${cjs.banner.js}\n${fengari}` } }),
  build({ ...common, ...cjs, entryPoints: ['src/cli/serve.ts'], outfile: path.join(DIST, 'cli-serve.cjs'), banner: { js: `${cjs.banner.js}\n${fengari}` } }),
]);
// The launcher names the server bundle's compile cache after its content.
const serveHash = crypto.createHash('sha256').update(fs.readFileSync(path.join(DIST, 'cli-serve.cjs'))).digest('hex').slice(0, 16);
const launcher = {
  ...common,
  define: { __REDMOON_SERVE_HASH__: JSON.stringify(serveHash) },
  // only run from src/ (the bundle loads dist/cli-serve.cjs instead)
  external: ['./serve.ts'],
};
await Promise.all([
  build({ ...launcher, ...cjs, define: { ...cjs.define, ...launcher.define }, entryPoints: ['src/cli.ts'], outfile: path.join(DIST, 'cli.cjs'), banner: { js: `#!/usr/bin/env node\n${cjs.banner.js}` } }),
  // CommonJS: a worker starts sooner without the ES module loader
  build({ ...launcher, ...cjs, define: { ...cjs.define, ...launcher.define }, entryPoints: ['src/cli/worker-main.ts'], outfile: path.join(DIST, 'cli-worker.cjs') }),
]);
fs.chmodSync(path.join(DIST, 'cli.cjs'), 0o755);
// the launcher's earlier name, from builds before it was CommonJS
fs.rmSync(path.join(DIST, 'cli.mjs'), { force: true });

if (!jsOnly) {
  const types = path.join(DIST, 'types');
  const typesCjs = path.join(DIST, 'types-cjs');
  fs.rmSync(types, { recursive: true, force: true });
  fs.rmSync(typesCjs, { recursive: true, force: true });
  const tsc = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
  const r = spawnSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { cwd: ROOT, stdio: 'inherit' });
  if (r.status !== 0) process.exit(r.status ?? 1);
  // Only the declarations src/index.ts's reach ship: the public API, none of the internals
  // (tsc emits one per source file; @internal members are stripped, tsconfig.build.json).
  const kept = reachable(path.join(types, 'index.d.ts'));
  for (const file of [...walk(types)]) if (!kept.has(file)) fs.rmSync(file);
  removeEmptyDirs(types);
  // tsc keeps the sources' .ts specifiers in declarations; consumers resolve .js
  for (const file of walk(types)) {
    const text = fs.readFileSync(file, 'utf8').replace(IMPORT_TS, "$1.js'");
    fs.writeFileSync(file, text);
    const twin = path.join(typesCjs, path.relative(types, file));
    fs.mkdirSync(path.dirname(twin), { recursive: true });
    fs.writeFileSync(twin, text);
  }
  fs.writeFileSync(path.join(typesCjs, 'package.json'), '{ "type": "commonjs" }\n');
}

/**
 * fengari's modules with src/lua/fengari.ts's source patches applied, as the functions
 * `__REDMOON_FENGARI__` maps file names to: the bundles then never read, patch or compile
 * fengari's files at run time (src/lua/fengari.ts does that when run from src/).
 */
async function fengariBanner() {
  // bundled next to dist/ so that it resolves fengari as the bundles do
  const tmp = path.join(DIST, `.fengari-patch-${process.pid}.mjs`);
  try {
    await build({ ...common, stdin: { contents: "export { patchedFengariSources } from './src/lua/fengari.ts';", resolveDir: ROOT, loader: 'ts' }, format: 'esm', outfile: tmp });
    const { patchedFengariSources } = await import(pathToFileURL(tmp).href);
    const entries = Object.entries(patchedFengariSources()).map(
      ([file, src]) => `${JSON.stringify(file)}: function (exports, require, module, __filename, __dirname) {\n${src}\n}`,
    );
    // ASCII like esbuild's own output (non-ASCII characters escaped), so a bundle reads as latin1
    const banner = await transform(`const __REDMOON_FENGARI__ = {\n${entries.join(',\n')}\n};`, { loader: 'js', charset: 'ascii', legalComments: 'none' });
    return banner.code;
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** The declaration files `entry` imports or re-exports, transitively, itself included. */
function reachable(entry) {
  const seen = new Set();
  const visit = (file) => {
    if (seen.has(file) || !fs.existsSync(file)) return;
    seen.add(file);
    for (const m of fs.readFileSync(file, 'utf8').matchAll(/(?:from|import)\s*\(?\s*'(\.{1,2}\/[^']*)\.(?:ts|js)'/g)) {
      visit(path.resolve(path.dirname(file), `${m[1]}.d.ts`));
    }
  };
  visit(entry);
  return seen;
}

function removeEmptyDirs(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    if (!e.isDirectory()) continue;
    const sub = path.join(dir, e.name);
    removeEmptyDirs(sub);
    if (fs.readdirSync(sub).length === 0) fs.rmdirSync(sub);
  }
}

function* walk(dir) {
  for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) yield* walk(p);
    else if (e.name.endsWith('.d.ts')) yield p;
  }
}
