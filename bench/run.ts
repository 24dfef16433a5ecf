/**
 * `npm run bench`: redmoon beside a real redis-server, measured in the same run with
 * redis-benchmark, plus memory for 1M keys and embedded start-to-ready time.
 * Options: --quick (fewer requests), --only <substring> (run matching workloads only),
 * --rounds <n> (runs per workload and server, alternating; the medians are reported).
 *
 * Besides requests per second, each run reads the CPU time (user + system) the server
 * process used, per request: on a machine shared with other work, wall-clock throughput
 * moves with whatever else runs, while the CPU a server spends per request hardly does.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { startServer } from '../src/index.ts';
import { apiBench } from './api.ts';
import { cliStartBench } from './cli-start.ts';
import { RawClient, encodeCommand } from '../test/support/raw-client.ts';
import { freePort } from './support.ts';
import { serverNodeFlags } from '../src/cli/heap-size.ts';
import { measureFresh } from './memory.ts';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const args = process.argv.slice(2);
const QUICK = args.includes('--quick');
const ONLY = args.includes('--only') ? args[args.indexOf('--only') + 1] : '';
const N = QUICK ? 20_000 : 100_000;
const ROUNDS = args.includes('--rounds') ? Math.max(1, Number(args[args.indexOf('--rounds') + 1]) || 1) : 3;

function have(bin: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${bin}`]).status === 0;
}

async function waitPort(port: number): Promise<void> {
  for (let i = 0; i < 500; i++) {
    const ok = await new Promise<boolean>((r) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        r(true);
      });
      s.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`nothing listens on ${port}`);
}

interface Target {
  name: string;
  port: number;
  proc: ChildProcess;
}

async function startRedis(): Promise<Target> {
  const port = await freePort();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-bench-'));
  const proc = spawn('redis-server', ['--port', String(port), '--save', '', '--appendonly', 'no', '--dir', dir, '--enable-debug-command', 'yes'], { stdio: 'ignore' });
  await waitPort(port);
  return { name: 'redis', port, proc };
}

async function startRedmoon(): Promise<Target> {
  const port = await freePort();
  // The production entry (`npm start`): the bundle `npm run build` writes. A heap size is
  // given so the CLI serves in this process (no relaunch), whose RSS is the one measured.
  const proc = spawn(process.execPath, [...serverNodeFlags(4096), path.join(ROOT, 'dist/cli.cjs'), '--port', String(port), '--loglevel', 'warning'], {
    stdio: 'ignore',
    cwd: ROOT,
  });
  await waitPort(port);
  return { name: 'redmoon', port, proc };
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  // (fields after the parenthesized command name: utime and stime are the 12th and 13th)
  const f = fs.readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
  return (Number(f[11]) + Number(f[12])) / CLOCK_TICKS;
}
const CLOCK_TICKS = Number(spawnSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).stdout.trim()) || 100;

/**
 * Runs redis-benchmark against a server process; returns requests per second and the
 * server's CPU microseconds per request (pipelined runs send 10x more requests).
 */
function benchmark(t: Target, extra: string[]): { rps: number; cpuUs: number } {
  const n = extra.includes('-P') ? N * 10 : N;
  const cpu0 = cpuSeconds(t.proc.pid!);
  const r = spawnSync('redis-benchmark', ['-p', String(t.port), '-n', String(n), '--csv', ...extra], { encoding: 'utf8' });
  const cpuUs = ((cpuSeconds(t.proc.pid!) - cpu0) * 1e6) / n;
  const lines = r.stdout.trim().split('\n').filter((l) => !l.startsWith('"test"'));
  const last = lines[lines.length - 1] ?? '';
  // The first CSV field is the quoted command text, which may itself contain commas.
  const rps = Number(/^"(?:[^"]|"")*","([\d.]+)"/.exec(last)?.[1]);
  return { rps: Number.isFinite(rps) ? rps : NaN, cpuUs };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 === 1 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function rssKb(pid: number): number {
  const s = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  return Number(/VmRSS:\s+(\d+)/.exec(s)?.[1] ?? NaN);
}

