/**
 * `npx tsx bench/aof.ts [--keys N]`: the append-only file beside redis-server, both as
 * processes on this machine: write throughput with appendonly yes (redis-benchmark SET -c 50)
 * under appendfsync everysec and always, then for N keys (DEBUG POPULATE) the BGREWRITEAOF
 * time and the longest PING round trip while it runs (redmoon rewrites in one step: that is
 * its pause), and the load time at startup, with and without the RDB preamble.
 *
 * `npx tsx bench/aof.ts --large-file MB`: instead, an AOF of that many MB of SETs (100,000
 * keys of 1 KB written over and over, so the dataset stays small while the file is large)
 * loaded at startup by each server: load time, the longest PING round trip while it loads
 * (answered LOADING), the peak resident memory, and the same DEBUG DIGEST afterwards.
 */
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { buildBundle, Conn, freePort, startServerProcess, watchPauses, stopServerProcess as stop, type ServerProcess } from './support.ts';
import { serverNodeFlags } from '../src/cli/heap-size.ts';

const args = process.argv.slice(2);
const KEYS = args.includes('--keys') ? Number(args[args.indexOf('--keys') + 1]) : 1_000_000;
const LARGE_MB = args.includes('--large-file') ? Number(args[args.indexOf('--large-file') + 1]) : 0;

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

/** An AOF directory of one incremental file of about `mb` MB of SETs over 100,000 keys. */
function writeLargeAof(dir: string, mb: number): number {
  const aofDir = path.join(dir, 'appendonlydir');
  fs.mkdirSync(aofDir, { recursive: true });
  fs.writeFileSync(path.join(aofDir, 'appendonly.aof.manifest'), 'file appendonly.aof.1.incr.aof seq 1 type i\n');
  const fd = fs.openSync(path.join(aofDir, 'appendonly.aof.1.incr.aof'), 'w');
  const filler = 'x'.repeat(990);
  let written = 0;
  let i = 0;
  while (written < mb * 1024 * 1024) {
    const parts: string[] = [];
    for (let j = 0; j < 8192; j++, i++) {
      const key = `key:${i % 100_000}`;
      const value = `${String(i).padStart(10, '0')}${filler}`;
      parts.push(`*3\r\n$3\r\nSET\r\n$${key.length}\r\n${key}\r\n$${value.length}\r\n${value}\r\n`);
    }
    const b = Buffer.from(parts.join(''), 'latin1');
    fs.writeSync(fd, b);
    written += b.length;
  }
  fs.closeSync(fd);
  return written;
}

function listening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = net.connect(port, '127.0.0.1', () => {
      s.destroy();
      resolve(true);
    });
    s.once('error', () => resolve(false));
  });
}

/** Peak resident memory of a process (VmHWM), in MB. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) / 1024 : NaN;
}

interface LargeLoad {
  load: number;
  maxPing: number;
  rssMb: number;
  digest: string;
}

/** Starts a server on the AOF in `dir`, pinging it from the moment it listens until it is ready. */
async function loadLarge(kind: 'redis' | 'redmoon', dir: string, bundle: string): Promise<LargeLoad> {
  const port = await freePort();
  // no automatic rewrite after the load: the directory is the other server's input too
  const argv = ['--port', String(port), '--dir', dir, '--save', '', '--appendonly', 'yes', '--auto-aof-rewrite-percentage', '0', '--enable-debug-command', 'yes', '--loglevel', 'notice'];
  const child = kind === 'redis' ? spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [...serverNodeFlags(4096), bundle, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  while (!(await listening(port))) {
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${log}`);
    await new Promise((r) => setTimeout(r, 5));
  }
  const pauses = await watchPauses(port);
  while (!/Ready to accept connections|ready to accept connections/.test(log)) {
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${log}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  const maxPing = await pauses.stop();
  const m = /DB loaded from append only file: ([\d.]+) seconds/.exec(log);
  const c = await Conn.open(port);
  const digest = (await c.call('DEBUG', 'DIGEST')).trim();
  c.close();
  const rssMb = peakRssMb(child.pid as number);
  await stop({ child, port, log: () => log });
  return { load: m ? Number(m[1]) * 1000 : NaN, maxPing, rssMb, digest };
}

async function largeFile(bundle: string): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-aof-large-'));
  try {
    const bytes = writeLargeAof(dir, LARGE_MB);
    console.log(`redmoon AOF bench: one ${(bytes / 1048576).toFixed(0)} MB AOF of SETs over 100,000 keys loaded at startup, ${os.cpus().length} cores, node ${process.version}\n`);
    const r = await loadLarge('redis', dir, bundle);
    const m = await loadLarge('redmoon', dir, bundle);
    console.log('| measure | redis-server | redmoon | ratio |\n|---|---:|---:|---:|');
    const row = (name: string, a: number, b: number, unit: string) => console.log(`| ${name} | ${a.toFixed(0)} ${unit} | ${b.toFixed(0)} ${unit} | ${(b / a).toFixed(2)}x |`);
    row('load at startup', r.load, m.load, 'ms');
    row('longest PING while loading (LOADING)', r.maxPing, m.maxPing, 'ms');
    row('peak resident memory', r.rssMb, m.rssMb, 'MB');
    console.log(`\nDEBUG DIGEST ${r.digest === m.digest ? 'equal' : `differs: ${r.digest} vs ${m.digest}`}`);
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

async function main(): Promise<void> {
  const out = buildBundle();
  if (LARGE_MB > 0) return largeFile(out);
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
