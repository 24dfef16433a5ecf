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

const KEYS = 100_000;

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

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

/** Seeds KEYS keys through ioredis: one awaited command at a time, or in pipelines of 1000. */
async function seedIoredis(port: number, pipelined: boolean): Promise<number> {
  const r = new Redis({ port, host: '127.0.0.1', lazyConnect: true });
  await r.connect();
  await r.flushall();
  const t = await ms(async () => {
    if (!pipelined) {
      for (let i = 0; i < KEYS; i++) await r.set(`key:${i}`, `value:${i}`);
      return;
    }
    for (let i = 0; i < KEYS; i += 1000) {
      const p = r.pipeline();
      for (let j = i; j < i + 1000; j++) p.set(`key:${j}`, `value:${j}`);
      await p.exec();
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
    await seedIoredis(s.port, true);
    s.flushall();

    const call = await ms(() => {
      for (let i = 0; i < KEYS; i++) s.call('SET', `key:${i}`, `value:${i}`);
    });
    const moonSeq = await seedIoredis(s.port, false);
    const moonPipe = await seedIoredis(s.port, true);
    const redisSeq = await seedIoredis(redis.port, false);
    const redisPipe = await seedIoredis(redis.port, true);
    const k = (KEYS / 1000).toFixed(0);
    out.push(`Seeding ${k}k keys (SET key:i value:i), ms (lower is better):`);
    out.push('| how | ms | call() is faster by |');
    out.push('|---|---:|---:|');
    out.push(`| call() in-process | ${call.toFixed(0)} | |`);
    out.push(`| ioredis → in-process redmoon, one await per command | ${moonSeq.toFixed(0)} | ${(moonSeq / call).toFixed(1)}x |`);
    out.push(`| ioredis → in-process redmoon, pipelines of 1000 | ${moonPipe.toFixed(0)} | ${(moonPipe / call).toFixed(1)}x (target ≥ 5x) |`);
    out.push(`| ioredis → redis-server, one await per command | ${redisSeq.toFixed(0)} | ${(redisSeq / call).toFixed(1)}x |`);
    out.push(`| ioredis → redis-server, pipelines of 1000 | ${redisPipe.toFixed(0)} | ${(redisPipe / call).toFixed(1)}x |`);

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
