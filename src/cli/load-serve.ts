/**
 * Loads the server side of the CLI (src/cli/serve.ts) and serves: from the bundle
 * dist/cli-serve.cjs with its compile cache when built, from the sources under tsx.
 * Shared by the launcher (serving in its own thread) and the worker entry.
 */
import { loadBundle } from './code-cache.ts';
import { serveBundle, type BundleFiles } from './bundle-files.ts';
import { setImmediate } from '../util/clock.ts';
import type { CliHost, ServeRequest } from './host.ts';

type ServeModule = typeof import('./serve.ts');

/** `files`: the bundle as readServeBundle() read it, when it was read ahead. */
export async function loadServe(files?: BundleFiles): Promise<{ serve: ServeModule; saveCache: () => void }> {
  const bundle = serveBundle();
  if (bundle !== null) {
    const loaded = loadBundle(bundle.file, bundle.hash, files);
    return { serve: loaded.exports as unknown as ServeModule, saveCache: loaded.saveCache };
  }
  return { serve: await import('./serve.ts'), saveCache: () => {} };
}

export async function serveHere(req: ServeRequest, host: CliHost, files?: BundleFiles): Promise<void> {
  const { serve, saveCache } = await loadServe(files);
  // The compile cache is written once the server accepts connections, not before.
  await serve.serve(req, host, () => setImmediate(saveCache));
}
