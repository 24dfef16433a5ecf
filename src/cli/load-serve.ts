/**
 * Loads the server side of the CLI (src/cli/serve.ts) and serves: from the bundle
 * dist/cli-serve.cjs with its compile cache when built, from the sources under tsx.
 * Shared by the launcher (serving in its own thread) and the worker entry.
 */
import { fileURLToPath } from 'node:url';
import { loadBundle } from './code-cache.ts';
import { setImmediate } from '../util/clock.ts';
import type { CliHost, ServeRequest } from './host.ts';

/** The bundled server's content hash, defined by scripts/build.mjs; absent when run from src/. */
declare const __REDMOON_SERVE_HASH__: string | undefined;

type ServeModule = typeof import('./serve.ts');

/** The built CLI, whose server side is a bundle of its own (and can serve from a worker). */
export const BUNDLED = typeof __REDMOON_SERVE_HASH__ === 'string';

export async function loadServe(): Promise<{ serve: ServeModule; saveCache: () => void }> {
  if (typeof __REDMOON_SERVE_HASH__ === 'string') {
    // dist/cli.mjs and dist/cli-worker.cjs both sit beside dist/cli-serve.cjs
    const bundle = loadBundle(fileURLToPath(new URL('./cli-serve.cjs', import.meta.url)), __REDMOON_SERVE_HASH__);
    return { serve: bundle.exports as unknown as ServeModule, saveCache: bundle.saveCache };
  }
  return { serve: await import('./serve.ts'), saveCache: () => {} };
}

export async function serveHere(req: ServeRequest, host: CliHost): Promise<void> {
  const { serve, saveCache } = await loadServe();
  // The compile cache is written once the server accepts connections, not before.
  await serve.serve(req, host, () => setImmediate(saveCache));
}
