/**
 * The server bundle's files as the CLI reads them: the bundle (dist/cli-serve.cjs) and its
 * compile cache (src/cli/code-cache.ts). Kept apart from the code that compiles them so
 * that the launcher, which reads them for the worker thread, loads nothing more.
 *
 * The cache lives in a directory of the user's own under the temp dir (Node's choice for
 * its compile cache too), or REDMOON_COMPILE_CACHE (a directory, or `off`). A file is named
 * after the bundle's content hash (fixed at build time), node's version and the V8 flags,
 * since V8 refuses a cache made under other flags.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The bundled server's content hash, defined by scripts/build.mjs; absent when run from src/. */
declare const __REDMOON_SERVE_HASH__: string | undefined;

/** The built CLI, whose server side is a bundle of its own (and can serve from a worker). */
export const BUNDLED = typeof __REDMOON_SERVE_HASH__ === 'string';

/** The server bundle and its content hash; null when run from src/. */
export function serveBundle(): { file: string; hash: string } | null {
  if (typeof __REDMOON_SERVE_HASH__ !== 'string') return null;
  // dist/cli-serve.cjs, beside the launcher (dist/cli.cjs) and the worker's entry (dist/cli-worker.cjs)
  return { file: fileURLToPath(new URL('./cli-serve.cjs', import.meta.url)), hash: __REDMOON_SERVE_HASH__ };
}

/** The server bundle's bytes and compile cache, read ahead for another thread; null from src/. */
export function readServeBundle(): BundleFiles | null {
  const b = serveBundle();
  return b === null ? null : readBundleFiles(b.file, b.hash);
}

/** FNV-1a, enough to tell node's flag sets apart in a file name. */
function shortHash(s: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  return (h >>> 0).toString(36);
}

/** The cache directory, created private to this user; null when caching is off or unsafe. */
function cacheDir(): string | null {
  const given = process.env['REDMOON_COMPILE_CACHE'] ?? '';
  if (given === 'off') return null;
  const uid = process.getuid?.();
  const dir = given !== '' ? given : path.join(os.tmpdir(), `redmoon-compile-cache-${uid ?? 'user'}`);
  try {
    fs.mkdirSync(dir, { recursive: true, mode: 0o700 });
    const st = fs.statSync(dir);
    // Cached code is run: never take it from a directory someone else controls.
    if (uid !== undefined && (st.uid !== uid || (st.mode & 0o022) !== 0)) return null;
    return dir;
  } catch {
    return null;
  }
}

/** A bundle's bytes and its cached code as read from disk (read by one thread, used by another). */
export interface BundleFiles {
  source: Uint8Array;
  /** where its compile cache is kept (null: caching is off) */
  cacheFile: string | null;
  /** the compile cache, when there is one for this bundle, node and flags */
  cache: Uint8Array | undefined;
}

/** Where the compile cache of the bundle with `contentHash` lives; null when caching is off. */
function cachePath(contentHash: string): string | null {
  const dir = cacheDir();
  const flags = `${process.execArgv.join(' ')}|${process.env['NODE_OPTIONS'] ?? ''}`;
  return dir === null ? null : path.join(dir, `cli-serve-${contentHash}-${process.version}-${process.arch}-${shortHash(flags)}.bin`);
}

/**
 * Reads the bundle and its compile cache: the CLI's main thread does it while the worker
 * thread that will run the bundle is still booting (src/cli/worker-host.ts).
 */
export function readBundleFiles(file: string, contentHash: string): BundleFiles {
  const source = fs.readFileSync(file);
  const cacheFile = cachePath(contentHash);
  let cache: Buffer | undefined;
  if (cacheFile !== null) {
    try {
      cache = fs.readFileSync(cacheFile);
    } catch {
      /* first run with this bundle and node */
    }
  }
  return { source, cacheFile, cache };
}

