import { test, expect } from 'vitest';
import net from 'node:net';
import { startServer } from '../../src/index.ts';

/** A tiny pipelining RESP client: enough for integer/bulk/array replies. */
class Conn {
  private buf = '';
  private waiting: ((s: string) => void)[] = [];
  constructor(readonly sock: net.Socket) {
    sock.setEncoding('latin1');
    sock.on('data', (d: string) => {
      this.buf += d;
      this.drain();
    });
    sock.on('error', () => {});
  }
  static open(port: number): Promise<Conn> {
    return new Promise((res, rej) => {
      const s = net.connect(port, '127.0.0.1', () => res(new Conn(s)));
      s.once('error', rej);
    });
  }
  private drain(): void {
    for (;;) {
      if (this.waiting.length === 0) return;
      const end = replyEnd(this.buf, 0);
      if (end < 0) return;
      const r = this.buf.slice(0, end);
      this.buf = this.buf.slice(end);
      this.waiting.shift()!(r);
    }
  }
  call(...argv: string[]): Promise<string> {
    this.sock.write(`*${argv.length}\r\n${argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('')}`, 'latin1');
    return new Promise((r) => {
      this.waiting.push(r);
      this.drain();
    });
  }
}

function replyEnd(s: string, i: number): number {
  const nl = s.indexOf('\r\n', i);
  if (nl < 0) return -1;
  const t = s[i];
  const n = Number(s.slice(i + 1, nl));
  if (t === '$') return n < 0 ? nl + 2 : s.length >= nl + 2 + n + 2 ? nl + 2 + n + 2 : -1;
  if (t === '*') {
    if (n < 0) return nl + 2;
    let p = nl + 2;
    for (let k = 0; k < n; k++) {
      p = replyEnd(s, p);
      if (p < 0) return -1;
    }
    return p;
  }
  return nl + 2;
}

test('1000 clients mixing blocking pops and pushes: nothing lost, nobody stuck', async () => {
  const server = await startServer({ port: 0, log: () => {} });
  try {
    const N = 1000;
    const KEYS = 10;
    const conns: Conn[] = [];
    for (let i = 0; i < N; i += 100) {
      conns.push(...(await Promise.all(Array.from({ length: Math.min(100, N - i) }, () => Conn.open(server.port)))));
    }
    // Half the clients pop (blocking), half push; each popper pops 4 times.
    const poppers = conns.slice(0, N / 2);
    const pushers = conns.slice(N / 2);
    const POPS = 4;
    const received: string[] = [];
    const popWork = poppers.map(async (c, i) => {
      for (let k = 0; k < POPS; k++) {
        // Every popper waits on all keys (rotated), so no element can be stranded.
        const keys = Array.from({ length: KEYS }, (_, j) => `q${(i + k + j) % KEYS}`);
        const r = await c.call(k % 2 === 0 ? 'BLPOP' : 'BRPOP', ...keys, '60');
        expect(r.startsWith('*2\r\n')).toBe(true);
        received.push(r.split('\r\n')[4]);
      }
    });
    let seq = 0;
    const pushWork = pushers.map(async (c, i) => {
      for (let k = 0; k < POPS; k++) {
        const v = `v${seq++}`;
        const key = `q${(i * 7 + k) % KEYS}`;
        await c.call(k % 2 === 0 ? 'RPUSH' : 'LPUSH', key, v);
      }
    });
    await Promise.all([...popWork, ...pushWork]);
    const total = (N / 2) * POPS;
    expect(received.length).toBe(total);
    expect(new Set(received).size).toBe(total);
    // Nothing is left behind and no client remains blocked.
    const probe = conns[0];
    let left = 0;
    for (let k = 0; k < KEYS; k++) left += Number((await probe.call('LLEN', `q${k}`)).slice(1));
    expect(left).toBe(0);
    expect(server.server.blocking.waiting).toBe(0);
    for (const c of conns) c.sock.destroy();
  } finally {
    await server.close();
  }
}, 120_000);

test('blocked clients that disconnect or time out are cleaned up', async () => {
  const server = await startServer({ port: 0, log: () => {} });
  try {
    const conns = await Promise.all(Array.from({ length: 200 }, () => Conn.open(server.port)));
    const pending = conns.map((c, i) => c.call('BLPOP', 'gone', i % 2 === 0 ? '0.05' : '0'));
    await new Promise((r) => setTimeout(r, 30));
    // The ones blocked forever disconnect.
    conns.forEach((c, i) => i % 2 === 1 && c.sock.destroy());
    const timedOut = await Promise.all(pending.filter((_, i) => i % 2 === 0));
    for (const r of timedOut) expect(r).toBe('*-1\r\n');
    await new Promise((r) => setTimeout(r, 30));
    expect(server.server.blocking.waiting).toBe(0);
    expect(server.server.blocking.keyCount).toBe(0);
    // A push now finds nobody waiting and stays in the list.
    expect(await conns[0].call('RPUSH', 'gone', 'x')).toBe(':1\r\n');
    for (const c of conns) c.sock.destroy();
  } finally {
    await server.close();
  }
});
