/**
 * Test helpers for the Lua engine: a recording ReplySink, a small in-memory ScriptHost,
 * and a client for the real redis-server used as the oracle.
 */
import net from 'node:net';
import fs from 'node:fs';
import { execFileSync, spawn } from 'node:child_process';
import type { ReplySink } from '../../src/resp/sink.ts';
import { LuaEngine, type ScriptHost } from '../../src/lua/vm.ts';
import { formatDouble17 } from '../../src/util/numbers.ts';

/** Reply tree, same shape as parseReply() below gives for real server replies. */
export type Reply = string | number | boolean | null | Reply[] | { s: string } | { err: string } | { double: string } | { big: string } | { verb: string } | { [k: string]: Reply[] };

/** Records replies the way a RESP2/RESP3 client would decode them. */
export class RecordingSink implements ReplySink {
  readonly resp: 2 | 3;
  private stack: { items: Reply[]; want: number; kind: string }[] = [];
  result: Reply | undefined;
  constructor(resp: 2 | 3 = 2) {
    this.resp = resp;
  }
  private put(v: Reply): void {
    for (;;) {
      const top = this.stack[this.stack.length - 1];
      if (!top) {
        this.result = v;
        return;
      }
      top.items.push(v);
      if (top.items.length < top.want) return;
      this.stack.pop();
      v = top.kind === '*' ? top.items : { [top.kind]: top.items };
    }
  }
  private agg(kind: string, n: number): void {
    if (n === 0) {
      this.put(kind === '*' ? [] : { [kind]: [] });
      return;
    }
    this.stack.push({ items: [], want: n, kind });
  }
  simple(s: string): void {
    this.put({ s });
  }
  error(s: string): void {
    this.put({ err: s });
  }
  integer(n: number | bigint): void {
    this.put(typeof n === 'bigint' ? Number(n) : n);
  }
  bulk(s: string): void {
    this.put(s);
  }
  null(): void {
    this.put(null);
  }
  nullArray(): void {
    this.put(null);
  }
  array(n: number): void {
    this.agg('*', n);
  }
  map(n: number): void {
    if (this.resp === 2) this.agg('*', 2 * n);
    else this.agg('%', 2 * n);
  }
  set(n: number): void {
    this.agg(this.resp === 2 ? '*' : '~', n);
  }
  double(d: number): void {
    if (this.resp === 2) this.put(formatDouble17(d));
    else this.put({ double: formatDouble17(d) });
  }
  bool(b: boolean): void {
    if (this.resp === 2) this.put(b ? 1 : 0);
    else this.put(b);
  }
  verbatim(s: string, format = 'txt'): void {
    if (this.resp === 2) this.put(s);
    else this.put({ verb: format + ':' + s });
  }
  bigNumber(s: string): void {
    if (this.resp === 2) this.put(s);
    else this.put({ big: s });
  }
  push(n: number): void {
    this.agg(this.resp === 2 ? '*' : '>', n);
  }
}

type Cmd = (args: string[], sink: ReplySink) => void;

