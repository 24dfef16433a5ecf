/**
 * Soak: `npx tsx bench/soak.ts [--minutes 10] [--clients 1000]`. Runs the npm start bundle
 * as its own process and drives it with many ioredis clients for a while: reads, writes,
 * scripts, pub/sub and blocking pops, with connections closing and opening all along.
 * Reports throughput per interval, the server's RSS over time (flat after warm-up: within
 * 10%), and checks that no acknowledged write was lost (last value of every key written,
 * INCR and script counters, pushed = popped + left in the lists, messages published =
 * messages received). A script for README, not a CI test.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { freePort } from './support.ts';
import { serverNodeFlags } from '../src/cli/heap-size.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const MINUTES = opt('--minutes', 10);
const CLIENTS = opt('--clients', 1000);
const SUBSCRIBERS = Math.max(1, Math.floor(CLIENTS / 20));
const BLOCKERS = Math.max(1, Math.floor(CLIENTS / 20));
const WORKERS = CLIENTS - SUBSCRIBERS - BLOCKERS;
const INTERVAL_MS = Math.max(5000, Math.floor((MINUTES * 60_000) / 20));
const KEYS_PER_WORKER = 20;
const QUEUES = 16;
const CHANNELS = 8;

const SCRIPT = "local v = redis.call('INCR', KEYS[1]); redis.call('SET', KEYS[2], ARGV[1]); return v";

function rssKb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : 0;
}

/** What the clients were told succeeded; compared with the server at the end. */
class Ledger {
  readonly lastValue = new Map<string, string>();
  readonly counters = new Map<string, number>();
  pushed = 0;
  popped = 0;
  published = 0;
  /** PUBLISH's receiver counts, summed: what the subscribers must have received. */
  deliveries = 0;
  received = 0;
  ops = 0;
  errors = 0;
}

