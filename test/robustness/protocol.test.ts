import { test, expect, describe, beforeAll, afterAll } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.ts';
import { describeDifferential } from '../support/differential.ts';
import { Rng } from '../property/harness.ts';
import { StrictConn, encode } from './conn.ts';

/**
 * Hostile protocol input: malformed frames compared with redis-server, random bytes,
 * every split point of a pipeline, oversized and huge-count frames, deep pipelines, and
 * no per-client state left behind once connections close.
 */

describeDifferential('protocol errors match redis-server', (d) => {
  // [name, bytes, replies expected (the comparison waits up to 1 s for missing ones)]
  const cases: [string, string, number?][] = [
    ['huge multibulk count', '*3000000000\r\n'],
    ['multibulk count overflow', '*99999999999999999999\r\n'],
    ['non-numeric multibulk count', '*abc\r\n'],
    ['negative bulk length', '*1\r\n$-1\r\n'],
    ['bulk beyond proto-max-bulk-len', '*1\r\n$536870913\r\n'],
    ['non-numeric bulk length', '*1\r\n$x\r\n'],
    ['missing $', '*1\r\nPING\r\n'],
    ['bulk with a sign', '*1\r\n$+4\r\nPING\r\n'],
    ['unbalanced quotes', 'SET "a b\r\n'],
    ['inline NUL bytes up to the limit', 'ECHO a\x00b\r\n' + 'x'.repeat(70000)],
    ['NUL in a multibulk count', '*1\x00\r\n' + '\r\n'.repeat(40000)],
    ['NUL in a bulk length', '*1\r\n$4\x00\r\nPING\r\n' + '\r\n'.repeat(40000)],
    ['inline NUL bytes, then more lines', 'ECHO a\x00b\r\nPING\r\n*1\r\n$4\r\nPING\r\n'],
    ['NUL inside bulk data is fine', '*2\r\n$4\r\nECHO\r\n$3\r\n\x00\r\x00\r\n'],
    ['inline escapes', 'ECHO "\\x41\\n\\t\\"" \'x\\\'y\'\r\n'],
    ['inline, bare LF', 'PING\nPING\n', 2],
    ['empty multibulk then PING', '*0\r\n*1\r\n$4\r\nPING\r\n'],
    ['negative multibulk then PING', '*-5\r\n*1\r\n$4\r\nPING\r\n'],
    ['empty inline lines then PING', '\r\n\r\n   \r\nPING\r\n'],
    ['unknown command with huge args', `*2\r\n$3\r\nFOO\r\n$70000\r\n${'a'.repeat(70000)}\r\n`],
    ['protocol error after valid command', '*1\r\n$4\r\nPING\r\n*1\r\n$x\r\n', 2],
    ['too big inline request', 'x'.repeat(70000)],
    ['too big mbulk count string', '*' + '1'.repeat(70000)],
    ['too big bulk count string', '*1\r\n$' + '1'.repeat(70000)],
  ];
  for (const [name, bytes, n] of cases) {
    test(name, async () => {
      await d().sameRaw(bytes, n ?? 1);
    });
  }
});