/** A tiny in-memory command set with Redis's replies, enough to exercise redis.call. */
export class FakeHost implements ScriptHost {
  data = new Map<string, unknown>();
  logs: [number, string][] = [];
  repl: number[] = [];
  private cmds: Record<string, { arity: number; fn: Cmd }>;
  constructor() {
    const str = (k: string) => {
      const v = this.data.get(k);
      if (v !== undefined && typeof v !== 'string') throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
      return v as string | undefined;
    };
    const hash = (k: string, create: boolean) => {
      let v = this.data.get(k);
      if (v === undefined && create) this.data.set(k, (v = new Map<string, string>()));
      if (v !== undefined && !(v instanceof Map)) throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
      return v as Map<string, string> | undefined;
    };
    const list = (k: string, create: boolean) => {
      let v = this.data.get(k);
      if (v === undefined && create) this.data.set(k, (v = [] as string[]));
      if (v !== undefined && !Array.isArray(v)) throw new Error('WRONGTYPE Operation against a key holding the wrong kind of value');
      return v as string[] | undefined;
    };
    this.cmds = {
      ping: { arity: -1, fn: (a, s) => (a.length > 1 ? s.bulk(a[1]) : s.simple('PONG')) },
      echo: { arity: 2, fn: (a, s) => s.bulk(a[1]) },
      set: { arity: -3, fn: (a, s) => { if (a.length > 3) { s.error('ERR syntax error'); return; } this.data.set(a[1], a[2]); s.simple('OK'); } },
      get: { arity: 2, fn: (a, s) => { const v = str(a[1]); v === undefined ? s.null() : s.bulk(v); } },
      del: { arity: -2, fn: (a, s) => { let n = 0; for (const k of a.slice(1)) if (this.data.delete(k)) n++; s.integer(n); } },
      exists: { arity: -2, fn: (a, s) => s.integer(a.slice(1).filter((k) => this.data.has(k)).length) },
      incr: { arity: 2, fn: (a, s) => { const v = str(a[1]) ?? '0'; if (!/^-?\d+$/.test(v)) { s.error('ERR value is not an integer or out of range'); return; } const n = Number(v) + 1; this.data.set(a[1], String(n)); s.integer(n); } },
      hset: { arity: -4, fn: (a, s) => { const h = hash(a[1], true)!; let n = 0; for (let i = 2; i < a.length; i += 2) { if (!h.has(a[i])) n++; h.set(a[i], a[i + 1]); } s.integer(n); } },
      hget: { arity: 3, fn: (a, s) => { const v = hash(a[1], false)?.get(a[2]); v === undefined ? s.null() : s.bulk(v); } },
      hgetall: { arity: 2, fn: (a, s) => { const h = hash(a[1], false); s.map(h ? h.size : 0); if (h) for (const [k, v] of h) { s.bulk(k); s.bulk(v); } } },
      rpush: { arity: -3, fn: (a, s) => { const l = list(a[1], true)!; l.push(...a.slice(2)); s.integer(l.length); } },
      lrange: { arity: 4, fn: (a, s) => { const l = list(a[1], false) ?? []; let st = Number(a[2]); let en = Number(a[3]); if (st < 0) st += l.length; if (en < 0) en += l.length; st = Math.max(0, st); en = Math.min(l.length - 1, en); const r = st <= en ? l.slice(st, en + 1) : []; s.array(r.length); for (const x of r) s.bulk(x); } },
      mget: { arity: -2, fn: (a, s) => { s.array(a.length - 1); for (const k of a.slice(1)) { const v = this.data.get(k); typeof v === 'string' ? s.bulk(v) : s.null(); } } },
      // replies of every RESP3 type, for conversion tests
      'x-double': { arity: 2, fn: (a, s) => s.double(Number(a[1])) },
      'x-bool': { arity: 2, fn: (a, s) => s.bool(a[1] === '1') },
      'x-big': { arity: 2, fn: (a, s) => s.bigNumber(a[1]) },
      'x-verb': { arity: 2, fn: (a, s) => s.verbatim(a[1], 'txt') },
      'x-set': { arity: -1, fn: (a, s) => { s.set(a.length - 1); for (const x of a.slice(1)) s.bulk(x); } },
      'x-nullarr': { arity: 1, fn: (_a, s) => s.nullArray() },
      'x-nested': { arity: 1, fn: (_a, s) => { s.array(3); s.integer(1); s.array(2); s.bulk('a'); s.error('ERR inner'); s.map(1); s.bulk('k'); s.array(0); } },
    };
  }
  call(argv: string[], sink: ReplySink): void {
    const c = this.cmds[argv[0].toLowerCase()];
    if (!c) {
      sink.error('ERR Unknown Redis command called from script');
      return;
    }
    if ((c.arity > 0 && argv.length !== c.arity) || argv.length < -c.arity) {
      sink.error('ERR Wrong number of args calling Redis command from script');
      return;
    }
    try {
      c.fn(argv, sink);
    } catch (e) {
      sink.error((e as Error).message);
    }
  }
  log(level: number, message: string): void {
    this.logs.push([level, message]);
  }
  setRepl(flags: number): void {
    this.repl.push(flags);
  }
}

export function sha1(s: string): string {
  return execFileSync('sha1sum', { input: Buffer.from(s, 'latin1') }).toString().slice(0, 40);
}

/** Run a script body the way EVAL would, synchronously, returning the decoded reply. */
export function evalScript(engine: LuaEngine, body: string, keys: string[] = [], argv: string[] = [], host: ScriptHost = new FakeHost(), resp: 2 | 3 = 2, name?: string): Reply {
  const sink = new RecordingSink(resp);
  const c = engine.compile(body);
  if (!c.ok) {
    const e = 'ERR Error compiling script (new function): ' + c.error;
    return { err: e.replace(/[\r\n]+$/, '').replace(/[\r\n]/g, ' ') };
  }
  const run = engine.start(c.ref, keys, argv, host, sink, name ?? sha1Hex(body));
  while (!run.step()) {
    /* keep going */
  }
  engine.release(c.ref);
  return sink.result!;
}

