/**
 * The test-control API (src/index.ts) measured: seeding keys through call() against
 * ioredis on loopback (the same in-process server, and a real redis-server), snapshot and
 * restore of 100k keys beside redis-server's DEBUG RELOAD, and the keyspace copy itself.
 * `npx tsx bench/api.ts [--quick]`, or part of `npm run bench`.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { Redis } from 'ioredis';
import { startServer } from '../src/index.ts';
import { snapshotRows } from './snapshot.ts';
import { freePort } from './support.ts';

const KEYS = 100_000;

async function startRedis(): Promise<{ port: number; stop: () => void }> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bench-api-'));
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  for (let i = 0; i < 500; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => (s.destroy(), r(true)));
      s.once('error', () => r(false));
    });
    if (ok) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  return { port, stop: () => proc.kill('SIGKILL') };
}

async function ms(fn: () => unknown): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

/** Wall time and this process's CPU time (user + system) of fn, in ms. */
async function measure(fn: () => unknown): Promise<{ wall: number; cpu: number }> {
  const c0 = process.cpuUsage();
  const wall = await ms(fn);
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

type Seeding = 'sequential' | 'batched' | 'pipelined';

/**
 * Seeds KEYS keys through ioredis: one awaited command at a time, batches of 1000 commands
 * issued together and awaited with Promise.all, or explicit pipelines of 1000.
 */
async function seedIoredis(port: number, how: Seeding): Promise<{ wall: number; cpu: number }> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await r.connect();
  await r.flushall();
  const t = await measure(async () => {
    for (let i = 0; i < KEYS; i += 1000) {
      if (how === 'sequential') {
        for (let j = i; j < i + 1000; j++) await r.set(`key:${j}`, `value:${j}`);
      } else if (how === 'batched') {
        const ps: Promise<unknown>[] = [];
        for (let j = i; j < i + 1000; j++) ps.push(r.set(`key:${j}`, `value:${j}`));
        await Promise.all(ps);
      } else {
        const p = r.pipeline();
        for (let j = i; j < i + 1000; j++) p.set(`key:${j}`, `value:${j}`);
        await p.exec();
      }
    }
  });
  r.disconnect();
  return t;
}

export async function apiBench(): Promise<string[]> {
  const out: string[] = [];
  const s = await startServer({ port: 0, log: () => {} });
  const redis = await startRedis();
  try {
    // Warm-up: JIT for both paths.
    for (let i = 0; i < 20_000; i++) s.call('SET', `w:${i}`, 'x');
    await seedIoredis(s.port, 'pipelined');
    s.flushall();

    const call = await measure(() => {
      for (let i = 0; i < KEYS; i++) s.call('SET', `key:${i}`, `value:${i}`);
    });
    const k = (KEYS / 1000).toFixed(0);
    out.push(`Seeding ${k}k keys (SET key:i value:i), ms (lower is better). In-process rows also give`);
    out.push('this process\'s CPU time (client and server together), which a loaded machine disturbs less.');
    out.push('');
    out.push('| how | wall ms | CPU ms | call() faster by (wall / CPU) |');
    out.push('|---|---:|---:|---:|');
    out.push(`| call() in-process | ${call.wall.toFixed(0)} | ${call.cpu.toFixed(0)} | |`);
    const label: Record<Seeding, string> = {
      sequential: 'one await per command',
      batched: 'Promise.all of 1000',
      pipelined: 'pipelines of 1000',
    };
    for (const how of ['sequential', 'batched', 'pipelined'] as const) {
      const t = await seedIoredis(s.port, how);
      out.push(`| ioredis → in-process redmoon, ${label[how]} | ${t.wall.toFixed(0)} | ${t.cpu.toFixed(0)} | ${(t.wall / call.wall).toFixed(1)}x / ${(t.cpu / call.cpu).toFixed(1)}x |`);
    }
    for (const how of ['sequential', 'pipelined'] as const) {
      const t = await seedIoredis(redis.port, how);
      out.push(`| ioredis → redis-server, ${label[how]} | ${t.wall.toFixed(0)} | | ${(t.wall / call.wall).toFixed(1)}x / |`);
    }

    // Snapshot and restore of the 100k keys, beside redis-server's DEBUG RELOAD (RDB save + load).
    s.flushall();
    for (let i = 0; i < KEYS; i++) s.call('SET', `key:${i}`, `value:${i}`);
    const times = { snap: [] as number[], restore: [] as number[], reload: [] as number[] };
    let snap = s.snapshot();
    for (let i = 0; i < 5; i++) {
      times.snap.push(await ms(() => (snap = s.snapshot())));
      times.restore.push(await ms(() => s.restore(snap)));
    }
    const rc = new Redis({ port: redis.port, host: '127.0.0.1' });
    for (let i = 0; i < 5; i++) times.reload.push(await ms(() => rc.call('DEBUG', 'RELOAD')));
    rc.disconnect();
    const med = (a: number[]) => a.sort((x, y) => x - y)[a.length >> 1];
    out.push('');
    out.push(`snapshot()/restore() of ${k}k keys, median of 5 (ms):`);
    out.push('| operation | redis-server DEBUG RELOAD | redmoon | ratio |');
    out.push('|---|---:|---:|---:|');
    out.push(`| snapshot() | | ${med(times.snap).toFixed(1)} | |`);
    out.push(`| restore() | ${med(times.reload).toFixed(1)} | ${med(times.restore).toFixed(1)} | ${(med(times.restore) / med(times.reload)).toFixed(2)}x |`);
  } finally {
    redis.stop();
    await s.close();
  }
  out.push('');
  out.push('Keyspace copy (src/keyspace/snapshot.ts), median of 3 (ms):');
  out.push('| keyspace | copy | restore |');
  out.push('|---|---:|---:|');
  for (const r of snapshotRows()) out.push(`| ${r.label} | ${r.copyMs.toFixed(1)} | ${r.restoreMs.toFixed(1)} |`);
  return out;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  for (const line of await apiBench()) console.log(line);
}
