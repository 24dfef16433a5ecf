/**
 * Loads a CommonJS bundle (dist/cli-serve.cjs) with V8's compiled code kept between runs,
 * as Node 22's module.enableCompileCache does for modules (Node 20 has no such thing):
 * compiling the server's megabyte of JavaScript, and the functions its start runs, is most
 * of the CLI's start-up time, and a cached copy is read back in a few milliseconds.
 *
 * The cache lives in a directory of the user's own under the temp dir (Node's choice for
 * its compile cache too), or REDMOON_COMPILE_CACHE (a directory, or `off`). A file is named
 * after the bundle's content hash (fixed at build time), node's version and the V8 flags,
 * since V8 refuses a cache made under other flags; V8 checks what it can and we rewrite a
 * cache it refused.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { setTimeout } from '../util/clock.ts';

/** When the cache is written a second time, after the start's first commands. */
const REFRESH_MS = 2000;

export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** Writes the compiled code (all functions run so far) when no usable cache was found,
   *  and once more shortly after. */
  saveCache(): void;
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

/** Compiles and runs the bundle in `file`; `files` are its bytes when already read. */
export function loadBundle(file: string, contentHash: string, files: BundleFiles = readBundleFiles(file, contentHash)): LoadedBundle {
  const bytes = Buffer.from(files.source.buffer, files.source.byteOffset, files.source.byteLength);
  // esbuild writes ASCII: read as latin1, a copy, instead of decoding UTF-8
  const source = isAscii(bytes) ? bytes.latin1Slice(0, bytes.length) : bytes.toString('utf8');
  const cacheFile = files.cacheFile;
  const cachedData = files.cache === undefined ? undefined : Buffer.from(files.cache.buffer, files.cache.byteOffset, files.cache.byteLength);
  const wrapped = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapped, { filename: file, cachedData });
  const fn = script.runInThisContext() as (...a: unknown[]) => void;
  const module = { exports: {} as Record<string, unknown> };
  fn.call(module.exports, module.exports, createRequire(file), module, file, path.dirname(file));
  const usable = cachedData !== undefined && !script.cachedDataRejected;
  const write = () => {
    try {
      const tmp = `${cacheFile}.${process.pid}.tmp`;
      fs.writeFileSync(tmp, script.createCachedData(), { mode: 0o600 });
      fs.renameSync(tmp, cacheFile!);
    } catch {
      /* a cache that cannot be written only costs the next start its compile time */
    }
  };
  return {
    exports: module.exports,
    saveCache: () => {
      if (usable || cacheFile === null) return;
      write();
      // Written again a little later, with the functions the first commands compiled
      // (the reply to the first PING among them); unref'd, so it never delays an exit.
      setTimeout(write, REFRESH_MS).unref();
    },
  };
}
