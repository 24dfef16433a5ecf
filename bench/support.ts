/**
 * What the bench scripts share: a free port, the redmoon bundle, redis-server or that bundle
 * started as a process and stopped, and a one-command-at-a-time connection.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { serverNodeFlags } from '../src/cli/heap-size.ts';

const ROOT = path.resolve(import.meta.dirname, '..');

export function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}

export interface ServerProcess {
  child: ChildProcess;
  port: number;
  log: () => string;
}

/**
 * Starts redis-server, or node on the redmoon bundle, with `conf` after `--port`; resolves
 * once its log says it accepts connections (within `waitMs`). redmoon gets a heap size, so
 * it serves in the process started here (no relaunch): the one measured and killed.
 */
export async function startServerProcess(kind: 'redis' | 'redmoon', bundle: string, conf: string[], waitMs = 60_000): Promise<ServerProcess> {
  const port = await freePort();
  const argv = ['--port', String(port), ...conf];
  const child = kind === 'redis' ? spawn('redis-server', argv, { stdio: ['ignore', 'pipe', 'pipe'] }) : spawn(process.execPath, [...serverNodeFlags(4096), bundle, ...argv], { stdio: ['ignore', 'pipe', 'pipe'] });
  let log = '';
  child.stdout!.on('data', (d) => (log += d));
  child.stderr!.on('data', (d) => (log += d));
  for (let waited = 0; waited < waitMs; waited += 10) {
    if (/Ready to accept connections|ready to accept connections/.test(log)) break;
    if (child.exitCode !== null) throw new Error(`${kind} exited: ${log}`);
    await new Promise((r) => setTimeout(r, 10));
  }
  return { child, port, log: () => log };
}

export async function stopServerProcess(p: ServerProcess): Promise<void> {
  await new Promise<void>((r) => {
    p.child.once('exit', () => r());
    p.child.kill('SIGKILL');
  });
}

/** Bundles src/cli.ts into a temp dir (beside a link to node_modules); returns its path. */
export function buildBundle(): string {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'bench-bundle-')), 'redmoon.mjs');
  const esbuild = path.join(ROOT, 'node_modules/.bin/esbuild');
  const b = spawnSync(esbuild, ['src/cli.ts', '--bundle', '--platform=node', '--format=esm', '--target=node20', '--packages=external', `--outfile=${out}`, '--log-level=warning'], { cwd: ROOT, encoding: 'utf8' });
  if (b.status !== 0) throw new Error(b.stderr);
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(path.dirname(out), 'node_modules'));
  return out;
}

/** One connection sending commands one at a time. */
export class Conn {
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

/**
 * Pings the server on a connection of its own until stopped; stop() resolves to the longest
 * round trip seen, which is the longest pause the server made meanwhile.
 */
export async function watchPauses(port: number): Promise<{ stop(): Promise<number> }> {
  const pinger = await Conn.open(port);
  let maxPing = 0;
  let done = false;
  const pings = (async () => {
    while (!done) {
      const t = performance.now();
      await pinger.call('PING');
      maxPing = Math.max(maxPing, performance.now() - t);
    }
  })();
  return {
    async stop() {
      done = true;
      await pings;
      pinger.close();
      return maxPing;
    },
  };
}
