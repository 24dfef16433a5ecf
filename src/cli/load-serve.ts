/**
 * Loads the server side of the CLI (src/cli/serve.ts) and serves: from the bundle
 * dist/cli-serve.cjs with its compile cache when built, from the sources under tsx.
 * Shared by the launcher (serving in its own thread) and the worker entry.
 */
import { fileURLToPath } from 'node:url';
import { loadBundle, readBundleFiles, type BundleFiles } from './code-cache.ts';
import { setImmediate } from '../util/clock.ts';
import type { CliHost, ServeRequest } from './host.ts';

/** The bundled server's content hash, defined by scripts/build.mjs; absent when run from src/. */
declare const __REDMOON_SERVE_HASH__: string | undefined;

type ServeModule = typeof import('./serve.ts');

/** The built CLI, whose server side is a bundle of its own (and can serve from a worker). */
export const BUNDLED = typeof __REDMOON_SERVE_HASH__ === 'string';

/** dist/cli-serve.cjs, beside the launcher (dist/cli.cjs) and the worker's entry (dist/cli-worker.cjs). */
function serveBundlePath(): string {
  return fileURLToPath(new URL('./cli-serve.cjs', import.meta.url));
}

/** The server bundle's bytes and compile cache, read ahead for another thread; null from src/. */
export function readServeBundle(): BundleFiles | null {
  if (typeof __REDMOON_SERVE_HASH__ !== 'string') return null;
  return readBundleFiles(serveBundlePath(), __REDMOON_SERVE_HASH__);
}

/** `files`: the bundle as readServeBundle() read it, when it was read ahead. */
export async function loadServe(files?: BundleFiles): Promise<{ serve: ServeModule; saveCache: () => void }> {
  if (typeof __REDMOON_SERVE_HASH__ === 'string') {
    const bundle = loadBundle(serveBundlePath(), __REDMOON_SERVE_HASH__, files);
    return { serve: bundle.exports as unknown as ServeModule, saveCache: bundle.saveCache };
  }
  return { serve: await import('./serve.ts'), saveCache: () => {} };
}

export async function serveHere(req: ServeRequest, host: CliHost, files?: BundleFiles): Promise<void> {
  const { serve, saveCache } = await loadServe(files);
  // The compile cache is written once the server accepts connections, not before.
  await serve.serve(req, host, () => setImmediate(saveCache));
}