import { createHash } from 'node:crypto';
export function sha1Hex(s: string): string {
  return createHash('sha1').update(Buffer.from(s, 'latin1')).digest('hex');
}

// ---------------------------------------------------------------------------------------
// the oracle: a real redis-server on a unix socket
// ---------------------------------------------------------------------------------------

export function encodeCommand(args: (string | Buffer)[]): Buffer {
  const parts: Buffer[] = [Buffer.from(`*${args.length}\r\n`)];
  for (const a of args) {
    const b = Buffer.isBuffer(a) ? a : Buffer.from(a, 'latin1');
    parts.push(Buffer.from(`$${b.length}\r\n`), b, Buffer.from('\r\n'));
  }
  return Buffer.concat(parts);
}

/** Parse one reply; returns [value, nextOffset] or null when incomplete. */
export function parseReply(buf: Buffer, i: number): [Reply, number] | null {
  if (i >= buf.length) return null;
  const t = String.fromCharCode(buf[i]);
  const e = buf.indexOf('\r\n', i);
  if (e < 0) return null;
  const line = buf.latin1Slice(i + 1, e);
  let p = e + 2;
  switch (t) {
    case '+':
      return [{ s: line }, p];
    case '-':
      return [{ err: line }, p];
    case ':':
      return [Number(line), p];
    case ',':
      return [{ double: line }, p];
    case '#':
      return [line === 't', p];
    case '_':
      return [null, p];
    case '(':
      return [{ big: line }, p];
    case '$':
    case '=': {
      const n = +line;
      if (n < 0) return [null, p];
      if (buf.length < p + n + 2) return null;
      const s = buf.latin1Slice(p, p + n);
      return [t === '=' ? { verb: s } : s, p + n + 2];
    }
    case '*':
    case '~':
    case '%':
    case '>': {
      let n = +line;
      if (n < 0) return [null, p];
      if (t === '%') n *= 2;
      const arr: Reply[] = [];
      for (let k = 0; k < n; k++) {
        const r = parseReply(buf, p);
        if (!r) return null;
        arr.push(r[0]);
        p = r[1];
      }
      return [t === '*' ? arr : { [t]: arr }, p];
    }
  }
  throw new Error('bad reply type ' + t);
}

export class OracleClient {
  private sock!: net.Socket;
  private buf = Buffer.alloc(0);
  private waiting: ((r: Reply) => void)[] = [];
  static async connect(path: string): Promise<OracleClient> {
    const c = new OracleClient();
    await new Promise<void>((res, rej) => {
      c.sock = net.connect(path, () => res());
      c.sock.on('error', rej);
    });
    c.sock.on('data', (d) => {
      c.buf = Buffer.concat([c.buf, d]);
      for (;;) {
        const r = parseReply(c.buf, 0);
        if (!r) break;
        c.buf = c.buf.subarray(r[1]);
        c.waiting.shift()!(r[0]);
      }
    });
    return c;
  }
  command(args: (string | Buffer)[]): Promise<Reply> {
    return new Promise((res) => {
      this.waiting.push(res);
      this.sock.write(encodeCommand(args));
    });
  }
  close(): void {
    this.sock.destroy();
  }
}

/** Start a private redis-server for the tests, or return null (with the reason) when unavailable. */
export async function startOracle(tag: string): Promise<{ path: string; stop: () => void } | { skip: string }> {
  const bin = ['/usr/bin/redis-server', '/usr/local/bin/redis-server'].find((p) => fs.existsSync(p));
  if (!bin) return { skip: 'redis-server not installed' };
  const path = `/tmp/redmoon-lua-${tag}-${process.pid}.sock`;
  try {
    fs.unlinkSync(path);
  } catch {
    /* none */
  }
  const child = spawn(bin, ['--port', '0', '--unixsocket', path, '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--loglevel', 'warning'], { stdio: 'ignore' });
  for (let i = 0; i < 100; i++) {
    if (fs.existsSync(path)) break;
    await new Promise((r) => setTimeout(r, 20));
  }
  if (!fs.existsSync(path)) {
    child.kill();
    return { skip: 'redis-server did not start' };
  }
  return {
    path,
    stop: () => {
      child.kill();
      try {
        fs.unlinkSync(path);
      } catch {
        /* gone */
      }
    },
  };
}
