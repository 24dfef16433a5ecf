/**
 * Memory per type: `npx tsx bench/memory.ts [--keys 1000000] [--elements 1000000]
 * [--only hash,set]`. For each type, in a fresh redis-server and a fresh redmoon (the CLI
 * bundle) side by side: RSS after `--keys` small keys of that type (RSS growth per key), and
 * RSS growth per element of one key holding `--elements` elements. Fresh processes for each
 * measure, so garbage left by the one before (V8 frees it late) does not blur the next.
 * RSS is read after `--settle` ms (default 6000) without commands.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { RawClient, encodeCommand } from '../test/support/raw-client.ts';
import { buildBundle, startServerProcess, stopServerProcess } from './support.ts';

type Make = (i: number) => string[];

/** Small keys of each type, and the elements of one big key of each type. */
export const KEY_WORKLOADS: [string, Make][] = [
  ['string (SET key:i val:i)', (i) => ['SET', `key:${i}`, `val:${i}`]],
  ['hash, 1 field (HSET key:i field val:i)', (i) => ['HSET', `key:${i}`, 'field', `val:${i}`]],
  ['hash, 5 fields (HSET key:i f1 v1 ... f5 v5)', (i) => ['HSET', `key:${i}`, 'name', `name:${i}`, 'state', 'waiting', 'ts', String(1700000000000 + i), 'attempts', '0', 'data', `{"id":${i}}`]],
  ['set, 1 member (SADD key:i member:i)', (i) => ['SADD', `key:${i}`, `member:${i}`]],
  ['zset, 1 member (ZADD key:i i member:i)', (i) => ['ZADD', `key:${i}`, String(i), `member:${i}`]],
  ['list, 1 element (RPUSH key:i val:i)', (i) => ['RPUSH', `key:${i}`, `val:${i}`]],
];

export const ELEMENT_WORKLOADS: [string, Make][] = [
  ['hash field (HSET big field:i val:i)', (i) => ['HSET', 'big', `field:${i}`, `val:${i}`]],
  ['set member (SADD big member:i)', (i) => ['SADD', 'big', `member:${i}`]],
  ['zset member (ZADD big i member:i)', (i) => ['ZADD', 'big', String(i), `member:${i}`]],
  ['list element (RPUSH big val:i)', (i) => ['RPUSH', 'big', `val:${i}`]],
];

export function rssKb(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? NaN);
}

/**
 * Quiet time (ms) before RSS is read after a fill, on both servers: redmoon collects the
 * garbage of a burst (outgrown tables, a grown young generation) once quiet for 5 s
 * (HeapGuard.idleTick), as jemalloc returns Redis's freed pages over seconds. `--settle 500`
 * reads as the benches did before.
 */
export const SETTLE_MS = 6000;

/** Sends n commands made by `make(i)` with a deep pipeline; returns RSS before and after in KB. */
export async function fill(port: number, pid: number, n: number, make: Make, settleMs = SETTLE_MS): Promise<{ before: number; after: number }> {
  const before = rssKb(pid);
  const c = await RawClient.connect(port);
  const batch = 10_000;
  for (let i = 0; i < n; i += batch) {
    const parts: Buffer[] = [];
    for (let j = i; j < i + batch && j < n; j++) parts.push(encodeCommand(make(j)));
    await c.sendRaw(Buffer.concat(parts), Math.min(batch, n - i), 600_000);
  }
  c.close();
  await new Promise((r) => setTimeout(r, settleMs));
  return { before, after: rssKb(pid) };
}

export interface Growth {
  redis: { before: number; after: number };
  redmoon: { before: number; after: number };
}

/** Fills a fresh redis-server and a fresh redmoon (bundle) with the same n commands. */
export async function measureFresh(bundle: string, n: number, make: Make, settleMs = SETTLE_MS): Promise<Growth> {
  const conf = ['--save', '', '--appendonly', 'no'];
  const out: Partial<Growth> = {};
  for (const kind of ['redis', 'redmoon'] as const) {
    const p = await startServerProcess(kind, bundle, conf);
    try {
      out[kind] = await fill(p.port, p.child.pid!, n, make, settleMs);
    } finally {
      await stopServerProcess(p);
    }
  }
  return out as Growth;
}

const perItem = (g: { before: number; after: number }, n: number) => ((g.after - g.before) * 1024) / n;
const int = (x: number) => Math.round(x).toLocaleString('en-US');

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
  const keys = opt('--keys', 1_000_000);
  const elements = opt('--elements', 1_000_000);
  const settleMs = opt('--settle', SETTLE_MS);
  const only = args.includes('--only') ? args[args.indexOf('--only') + 1].split(',') : null;
  const wanted = (name: string) => only === null || only.some((o) => name.startsWith(o));
  const bundle = buildBundle();
  console.log(`| ${int(keys)} keys of | redis-server RSS (MB) | redmoon RSS (MB) | ratio | bytes per key, redis-server | redmoon | ratio |`);
  console.log('|---|---:|---:|---:|---:|---:|---:|');
  for (const [name, make] of KEY_WORKLOADS) {
    if (!wanted(name)) continue;
    const g = await measureFresh(bundle, keys, make, settleMs);
    const [r, m] = [perItem(g.redis, keys), perItem(g.redmoon, keys)];
    console.log(`| ${name} | ${int(g.redis.after / 1024)} | ${int(g.redmoon.after / 1024)} | ${(g.redmoon.after / g.redis.after).toFixed(2)}x | ${int(r)} | ${int(m)} | ${(m / r).toFixed(2)}x |`);
  }
  console.log(`\n| one key of ${int(elements)} elements: bytes per | redis-server | redmoon | ratio |`);
  console.log('|---|---:|---:|---:|');
  for (const [name, make] of ELEMENT_WORKLOADS) {
    if (!wanted(name)) continue;
    const g = await measureFresh(bundle, elements, make, settleMs);
    const [r, m] = [perItem(g.redis, elements), perItem(g.redmoon, elements)];
    console.log(`| ${name} | ${int(r)} | ${int(m)} | ${(m / r).toFixed(2)}x |`);
  }
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await main();
