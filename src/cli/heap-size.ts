/**
 * Sizes V8's heap for the CLI as a redis-server user expects memory to work: Node's default
 * old-space limit (~4 GB) would kill the process long before the machine's memory is used,
 * so the server gets an old space sized from the machine's memory, or from maxmemory when
 * set. A --max-old-space-size in NODE_OPTIONS or on node's own command line wins.
 *
 * The size is applied without a second process: the server runs in a worker thread whose
 * isolate has that limit (src/cli/worker-host.ts), which costs a fraction of a node start.
 */
import os from 'node:os';
import v8 from 'node:v8';

const MB = 2 ** 20;

/**
 * The old-space size (MB) to run with: three quarters of the machine's memory, or, with
 * maxmemory, room for a dataset of that size in Redis's terms (our per-key cost is up to
 * twice Redis's) plus garbage-collection headroom, never above the machine's memory.
 */
export function desiredHeapMb(config: Record<string, string>, totalMem = os.totalmem()): number {
  const machine = Math.floor((totalMem * 0.75) / MB);
  const maxmemory = parseBytes(config['maxmemory'] ?? '0');
  if (maxmemory <= 0) return machine;
  return Math.min(Math.floor(totalMem / MB), Math.ceil((maxmemory * 2.5) / MB) + 512);
}

/** "100mb", "2gb", "1000": bytes (Redis's units); 0 when unreadable. */
function parseBytes(s: string): number {
  const m = /^(\d+)(b|k|kb|m|mb|g|gb)?$/i.exec(s.trim());
  if (!m) return 0;
  const unit = (m[2] ?? '').toLowerCase();
  const mul: Record<string, number> = { '': 1, b: 1, k: 1e3, kb: 1024, m: 1e6, mb: MB, g: 1e9, gb: 2 ** 30 };
  return Number(m[1]) * mul[unit];
}

/**
 * V8's young generation grows to 2 x 16 MB semi-spaces under load and stays there: 32 MB of
 * RSS that Redis does not have, a sixth of a million small keys' worth. A server's
 * short-lived objects (requests, replies) are few at any moment, so 4 MB semi-spaces cost
 * no measurable throughput (same server CPU for redis-benchmark -P 16 and EVALSHA runs)
 * and save ~27 MB.
 */
export const SEMI_SPACE_MB = 4;

function semiSpaceGiven(): boolean {
  const flag = /--max[-_]semi[-_]space[-_]size/;
  return flag.test(process.env['NODE_OPTIONS'] ?? '') || process.execArgv.some((a) => flag.test(a));
}

/**
 * The young generation (MB) a worker should serve with (V8 sizes it as three semi-spaces),
 * or undefined when node was given a semi-space size.
 */
export function workerYoungMb(): number | undefined {
  return semiSpaceGiven() ? undefined : 3 * SEMI_SPACE_MB;
}

/**
 * node's flags for serving in the main thread, as the benches start the bundle: the
 * old-space size and, unless given to this node, the semi-space size the CLI's worker gets.
 */
export function serverNodeFlags(heapMb: number): string[] {
  const flags = [`--max-old-space-size=${heapMb}`];
  if (!semiSpaceGiven()) flags.push(`--max-semi-space-size=${SEMI_SPACE_MB}`);
  return flags;
}

function heapSizeGiven(): boolean {
  const flag = /--max[-_]old[-_]space[-_]size/;
  return flag.test(process.env['NODE_OPTIONS'] ?? '') || process.execArgv.some((a) => flag.test(a));
}

/**
 * The old-space size (MB) a worker should serve with, or null when this thread's heap will
 * do: a size was given to node, or the current limit is within a tenth of the wanted one.
 */
export function workerHeapMb(config: Record<string, string>): number | null {
  if (heapSizeGiven()) return null;
  const want = desiredHeapMb(config);
  const have = v8.getHeapStatistics().heap_size_limit / MB;
  return Math.abs(want - have) < have * 0.1 ? null : want;
}
