/**
 * Sizes V8's heap for the CLI as a redis-server user expects memory to work: Node's default
 * old-space limit (~4 GB) would kill the process long before the machine's memory is used,
 * so the CLI runs itself again with --max-old-space-size set from the machine's memory, or
 * from maxmemory when set. A --max-old-space-size in NODE_OPTIONS or on node's own command
 * line wins.
 */
import { spawn } from 'node:child_process';
import os from 'node:os';
import v8 from 'node:v8';

/** Set in the environment of the re-run process, so it does not re-run again. */
const SIZED_ENV = 'REDMOON_HEAP_SIZED';
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

function heapSizeGiven(): boolean {
  const flag = /--max[-_]old[-_]space[-_]size/;
  return flag.test(process.env['NODE_OPTIONS'] ?? '') || process.execArgv.some((a) => flag.test(a));
}

/**
 * Runs this CLI again in a child with the heap sized for `config`, when that differs from
 * the current limit by more than a tenth; returns false when the current process should
 * serve itself. The parent passes signals on and exits as the child does; the child exits
 * if the parent dies.
 */
export function relaunchWithSizedHeap(config: Record<string, string>): boolean {
  if (process.env[SIZED_ENV] !== undefined) {
    // The re-run process: leave with the parent, so killing it never orphans a server.
    if (process.send !== undefined) process.on('disconnect', () => process.exit(1));
    return false;
  }
  if (heapSizeGiven()) return false;
  const want = desiredHeapMb(config);
  const have = v8.getHeapStatistics().heap_size_limit / MB;
  if (Math.abs(want - have) < have * 0.1) return false;
  const child = spawn(process.execPath, [...process.execArgv, `--max-old-space-size=${want}`, ...process.argv.slice(1)], {
    stdio: ['inherit', 'inherit', 'inherit', 'ipc'],
    env: { ...process.env, [SIZED_ENV]: String(want) },
    // Its own process group: a terminal's Ctrl-C reaches it once, passed on by the parent.
    detached: true,
  });
  for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal !== null ? 1 : 0)));
  return true;
}
