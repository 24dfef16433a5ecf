/**
 * Test helper: a private real redis-server on a unix socket plus a minimal RESP2 client whose
 * arguments and bulk replies are byte strings (latin1), for byte-for-byte comparisons.
 * Tests using it are skipped when /usr/bin/redis-server is absent.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, rmSync } from 'node:fs';
import net from 'node:net';

export const REDIS_BIN = '/usr/bin/redis-server';
export const hasRedis = existsSync(REDIS_BIN);

export type RespValue = string | number | null | RespValue[] | { error: string };

export class Oracle {
  private proc: ChildProcess | null = null;
  private sock: net.Socket | null = null;
  private buf = Buffer.alloc(0);
  private waiting: ((v: RespValue) => void)[] = [];
  readonly path: string;

  constructor(name: string) {
    this.path = `/tmp/ds-oracle-${name}-${process.pid}.sock`;
  }

  async start(): Promise<void> {
    rmSync(this.path, { force: true });
    this.proc = spawn(REDIS_BIN, ['--port', '0', '--unixsocket', this.path, '--save', '', '--appendonly', 'no'], {
      stdio: 'ignore',
    });
    for (let i = 0; i < 200 && !existsSync(this.path); i++) await new Promise((r) => setTimeout(r, 25));
    this.sock = net.createConnection(this.path);
    await new Promise<void>((res, rej) => {
      this.sock!.once('connect', () => res());
      this.sock!.once('error', rej);
    });
    this.sock.on('data', (d) => {
      this.buf = this.buf.length ? Buffer.concat([this.buf, d]) : d;
      for (;;) {
        const r = parse(this.buf, 0);
        if (!r) break;
        this.buf = this.buf.subarray(r[1]);
        this.waiting.shift()!(r[0]);
      }
    });
  }

  async stop(): Promise<void> {
    this.sock?.destroy();
    if (this.proc && this.proc.exitCode === null) {
      const p = this.proc;
      await new Promise<void>((res) => {
        p.once('exit', () => res());
        p.kill('SIGTERM');
      });
    }
    rmSync(this.path, { force: true });
  }

  /** Send one command (byte-string args) and resolve with its reply. */
  cmd(...args: (string | number)[]): Promise<RespValue> {
    const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
    for (const a of args) {
      const b = Buffer.from(String(a), 'latin1');
      parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
    }
    return new Promise((res) => {
      this.waiting.push(res);
      this.sock!.write(Buffer.concat(parts));
    });
  }
}

function parse(b: Buffer, o: number): [RespValue, number] | null {
  const nl = b.indexOf('\r\n', o);
  if (nl < 0) return null;
  const t = b[o];
  const line = b.latin1Slice(o + 1, nl);
  const after = nl + 2;
  if (t === 43 /* + */) return [line, after];
  if (t === 45 /* - */) return [{ error: line }, after];
  if (t === 58 /* : */) return [Number(line), after];
  if (t === 36 /* $ */) {
    const n = Number(line);
    if (n < 0) return [null, after];
    if (b.length < after + n + 2) return null;
    return [b.latin1Slice(after, after + n), after + n + 2];
  }
  if (t === 42 /* * */) {
    const n = Number(line);
    if (n < 0) return [null, after];
    const out: RespValue[] = [];
    let p = after;
    for (let i = 0; i < n; i++) {
      const r = parse(b, p);
      if (!r) return null;
      out.push(r[0]);
      p = r[1];
    }
    return [out, p];
  }
  throw new Error(`unexpected RESP type ${String.fromCharCode(t)}`);
}