async function main(): Promise<void> {
  const port = await freePort();
  const bundle = path.join(ROOT, 'dist/cli.cjs');
  if (!fs.existsSync(bundle)) throw new Error('run `npm run build` first');
  // An explicit heap size: the server serves in this very process (no re-run with a sized heap).
  const server = spawn(process.execPath, [...serverNodeFlags(4096), bundle, '--port', String(port), '--save', '', '--appendonly', 'no', '--maxclients', '10000'], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) => {
    let out = '';
    server.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      if (out.includes('Ready to accept')) resolve();
    });
  });
  const pid = server.pid!;
  const ledger = new Ledger();
  const connect = () => new Redis({ port, lazyConnect: false, maxRetriesPerRequest: 0, enableOfflineQueue: true, retryStrategy: () => null });
  const admin = connect();
  const sha = (await admin.script('LOAD', SCRIPT)) as string;
  const deadline = Date.now() + MINUTES * 60_000;
  let running = true;

  // Subscribers stay connected; they count what they receive.
  const subscribers: Redis[] = [];
  for (let i = 0; i < SUBSCRIBERS; i++) {
    const s = connect();
    await s.subscribe(`ch:${i % CHANNELS}`);
    s.on('message', () => ledger.received++);
    subscribers.push(s);
  }

  // Blocking poppers: BRPOP with a short timeout, in a loop.
  const blockerLoops = Array.from({ length: BLOCKERS }, async (_, i) => {
    const b = connect();
    while (running) {
      try {
        const r = await b.brpop(`q:${i % QUEUES}`, 1);
        if (r !== null) ledger.popped++;
      } catch {
        ledger.errors++;
      }
    }
    await b.quit();
  });

  // Workers: a mix of commands; each owns its keys so the last acknowledged value is known.
  let generation = 0;
  const workerLoop = async (w: number) => {
    let conn = connect();
    let seq = 0;
    while (running) {
      // churn: about one connection in fifty reconnects per second of work
      if (Math.random() < 0.002) {
        await conn.quit();
        conn = connect();
        generation++;
      }
      const k = Math.floor(Math.random() * KEYS_PER_WORKER);
      const key = `w:${w}:${k}`;
      const roll = Math.random();
      try {
        if (roll < 0.35) {
          await conn.get(key);
        } else if (roll < 0.6) {
          const value = `${w}:${++seq}`;
          await conn.set(key, value);
          ledger.lastValue.set(key, value);
        } else if (roll < 0.7) {
          const ck = `c:${w}`;
          await conn.incr(ck);
          ledger.counters.set(ck, (ledger.counters.get(ck) ?? 0) + 1);
        } else if (roll < 0.8) {
          const ck = `s:${w}`;
          const value = `${w}:${++seq}`;
          await conn.evalsha(sha, 2, ck, key, value);
          ledger.counters.set(ck, (ledger.counters.get(ck) ?? 0) + 1);
          ledger.lastValue.set(key, value);
        } else if (roll < 0.85) {
          await conn.lpush(`q:${Math.floor(Math.random() * QUEUES)}`, `${w}:${++seq}`);
          ledger.pushed++;
        } else if (roll < 0.9) {
          // workers pop too, so the queues stay short and memory flat
          if ((await conn.rpop(`q:${Math.floor(Math.random() * QUEUES)}`)) !== null) ledger.popped++;
        } else {
          const n = (await conn.publish(`ch:${Math.floor(Math.random() * CHANNELS)}`, `m${seq}`)) as number;
          ledger.published++;
          ledger.deliveries += n;
        }
        ledger.ops++;
      } catch {
        ledger.errors++;
      }
    }
    await conn.quit();
  };
  const workers = Array.from({ length: WORKERS }, (_, w) => workerLoop(w));

  // Sampling: throughput and RSS per interval.
  const samples: { t: number; ops: number; rss: number; clients: number }[] = [];
  const t0 = Date.now();
  let lastOps = 0;
  while (Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, Math.min(INTERVAL_MS, deadline - Date.now())));
    const info = (await admin.info('clients')) as string;
    const clients = Number(/connected_clients:(\d+)/.exec(info)?.[1] ?? 0);
    const ops = ledger.ops - lastOps;
    lastOps = ledger.ops;
    const s = { t: Math.round((Date.now() - t0) / 1000), ops: Math.round(ops / (INTERVAL_MS / 1000)), rss: rssKb(pid), clients };
    samples.push(s);
    console.log(`t=${s.t}s  ${s.ops} ops/s  rss ${(s.rss / 1024).toFixed(1)} MB  clients ${s.clients}`);
  }
  running = false;
  await Promise.all(workers);
  await Promise.all(blockerLoops);
  await new Promise((r) => setTimeout(r, 500)); // last messages in flight to subscribers

  // Verification.
  let lost = 0;
  const keys = [...ledger.lastValue.keys()];
  for (let i = 0; i < keys.length; i += 1000) {
    const part = keys.slice(i, i + 1000);
    const values = await admin.mget(...part);
    part.forEach((k, j) => {
      if (values[j] !== ledger.lastValue.get(k)) lost++;
    });
  }
  for (const [k, n] of ledger.counters) {
    if (Number(await admin.get(k)) !== n) lost++;
  }
  let left = 0;
  for (let q = 0; q < QUEUES; q++) left += await admin.llen(`q:${q}`);
  const listsOk = ledger.pushed === ledger.popped + left;
  const pubsubOk = ledger.received === ledger.deliveries;

  const warm = samples.slice(Math.max(1, Math.floor(samples.length / 5)));
  const rssValues = warm.map((s) => s.rss);
  const rssMin = Math.min(...rssValues);
  const rssMax = Math.max(...rssValues);
  const flat = rssMax <= rssMin * 1.1;
  console.log('');
  console.log(`soak: ${MINUTES} min, ${CLIENTS} clients (${WORKERS} workers, ${SUBSCRIBERS} subscribers, ${BLOCKERS} blocking poppers), ${generation} reconnections`);
  console.log(`throughput: ${samples.map((s) => s.ops).join(', ')} ops/s per ${INTERVAL_MS / 1000}s interval`);
  console.log(`RSS after warm-up: ${(rssMin / 1024).toFixed(1)}-${(rssMax / 1024).toFixed(1)} MB (${flat ? 'flat, within 10%' : 'NOT within 10%'})`);
  console.log(`acknowledged writes: ${ledger.lastValue.size} keys and ${ledger.counters.size} counters checked, ${lost} lost; lists: pushed ${ledger.pushed} = popped ${ledger.popped} + left ${left}: ${listsOk ? 'ok' : 'MISMATCH'}`);
  console.log(`pub/sub: ${ledger.published} published, ${ledger.deliveries} deliveries promised, ${ledger.received} received: ${pubsubOk ? 'ok' : 'MISMATCH'}; command errors: ${ledger.errors}`);
  for (const s of subscribers) s.disconnect();
  admin.disconnect();
  server.kill('SIGTERM');
  process.exitCode = lost === 0 && listsOk && pubsubOk && flat ? 0 : 1;
}

await main();