async function call(port: number, ...argv: string[]): Promise<string> {
  const c = await RawClient.connect(port);
  try {
    // (generous: the first SCRIPT LOAD starts the Lua engine, slow on a loaded machine)
    return await c.sendRaw(encodeCommand(argv), 1, 60_000);
  } finally {
    c.close();
  }
}

/** Sends n commands made by `make(i)` with a deep pipeline; returns RSS before and after in KB. */
async function fill(t: Target, n: number, make: (i: number) => string[]): Promise<{ before: number; after: number }> {
  const before = rssKb(t.proc.pid!);
  const c = await RawClient.connect(t.port);
  const batch = 10_000;
  for (let i = 0; i < n; i += batch) {
    const parts: Buffer[] = [];
    for (let j = i; j < i + batch && j < n; j++) parts.push(encodeCommand(make(j)));
    await c.sendRaw(Buffer.concat(parts), Math.min(batch, n - i), 60_000);
  }
  c.close();
  await new Promise((r) => setTimeout(r, 500));
  return { before, after: rssKb(t.proc.pid!) };
}

interface Row {
  name: string;
  redis: number;
  redmoon: number;
  target?: string;
}

interface ThroughputRow extends Row {
  /** Server CPU microseconds per request. */
  redisCpu: number;
  redmoonCpu: number;
}

function fmt(n: number): string {
  return Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a';
}

function printRows(title: string, rows: Row[], unit: string): void {
  console.log(`\n${title}`);
  console.log(`| workload | redis-server${unit ? ' ' + unit : ''} | redmoon${unit ? ' ' + unit : ''} | ratio | target |`);
  console.log('|---|---:|---:|---:|---|');
  for (const r of rows) {
    const ratio = r.redmoon / r.redis;
    console.log(`| ${r.name} | ${fmt(r.redis)} | ${fmt(r.redmoon)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) + 'x' : 'n/a'} | ${r.target ?? ''} |`);
  }
}

/** The throughput table: median rps of the rounds, and the servers' CPU per request. */
function printThroughput(rows: ThroughputRow[]): void {
  console.log(`\nThroughput (redis-benchmark; median of ${ROUNDS} run${ROUNDS === 1 ? '' : 's'} per server; CPU = the server process's user + system time per request)`);
  console.log('| workload | redis-server rps | redmoon rps | ratio | target | redis-server CPU µs/req | redmoon CPU µs/req | CPU ratio |');
  console.log('|---|---:|---:|---:|---|---:|---:|---:|');
  for (const r of rows) {
    const ratio = r.redmoon / r.redis;
    const cpuRatio = r.redisCpu / r.redmoonCpu;
    const x = (v: number) => (Number.isFinite(v) ? v.toFixed(2) + 'x' : 'n/a');
    console.log(`| ${r.name} | ${fmt(r.redis)} | ${fmt(r.redmoon)} | ${x(ratio)} | ${r.target ?? ''} | ${r.redisCpu.toFixed(2)} | ${r.redmoonCpu.toFixed(2)} | ${x(cpuRatio)} |`);
  }
}

