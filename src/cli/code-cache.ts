/**
 * Loads a CommonJS bundle (dist/cli-serve.cjs) with V8's compiled code kept between runs,
 * as Node 22's module.enableCompileCache does for modules (Node 20 has no such thing):
 * compiling the server's megabyte of JavaScript, and the functions its start runs, is most
 * of the CLI's start-up time, and a cached copy is read back in a few milliseconds.
 *
 * Where the cache lives and how it is read: src/cli/bundle-files.ts. V8 checks what it
 * can of a cache and we rewrite a cache it refused.
 */
import { isAscii } from 'node:buffer';
import fs from 'node:fs';
import path from 'node:path';
import vm from 'node:vm';
import { createRequire } from 'node:module';
import { setTimeout } from '../util/clock.ts';
import { readBundleFiles, type BundleFiles } from './bundle-files.ts';

/** When the cache is written a second time, after the start's first commands. */
const REFRESH_MS = 2000;

export interface LoadedBundle {
  exports: Record<string, unknown>;
  /** Writes the compiled code (all functions run so far) when no usable cache was found,
   *  and once more shortly after. */
  saveCache(): void;
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
