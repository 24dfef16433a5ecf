/**
 * `npx tsx bench/aof.ts [--keys N]`: the append-only file beside redis-server, both as
 * processes on this machine: write throughput with appendonly yes (redis-benchmark SET -c 50)
 * under appendfsync everysec and always, then for N keys (DEBUG POPULATE) the BGREWRITEAOF
 * time and the longest PING round trip while it runs (redmoon rewrites in one step: that is
 * its pause), and the load time at startup, with and without the RDB preamble.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBundle, Conn, startServerProcess, watchPauses, stopServerProcess as stop, type ServerProcess } from './support.ts';

const args = process.argv.slice(2);
const KEYS = args.includes('--keys') ? Number(args[args.indexOf('--keys') + 1]) : 1_000_000;

type Proc = ServerProcess;

function start(kind: 'redis' | 'redmoon', dir: string, bundle: string, extra: string[]): Promise<Proc> {
  return startServerProcess(kind, bundle, ['--dir', dir, '--save', '', '--enable-debug-command', 'yes', '--loglevel', 'notice', '--appendonly', 'yes', ...extra], 600_000);
}

function benchSet(port: number): number {
  const r = spawnSync('redis-benchmark', ['-p', String(port), '-t', 'set', '-n', '100000', '-c', '50', '-r', '100000', '-q', '--csv'], { encoding: 'utf8' });
  const m = /"SET","([\d.]+)"/.exec(r.stdout);
  return m ? Number(m[1]) : NaN;
}

async function throughput(kind: 'redis' | 'redmoon', bundle: string, fsync: string): Promise<number> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-aof-${kind}-`));
  try {
    const p = await start(kind, dir, bundle, ['--appendfsync', fsync]);
    const rps = benchSet(p.port);
    await stop(p);
    return rps;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

interface Rewrite {
  rewrite: number;
  maxPing: number;
  load: number;
}

async function rewriteAndLoad(kind: 'redis' | 'redmoon', bundle: string, preamble: string): Promise<Rewrite> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-aof-${kind}-`));
  try {
    let p = await start(kind, dir, bundle, ['--aof-use-rdb-preamble', preamble]);
    const c = await Conn.open(p.port);
    await c.call('DEBUG', 'POPULATE', String(KEYS));
    const pauses = await watchPauses(p.port);
    const t0 = performance.now();
    await c.call('BGREWRITEAOF');
    for (;;) {
      const info = await c.call('INFO', 'persistence');
      if (info.includes('aof_rewrite_in_progress:0') && info.includes('aof_rewrite_scheduled:0')) break;
      await new Promise((r) => setTimeout(r, 5));
    }
    const rewrite = performance.now() - t0;
    const maxPing = await pauses.stop();
    c.close();
    await stop(p);
    p = await start(kind, dir, bundle, ['--aof-use-rdb-preamble', preamble]);
    const m = /DB loaded from append only file: ([\d.]+) seconds/.exec(p.log());
    const load = m ? Number(m[1]) * 1000 : NaN;
    await stop(p);
    return { rewrite, maxPing, load };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const out = buildBundle();
  console.log(`redmoon AOF bench: ${KEYS.toLocaleString('en-US')} keys, ${os.cpus().length} cores, node ${process.version}\n`);
  console.log('| measure | redis-server | redmoon | ratio |\n|---|---:|---:|---:|');
  const row = (name: string, a: number, m: number, unit: string) => console.log(`| ${name} | ${a.toFixed(0)} ${unit} | ${m.toFixed(0)} ${unit} | ${(m / a).toFixed(2)}x |`);
  for (const fsync of ['everysec', 'always']) {
    const r = await throughput('redis', out, fsync);
    const m = await throughput('redmoon', out, fsync);
    row(`SET -c 50, appendfsync ${fsync}`, r, m, 'rps');
  }
  for (const preamble of ['no', 'yes']) {
    const r = await rewriteAndLoad('redis', out, preamble);
    const m = await rewriteAndLoad('redmoon', out, preamble);
    row(`BGREWRITEAOF start to done (preamble ${preamble})`, r.rewrite, m.rewrite, 'ms');
    row(`longest PING during it (preamble ${preamble})`, r.maxPing, m.maxPing, 'ms');
    row(`load at startup (preamble ${preamble})`, r.load, m.load, 'ms');
  }
}

await main();