async function main(): Promise<void> {
  if (!have('redis-server') || !have('redis-benchmark')) {
    console.log('bench needs redis-server and redis-benchmark: apt-get install -y redis-server redis-tools');
    process.exit(1);
  }
  const redis = await startRedis();
  const moon = await startRedmoon();
  const targets = [redis, moon];
  console.log(`redmoon bench: ${N} requests per workload, ${os.cpus().length} cores, node ${process.version}`);

  // Scripts used by the Lua workloads (skipped when scripting is not available).
  const incrScript = "return redis.call('incr', KEYS[1])";
  const stockScript = "local s = redis.call('DECR', KEYS[1]); local n = redis.call('INCR', KEYS[2]); return {s, n}";
  // (retried: on a loaded machine the first answer has been seen to go missing)
  let shaReply = '';
  for (let i = 0; i < 5 && !shaReply.startsWith('$40'); i++) {
    if (i > 0) await new Promise((r) => setTimeout(r, 1000));
    shaReply = await call(moon.port, 'SCRIPT', 'LOAD', incrScript).catch((e: Error) => `(${e.message})`);
  }
  const scripting = shaReply.startsWith('$40');
  if (!scripting) console.log('SCRIPT LOAD answered', JSON.stringify(shaReply));
  const sha = scripting ? shaReply.split('\r\n')[1] : '';
  if (scripting) await call(redis.port, 'SCRIPT', 'LOAD', incrScript);

  const workloads: { name: string; args: string[]; target?: string; needs?: boolean }[] = [
    { name: 'SET -c 50', args: ['-c', '50', '-t', 'set'], target: '≥ 0.7x' },
    { name: 'GET -c 50', args: ['-c', '50', '-t', 'get'], target: '≥ 0.7x' },
    { name: 'INCR -c 50', args: ['-c', '50', '-t', 'incr'], target: '≥ 0.7x' },
    { name: 'SET -P 16', args: ['-c', '50', '-P', '16', '-t', 'set'], target: '≥ 0.5x' },
    { name: 'GET -P 16', args: ['-c', '50', '-P', '16', '-t', 'get'], target: '≥ 0.5x' },
    { name: 'INCR -P 16', args: ['-c', '50', '-P', '16', '-t', 'incr'], target: '≥ 0.5x' },
    { name: 'LPUSH -P 16', args: ['-c', '50', '-P', '16', '-t', 'lpush'], target: '≥ 0.5x' },
    { name: 'RPOP -P 16', args: ['-c', '50', '-P', '16', '-t', 'rpop'], target: '≥ 0.5x' },
    { name: 'HSET -P 16', args: ['-c', '50', '-P', '16', '-t', 'hset'], target: '≥ 0.5x' },
    { name: 'SADD -P 16', args: ['-c', '50', '-P', '16', '-t', 'sadd'], target: '≥ 0.5x' },
    { name: 'ZADD -P 16', args: ['-c', '50', '-P', '16', '-t', 'zadd'], target: '≥ 0.5x' },
    { name: 'ZRANGE 0 9 -P 16', args: ['-c', '50', '-P', '16', 'ZRANGE', 'myzset', '0', '9'], target: '≥ 0.5x' },
    { name: 'EVALSHA incr -c 50', args: ['-c', '50', 'EVALSHA', sha, '1', 'counter'], target: '≥ 0.7x', needs: scripting },
    { name: 'EVALSHA incr -P 16', args: ['-c', '50', '-P', '16', 'EVALSHA', sha, '1', 'counter'], target: '≥ 0.3x', needs: scripting },
    { name: 'EVAL stock/sales -P 16', args: ['-c', '50', '-P', '16', 'EVAL', stockScript, '2', 'stock', 'sales'], target: '≥ 0.3x', needs: scripting },
  ];
  // Warm both servers up (JIT, allocations) before anything is measured.
  for (const t of targets) {
    spawnSync('redis-benchmark', ['-p', String(t.port), '-n', String(N), '-c', '50', '-P', '16', '-q', '-t', 'set,get,incr,lpush,rpop,sadd,hset,zadd'], { encoding: 'utf8' });
    if (scripting) spawnSync('redis-benchmark', ['-p', String(t.port), '-n', String(N / 4), '-c', '50', '-P', '16', '-q', 'EVALSHA', sha, '1', 'counter'], { encoding: 'utf8' });
  }
  const rows: ThroughputRow[] = [];
  for (const w of workloads) {
    if (w.needs === false) continue;
    if (ONLY && !w.name.toLowerCase().includes(ONLY.toLowerCase())) continue;
    const res: Record<string, { rps: number[]; cpu: number[] }> = { redis: { rps: [], cpu: [] }, redmoon: { rps: [], cpu: [] } };
    for (let round = 0; round < ROUNDS; round++) {
      // Alternate which server goes first to spread out warm-up and noise.
      const order = (rows.length + round) % 2 === 0 ? targets : [...targets].reverse();
      for (const t of order) {
        const r = benchmark(t, w.args);
        res[t.name].rps.push(r.rps);
        res[t.name].cpu.push(r.cpuUs);
      }
    }
    const row = {
      name: w.name,
      redis: median(res.redis.rps),
      redmoon: median(res.redmoon.rps),
      redisCpu: median(res.redis.cpu),
      redmoonCpu: median(res.redmoon.cpu),
      target: w.target,
    };
    rows.push(row);
    console.log(`  ${w.name}: redis ${fmt(row.redis)} rps, redmoon ${fmt(row.redmoon)} rps; CPU per request redis ${row.redisCpu.toFixed(2)} µs, redmoon ${row.redmoonCpu.toFixed(2)} µs`);
  }
  if (rows.length) printThroughput(rows);
  if (!scripting) console.log('(Lua workloads skipped: SCRIPT LOAD is not available)');

  for (const t of targets) t.proc.kill('SIGKILL');
  if (!ONLY || 'memory'.includes(ONLY)) {
    const keys = QUICK ? 100_000 : 1_000_000;
    // Fresh processes, so heap left over from the throughput runs does not count.
    for (const t of targets) t.proc.kill('SIGKILL');
    const redis = await startRedis();
    const moon = await startRedmoon();
    const mem: Row[] = [];
    const setKey = (i: number) => ['SET', `key:${i}`, `val:${i}`];
    const r = await fill(redis, keys, setKey);
    const m = await fill(moon, keys, setKey);
    mem.push({ name: `RSS after ${keys.toLocaleString('en-US')} SETs (KB)`, redis: r.after, redmoon: m.after, target: '≤ 2x' });
    mem.push({ name: 'RSS growth, bytes per key', redis: ((r.after - r.before) * 1024) / keys, redmoon: ((m.after - m.before) * 1024) / keys });
    const collections: [string, (i: number) => string[]][] = [
      ['hash field (HSET)', (i) => ['HSET', 'bighash', `field:${i}`, `val:${i}`]],
      ['set member (SADD)', (i) => ['SADD', 'bigset', `member:${i}`]],
      ['zset member (ZADD)', (i) => ['ZADD', 'bigzset', String(i), `member:${i}`]],
    ];
    redis.proc.kill('SIGKILL');
    moon.proc.kill('SIGKILL');
    // Each collection in fresh processes (bench/memory.ts): garbage the fill before left
    // behind, which V8 frees late, would otherwise blur the growth measured.
    for (const [name, make] of collections) {
      const g = await measureFresh(path.join(ROOT, 'dist/cli.cjs'), keys, make);
      mem.push({ name: `RSS growth, bytes per ${name}`, redis: ((g.redis.after - g.redis.before) * 1024) / keys, redmoon: ((g.redmoon.after - g.redmoon.before) * 1024) / keys });
    }
    printRows('Memory (lower is better)', mem, '');
  }

  if (!ONLY || 'startup'.includes(ONLY)) {
    const times: number[] = [];
    for (let i = 0; i < 20; i++) {
      const t0 = performance.now();
      const s = await startServer({ port: 0, log: () => {} });
      times.push(performance.now() - t0);
      await s.close();
    }
    times.sort((a, b) => a - b);
    console.log(`\nEmbedded start-to-ready (startServer({ port: 0 })): first ${times[0].toFixed(1)} ms best, median ${times[10].toFixed(1)} ms (target ≤ 50 ms)`);
  }

  if (!ONLY || 'cli'.includes(ONLY)) {
    console.log('\nCLI start (bench/cli-start.ts)\n');
    for (const line of await cliStartBench()) console.log(line);
  }

  if (!ONLY || 'api'.includes(ONLY)) {
    console.log('\nTest-control API (bench/api.ts)\n');
    for (const line of await apiBench()) console.log(line);
  }
}

await main();