describe('hostile input against redmoon', () => {
  let srv: RunningServer;
  beforeAll(async () => {
    srv = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await srv?.close();
  });

  async function ping(): Promise<void> {
    const c = await StrictConn.connect(srv.port);
    expect(await c.call(['PING'], 2000)).toBe('+PONG\r\n');
    c.close();
  }

  async function settled(): Promise<void> {
    // Close events arrive asynchronously; wait until only live connections remain.
    for (let i = 0; i < 100 && srv.server.clients.size > 0; i++) await new Promise((r) => setTimeout(r, 10));
  }

  test('random bytes on many connections: replies stay well-formed, server survives', async () => {
    const r = new Rng(99);
    const conns: StrictConn[] = [];
    for (let i = 0; i < 120; i++) {
      const c = await StrictConn.connect(srv.port);
      const prefix = r.pick(['', '*', '$', '*2\r\n', '*1\r\n$', '*3\r\n$3\r\nSET\r\n', '"', 'GET ']);
      c.sock.write(Buffer.from(prefix + r.bytes(r.pick([1, 10, 100, 3000])), 'latin1'));
      conns.push(c);
    }
    await new Promise((res) => setTimeout(res, 100));
    for (const c of conns) {
      // Whatever arrived must frame strictly (a partial reply at the end is fine).
      let n = 0;
      while ((await c.read(1, 0)) !== null) n++;
      expect(n).toBeLessThan(10000);
      c.close();
    }
    await ping();
    await settled();
    expect(srv.server.clients.size).toBe(0);
  });

  test('a pipeline split at every byte offset gives the same replies', async () => {
    const cmds = [['SET', 'k', 'v\r\n\x00'], ['GET', 'k'], ['APPEND', 'k', ''], ['DEL', 'k'], ['PING']];
    const whole = Buffer.concat([...cmds.map(encode), Buffer.from('ECHO "x y"\r\nPING\r\n')]);
    const ref = await StrictConn.connect(srv.port);
    ref.sock.write(whole);
    const expected = await ref.read(cmds.length + 2, 2000);
    ref.close();
    expect(expected).not.toBeNull();
    for (let cut = 1; cut < whole.length; cut += 1) {
      const c = await StrictConn.connect(srv.port);
      c.sock.write(whole.subarray(0, cut));
      await new Promise((res) => setImmediate(res));
      c.sock.write(whole.subarray(cut));
      expect(await c.read(cmds.length + 2, 2000), `split at ${cut}`).toEqual(expected);
      c.close();
    }
  });

  test('byte-by-byte delivery', async () => {
    const c = await StrictConn.connect(srv.port);
    const bytes = Buffer.concat([encode(['SET', 'bb', 'x'.repeat(50)]), encode(['STRLEN', 'bb'])]);
    for (const b of bytes) {
      c.sock.write(Buffer.from([b]));
      await new Promise((res) => setImmediate(res));
    }
    expect(await c.read(2, 2000)).toEqual(['+OK\r\n', ':50\r\n']);
    c.close();
  });

  test('deep pipeline: 20000 commands in one write', async () => {
    const c = await StrictConn.connect(srv.port);
    const one = encode(['INCR', 'deep']);
    const n = 20000;
    const buf = Buffer.alloc(one.length * n);
    for (let i = 0; i < n; i++) one.copy(buf, i * one.length);
    c.sock.write(Buffer.concat([buf, encode(['GET', 'deep']), encode(['DEL', 'deep'])]));
    const replies = await c.read(n + 2, 10000);
    expect(replies).not.toBeNull();
    expect(replies![n - 1]).toBe(`:${n}\r\n`);
    expect(replies![n]).toBe(`$5\r\n${n}\r\n`);
    c.close();
  });

  test('big values: a 10 MB argument round-trips; a 64 KB key works', async () => {
    const c = await StrictConn.connect(srv.port);
    const big = 'b'.repeat(10 << 20);
    const key = '\x00'.repeat(65536);
    c.sock.write(Buffer.concat([encode(['SET', key, big]), encode(['STRLEN', key]), encode(['GETRANGE', key, '-3', '-1']), encode(['DEL', key])]));
    expect(await c.read(4, 10000)).toEqual(['+OK\r\n', `:${10 << 20}\r\n`, '$3\r\nbbb\r\n', ':1\r\n']);
    c.close();
  });

  test('strings V8 cannot hold (near 512 MB) are refused cleanly', async () => {
    const c = await StrictConn.connect(srv.port);
    const tooLong = '-ERR string exceeds maximum allowed size (proto-max-bulk-len)\r\n';
    expect(await c.call(['SETBIT', 'big', '4294967295', '1'])).toBe(tooLong);
    expect(await c.call(['SETRANGE', 'big', '536870900', 'x'])).toBe(tooLong);
    expect(await c.call(['BITFIELD', 'big', 'SET', 'u8', '4294967288', '1'])).toBe(tooLong);
    expect(await c.call(['EXISTS', 'big'])).toBe(':0\r\n');
    // A bulk that could not become an argument is a protocol error (not a crash later).
    c.sock.write('*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$536870900\r\n');
    expect(await c.read(1, 2000)).toEqual(['-ERR Protocol error: invalid bulk length\r\n']);
    c.close();
    await ping();
  });

  test('query buffer limit closes the client, server survives', async () => {
    const admin = await StrictConn.connect(srv.port);
    expect(await admin.call(['CONFIG', 'SET', 'client-query-buffer-limit', '1mb'])).toBe('+OK\r\n');
    const c = await StrictConn.connect(srv.port);
    c.sock.write(`*2\r\n$3\r\nGET\r\n$3000000\r\n`);
    c.sock.write('y'.repeat(1_500_000));
    expect(await c.read(1, 3000)).toBeNull();
    expect(c.closed).toBe(true);
    expect(await admin.call(['CONFIG', 'SET', 'client-query-buffer-limit', '1gb'])).toBe('+OK\r\n');
    admin.close();
    await ping();
  });

  test('huge multibulk and bulk counts waiting for data do not allocate or stall others', async () => {
    const conns: StrictConn[] = [];
    for (const head of ['*1048576\r\n', '*1048576\r\n$1\r\na\r\n', '*2\r\n$536870000\r\nabc', '*1000000\r\n' + '$1\r\nx\r\n'.repeat(1000)]) {
      const c = await StrictConn.connect(srv.port);
      c.sock.write(head);
      conns.push(c);
    }
    const before = process.memoryUsage().rss;
    await ping();
    expect(process.memoryUsage().rss - before).toBeLessThan(200 << 20);
    for (const c of conns) expect(await c.read(1, 50)).toBeNull();
    for (const c of conns) c.close();
    await settled();
    expect(srv.server.clients.size).toBe(0);
  });

  test('no state left behind by clients that disconnect mid-way', async () => {
    const s = srv.server;
    for (let i = 0; i < 20; i++) {
      const c = await StrictConn.connect(srv.port);
      const cmds = [
        ['WATCH', 'w1', 'w2'],
        ['SUBSCRIBE', `ch${i}`],
        ['PSUBSCRIBE', `p${i}*`],
        ['SSUBSCRIBE', `s${i}`],
      ];
      if (i % 3 === 0) cmds.unshift(['MULTI'], ['SET', 'x', '1']);
      if (i % 2 === 0) cmds.unshift(['CLIENT', 'TRACKING', 'ON', 'BCAST', 'PREFIX', `t${i}`], ['HELLO', '3']);
      c.sock.write(Buffer.concat(cmds.map(encode)));
      await c.read(1, 200); // (subscribe confirmations are pushes in RESP3, not counted)
      const b = await StrictConn.connect(srv.port);
      b.sock.write(encode(['BLPOP', `bl${i}`, 'bl', '0']));
      const x = await StrictConn.connect(srv.port);
      x.sock.write(encode(['XREAD', 'BLOCK', '0', 'STREAMS', `xs${i}`, '$']));
      await new Promise((res) => setTimeout(res, 5));
      c.close();
      b.close();
      x.close();
    }
    await settled();
    expect(s.clients.size).toBe(0);
    expect(s.watches.size).toBe(0);
    expect(s.pubsub.channels.size).toBe(0);
    expect(s.pubsub.patterns.size).toBe(0);
    expect(s.pubsub.shardChannels.size).toBe(0);
    expect(s.monitors.size).toBe(0);
    expect((s.blocking as unknown as { byKey: Map<string, unknown> }).byKey.size).toBe(0);
    expect(s.tracking.clients).toBe(0);
    await ping();
  });
});

describeDifferential(
  'proto-max-bulk-len given with a unit at startup',
  (d) => {
    test('1mb refuses a 2 MB bulk', async () => {
      await d().sameRaw('*2\r\n$3\r\nGET\r\n$2000000\r\n');
    });
  },
  { 'proto-max-bulk-len': '1mb' },
);

describeDifferential(
  'client-query-buffer-limit given with a unit at startup',
  (d) => {
    test('1mb closes a client whose query buffer grows past it', async () => {
      const p = await d().pair();
      try {
        const big = `*2\r\n$3\r\nGET\r\n$3000000\r\n${'y'.repeat(1_500_000)}`;
        p.ours.sock.write(big);
        p.real.sock.write(big);
        await Promise.all([p.ours.readRaw(1, 2000), p.real.readRaw(1, 2000)]);
        expect(p.real.closed).toBe(true);
        expect(p.ours.closed).toBe(true);
      } finally {
        p.real.close();
        p.ours.close();
      }
      await d().same('PING');
    });
  },
  { 'client-query-buffer-limit': '1mb' },
);
