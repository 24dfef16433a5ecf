/**
 * `npx tsx bench/persistence.ts [--keys N]`: RDB persistence beside redis-server, both as
 * processes on this machine: SAVE time, BGSAVE time and the longest PING round trip while
 * it runs (the pause it causes), file size, and load time at startup, for 1M keys
 * (DEBUG POPULATE) plus, in a second round, 1M keys of mixed types.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { buildBundle, Conn, startServerProcess, watchPauses, stopServerProcess as stop, type ServerProcess } from './support.ts';

const args = process.argv.slice(2);
const KEYS = args.includes('--keys') ? Number(args[args.indexOf('--keys') + 1]) : 1_000_000;

type Proc = ServerProcess;

function start(kind: 'redis' | 'redmoon', dir: string, bundle: string): Promise<Proc> {
  return startServerProcess(kind, bundle, ['--dir', dir, '--save', '', '--enable-debug-command', 'yes', '--loglevel', 'notice'], 60_000);
}

async function fillMixed(c: Conn): Promise<void> {
  // a tenth of the keys are small hashes, lists, sets and sorted sets, the rest strings
  await c.call('DEBUG', 'POPULATE', String(KEYS * 0.9), 'str');
  const lua = `for i=1,${KEYS / 40} do
    redis.call('hset','h:'..i,'a',i,'b','x') redis.call('rpush','l:'..i,'a',i,'c')
    redis.call('sadd','s:'..i,i,i+1) redis.call('zadd','z:'..i,i,'m',1,'n') end`;
  await c.call('EVAL', lua, '0');
}

interface Result {
  save: number;
  bgsave: number;
  maxPing: number;
  size: number;
  load: number;
}

async function measure(kind: 'redis' | 'redmoon', bundle: string, mixed: boolean): Promise<Result> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `bench-persist-${kind}-`));
  try {
    let p = await start(kind, dir, bundle);
    const c = await Conn.open(p.port);
    if (mixed) await fillMixed(c);
    else await c.call('DEBUG', 'POPULATE', String(KEYS));
    let t0 = performance.now();
    await c.call('SAVE');
    const save = performance.now() - t0;
    const size = fs.statSync(path.join(dir, 'dump.rdb')).size;
    // BGSAVE while another client pings: the longest round trip is the pause it causes
    const pauses = await watchPauses(p.port);
    t0 = performance.now();
    await c.call('BGSAVE');
    while (!(await c.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:0')) await new Promise((r) => setTimeout(r, 5));
    const bgsave = performance.now() - t0;
    const maxPing = await pauses.stop();
    c.close();
    await stop(p);
    p = await start(kind, dir, bundle);
    const m = /DB loaded from disk: ([\d.]+) seconds/.exec(p.log());
    const load = m ? Number(m[1]) * 1000 : NaN;
    await stop(p);
    return { save, bgsave, maxPing, size, load };
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const out = buildBundle();
  console.log(`redmoon persistence bench: ${KEYS.toLocaleString('en-US')} keys, ${os.cpus().length} cores, node ${process.version}\n`);
  for (const mixed of [false, true]) {
    const r = await measure('redis', out, mixed);
    const m = await measure('redmoon', out, mixed);
    console.log(`### ${mixed ? 'mixed types (90% strings, 10% small hashes/lists/sets/zsets)' : 'strings (DEBUG POPULATE)'}\n`);
    console.log('| measure | redis-server | redmoon | ratio |\n|---|---:|---:|---:|');
    const row = (name: string, a: number, b: number, unit: string) =>
      console.log(`| ${name} | ${a.toFixed(unit === 'MB' ? 1 : 0)} ${unit} | ${b.toFixed(unit === 'MB' ? 1 : 0)} ${unit} | ${(b / a).toFixed(2)}x |`);
    row('SAVE', r.save, m.save, 'ms');
    row('BGSAVE, start to done', r.bgsave, m.bgsave, 'ms');
    row('longest PING during BGSAVE', r.maxPing, m.maxPing, 'ms');
    row('file size', r.size / 1e6, m.size / 1e6, 'MB');
    row('load at startup', r.load, m.load, 'ms');
    console.log('');
  }
}

await main();
