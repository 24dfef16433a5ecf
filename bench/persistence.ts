/**
 * `npx tsx bench/persistence.ts [--keys N]`: RDB persistence beside redis-server, both as
 * processes on this machine: SAVE time, BGSAVE time and the longest PING round trip while
 * it runs (the pause it causes), file size, and load time at startup, for 1M keys
 * (DEBUG POPULATE) plus, in a second round, 1M keys of mixed types.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import net from 'node:net';

const ROOT = path.resolve(import.meta.dirname, '..');
const args = process.argv.slice(2);
const KEYS = args.includes('--keys') ? Number(args[args.indexOf('--keys') + 1]) : 1_000_000;

interface Proc {
  child: ChildProcess;
  port: number;
  log: () => string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

async function start(kind: 'redis' | 'redmoon', dir: string, bundle: string): Promise<Proc> {
  const port = await freePort();
  const conf = ['--port', String(port), '--dir', dir, '--save', '', '--enable-debug-command', 'yes', '--loglevel', 'notice'];
  const child =
    kind === 'redis' ? spawn('redis-server', conf, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [bundle, ...conf], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  for (let i = 0; i < 6000; i++) {
    if (/Ready to accept connections|ready to accept connections/.test(log)) break;
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${log}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, port, log: () => log };
}

async function stop(p: Proc): Promise<void> {
  await new Promise<void>((r) => {
    p.child.once('exit', () => r());
    p.child.kill('SIGKILL');
  });
}

/** One connection sending commands one at a time. */
class Conn {
  private buf = '';
  private waiting: (() => void) | null = null;
  private constructor(private readonly sock: net.Socket) {
    sock.setNoDelay(true);
    sock.on('data', (d) => {
      this.buf += d.toString('latin1');
      this.waiting?.();
    });
  }
  static open(port: number): Promise<Conn> {
    return new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1', () => resolve(new Conn(s)));
    });
  }
  async call(...argv: string[]): Promise<string> {
    this.buf = '';
    this.sock.write(`*${argv.length}\r\n` + argv.map((a) => `$${Buffer.byteLength(a)}\r\n${a}\r\n`).join(''));
    for (;;) {
      // enough for the replies used here: simple, integer, error, or a complete bulk
      const m = /^\$(\d+)\r\n/.exec(this.buf);
      if (m ? this.buf.length >= m[0].length + Number(m[1]) + 2 : this.buf.endsWith('\r\n')) return this.buf;
      await new Promise<void>((r) => (this.waiting = r));
    }
  }
  close(): void {
    this.sock.destroy();
  }
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
    const pinger = await Conn.open(p.port);
    let maxPing = 0;
    let done = false;
    const pings = (async () => {
      while (!done) {
        const t = performance.now();
        await pinger.call('PING');
        maxPing = Math.max(maxPing, performance.now() - t);
      }
    })();
    t0 = performance.now();
    await c.call('BGSAVE');
    while (!(await c.call('INFO', 'persistence')).includes('rdb_bgsave_in_progress:0')) await new Promise((r) => setTimeout(r, 5));
    const bgsave = performance.now() - t0;
    done = true;
    await pings;
    pinger.close();
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
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-')), 'redmoon.mjs');
  const b = spawnSync(path.join(ROOT, 'node_modules/.bin/esbuild'), ['src/cli.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', `--outfile=${out}`, '--log-level=warning'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(path.dirname(out), 'node_modules'));
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
