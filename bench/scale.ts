/**
 * Scale: `npx tsx bench/scale.ts [--keys 10000000] [--beyond 20000000] [--hash 17000000]`.
 * redmoon (the npm start bundle, its heap sized by the flag given here) beside redis-server,
 * in the same run: DEBUG POPULATE of `--keys` small keys in each (time and RSS), then
 * redmoon alone goes past V8's 2^24 entries per Map: DEBUG POPULATE up to `--beyond` keys,
 * and after a FLUSHALL one hash of `--hash` fields. Minutes of CPU and several GB: run it
 * once, by hand; it is not a test. `--beyond 0 --hash 0` stops after the comparison.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { RawClient, encodeCommand } from '../test/support/raw-client.ts';
import { freePort } from './support.ts';
import { serverNodeFlags } from '../src/cli/heap-size.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const opt = (name: string, dflt: number) => (args.includes(name) ? Number(args[args.indexOf(name) + 1]) : dflt);
const KEYS = opt('--keys', 10_000_000);
const BEYOND = opt('--beyond', 20_000_000);
const HASH = opt('--hash', 17_000_000);
const HEAP_MB = opt('--heap-mb', 7000);

async function connectWhenUp(port: number): Promise<RawClient> {
  for (let i = 0; i < 300; i++) {
    try {
      return await RawClient.connect(port);
    } catch {
      await new Promise((r) => setTimeout(r, 100));
    }
  }
  throw new Error(`nothing listening on ${port}`);
}

function rssMb(pid: number): number {
  const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : 0;
}

async function timed(c: RawClient, ...argv: string[]): Promise<{ secs: number; reply: string }> {
  const t = performance.now();
  const reply = await c.sendRaw(encodeCommand(argv), 1, 3_600_000);
  return { secs: (performance.now() - t) / 1000, reply: reply.trim() };
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-scale-'));
  const rport = await freePort();
  const mport = await freePort();
  const procs: ChildProcess[] = [];
  try {
    const redis = spawn('redis-server', ['--port', String(rport), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
    procs.push(redis);
    const moon = spawn(process.execPath, [...serverNodeFlags(HEAP_MB), path.join(ROOT, 'dist/cli.cjs'), '--port', String(mport), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
    procs.push(moon);
    const r = await connectWhenUp(rport);
    const m = await connectWhenUp(mport);
    const base = { redis: rssMb(redis.pid!), moon: rssMb(moon.pid!) };
    console.log(`idle RSS: redis-server ${base.redis.toFixed(0)} MB, redmoon ${base.moon.toFixed(0)} MB`);

    const tr = await timed(r, 'DEBUG', 'POPULATE', String(KEYS));
    const rr = rssMb(redis.pid!);
    const tm = await timed(m, 'DEBUG', 'POPULATE', String(KEYS));
    const rm = rssMb(moon.pid!);
    console.log(`DEBUG POPULATE ${KEYS}: redis-server ${tr.secs.toFixed(1)} s, redmoon ${tm.secs.toFixed(1)} s (${(tm.secs / tr.secs).toFixed(2)}x)`);
    console.log(`RSS with ${KEYS} keys: redis-server ${rr.toFixed(0)} MB, redmoon ${rm.toFixed(0)} MB (${(rm / rr).toFixed(2)}x); per key ${(((rr - base.redis) * 2 ** 20) / KEYS).toFixed(0)} vs ${(((rm - base.moon) * 2 ** 20) / KEYS).toFixed(0)} bytes`);
    const used = async (c: RawClient) => Number(/used_memory:(\d+)/.exec(await c.call('INFO', 'memory'))![1]);
    const [ur, um] = [await used(r), await used(m)];
    console.log(`used_memory: redis-server ${ur}, redmoon ${um} (${(um / ur).toFixed(3)}x)`);
    await r.call('FLUSHALL');
    redis.kill('SIGTERM');

    if (BEYOND <= KEYS && HASH === 0) return; // `--beyond 0 --hash 0`: the comparison only
    const tb = await timed(m, 'DEBUG', 'POPULATE', String(BEYOND));
    const size = await m.call('DBSIZE');
    console.log(`redmoon DEBUG POPULATE ${BEYOND} (past 2^24 = 16777216): ${tb.reply} in ${tb.secs.toFixed(1)} s, DBSIZE ${size.trim()}, RSS ${rssMb(moon.pid!).toFixed(0)} MB`);
    const probe = await m.call('GET', `key:${BEYOND - 1}`);
    const set = await m.call('SET', 'one-more', 'v');
    console.log(`GET key:${BEYOND - 1} -> ${JSON.stringify(probe)}, SET one-more -> ${set.trim()}`);
    await m.call('FLUSHALL');

    const t0 = performance.now();
    const BATCH = 1000;
    for (let start = 0; start < HASH; start += BATCH * 20) {
      const cmds: Buffer[] = [];
      for (let b = start; b < Math.min(HASH, start + BATCH * 20); b += BATCH) {
        const argv = ['HSET', 'bighash'];
        for (let i = b; i < Math.min(HASH, b + BATCH); i++) argv.push(`f:${i}`, 'v');
        cmds.push(encodeCommand(argv));
      }
      await m.sendRaw(Buffer.concat(cmds), cmds.length, 600_000);
    }
    const hlen = await m.call('HLEN', 'bighash');
    const hget = await m.call('HGET', 'bighash', `f:${HASH - 1}`);
    console.log(`redmoon hash of ${HASH} fields: HLEN ${hlen.trim()}, HGET last field ${JSON.stringify(hget)}, in ${((performance.now() - t0) / 1000).toFixed(1)} s, RSS ${rssMb(moon.pid!).toFixed(0)} MB`);
    r.close();
    m.close();
  } finally {
    for (const p of procs) p.kill('SIGTERM');
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
