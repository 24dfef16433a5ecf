import net from 'node:net';
import { describe, test, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { Redis } from 'ioredis';
import { startServer, type RunningServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';

/** Resolves once `check` holds, polling; fails after a generous bound. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

function refused(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const sock = net.connect(port, '127.0.0.1');
    sock.once('connect', () => {
      sock.destroy();
      resolve(false);
    });
    sock.once('error', (e: NodeJS.ErrnoException) => resolve(e.code === 'ECONNREFUSED'));
  });
}

describe('connections and outages', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await s.close();
  });

  test('dropConnections closes every client; the server keeps serving', async () => {
    const a = await RawClient.connect(s.port);
    const b = await RawClient.connect(s.port);
    await a.call('PING');
    await b.call('SUBSCRIBE', 'ch');
    s.dropConnections();
    await until(() => a.closed && b.closed, 'both connections to close');
    const c = await RawClient.connect(s.port);
    expect(await c.call('PING')).toBe('+PONG\r\n');
    expect(s.call('PUBSUB', 'NUMSUB', 'ch')).toEqual(['ch', 0]);
    c.close();
  });

  test('ioredis reconnects after dropConnections', async () => {
    const r = new Redis({ port: s.port, host: s.host, retryStrategy: () => 10 });
    try {
      await r.set('k', 'v');
      const closed = new Promise((resolve) => r.once('close', resolve));
      s.dropConnections();
      await closed;
      expect(await r.get('k')).toBe('v');
    } finally {
      r.disconnect();
    }
  });

  test('stop() refuses connections; start() serves again on the same port with the same data', async () => {
    s.call('SET', 'kept', 'yes');
    s.call('SET', 'ttl', 'v', 'EX', 1000);
    const c = await RawClient.connect(s.port);
    await s.stop();
    await until(() => c.closed, 'the connection to close');
    expect(await refused(s.port)).toBe(true);
    // Data stays reachable in-process during the outage.
    expect(s.call('GET', 'kept')).toBe('yes');
    await s.stop();
    await s.start();
    await s.start();
    const d = await RawClient.connect(s.port);
    expect(await d.call('GET', 'kept')).toBe('$3\r\nyes\r\n');
    expect(Number((await d.call('TTL', 'ttl')).slice(1))).toBeGreaterThan(900);
    d.close();
  });

  test('ioredis rides out an outage', async () => {
    const r = new Redis({ port: s.port, host: s.host, retryStrategy: () => 20, maxRetriesPerRequest: null });
    r.on('error', () => {}); // ECONNREFUSED while the server is down
    try {
      await r.set('k', '1');
      await s.stop();
      const pending = r.incr('k');
      await new Promise((res) => setTimeout(res, 100));
      await s.start();
      expect(await pending).toBe(2);
    } finally {
      r.disconnect();
    }
  });

  test('after close(), start() refuses', async () => {
    const t = await startServer({ port: 0, log: () => {} });
    await t.close();
    await expect(t.start()).rejects.toThrow('closed');
  });
});

describe('snapshot() and restore()', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(() => {
    s.flushall();
    s.call('SCRIPT', 'FLUSH');
    s.call('FUNCTION', 'FLUSH');
  });

  test('brings back every database and every type; later writes do not leak in', () => {
    s.call('SET', 's', 'v');
    s.call('RPUSH', 'l', 'a', 'b');
    s.call('HSET', 'h', 'f', '1');
    s.call('SADD', 'set', 'x', 'y');
    s.call('ZADD', 'z', '1', 'm');
    s.call('XADD', 'x', '1-1', 'f', 'v');
    s.call('XGROUP', 'CREATE', 'x', 'g', '0');
    s.callIn(9, 'SET', 'other', 'db');
    const snap = s.snapshot();
    expect(snap.keys).toBe(7);
    expect(snap.databases).toBe(16);

    s.call('SET', 's', 'changed');
    s.call('RPUSH', 'l', 'c');
    s.call('HSET', 'h', 'f', '2');
    s.call('SADD', 'set', 'z');
    s.call('ZADD', 'z', '5', 'm');
    s.call('XADD', 'x', '2-1', 'f', 'v');
    s.call('XREADGROUP', 'GROUP', 'g', 'c', 'STREAMS', 'x', '>');
    s.callIn(9, 'DEL', 'other');
    s.call('SET', 'new', '1');
    s.restore(snap);

    expect(s.call('GET', 's')).toBe('v');
    expect(s.call('LRANGE', 'l', 0, -1)).toEqual(['a', 'b']);
    expect(s.call('HGET', 'h', 'f')).toBe('1');
    expect(s.call<string[]>('SMEMBERS', 'set').sort()).toEqual(['x', 'y']);
    expect(s.call('ZSCORE', 'z', 'm')).toBe('1');
    expect(s.call('XLEN', 'x')).toBe(1);
    expect(s.call('XPENDING', 'x', 'g')).toEqual([0, null, null, null]);
    expect(s.callIn(9, 'GET', 'other')).toBe('db');
    expect(s.call('EXISTS', 'new')).toBe(0);

    // Reusable: writes after a restore do not reach the snapshot either.
    s.call('RPUSH', 'l', 'again');
    s.restore(snap);
    expect(s.call('LRANGE', 'l', 0, -1)).toEqual(['a', 'b']);
  });

  test('TTLs are kept as remaining time; encodings survive', async () => {
    s.call('SET', 'k', 'v', 'PX', 60_000);
    s.call('SET', 'gone', 'v', 'PX', 1);
    s.call('SET', 'n', '12');
    s.call('SET', 'raw', 'a');
    s.call('APPEND', 'raw', 'b');
    await new Promise((r) => setTimeout(r, 5));
    const snap = s.snapshot();
    expect(snap.keys).toBe(3);
    await new Promise((r) => setTimeout(r, 50));
    s.restore(snap);
    const pttl = s.call<number>('PTTL', 'k');
    expect(pttl).toBeGreaterThan(59_000 - 1000);
    expect(pttl).toBeLessThanOrEqual(60_000);
    // Remaining time as at the snapshot: the 50 ms spent since do not count.
    expect(s.call('PEXPIRETIME', 'k')).toBeGreaterThanOrEqual(Date.now() + 60_000 - 1000 - 55);
    expect(s.call('EXISTS', 'gone')).toBe(0);
    expect(s.call('OBJECT', 'ENCODING', 'n')).toBe('int');
    expect(s.call('OBJECT', 'ENCODING', 'raw')).toBe('raw');
  });

  test('remaining TTLs follow the server clock (time API): a restore after advance() gives them back whole', () => {
    s.time.freeze();
    try {
      s.call('SET', 'k', 'v', 'PX', 60_000);
      const snap = s.snapshot();
      s.time.advance(30_000);
      expect(s.call('PTTL', 'k')).toBe(30_000);
      s.restore(snap);
      expect(s.call('PTTL', 'k')).toBe(60_000);
      s.time.advance(60_000);
      expect(s.call('EXISTS', 'k')).toBe(0);
      s.restore(snap);
      expect(s.call('PTTL', 'k')).toBe(60_000);
    } finally {
      s.time.resume();
    }
  });

  test('scripts and functions come back; ones added later go', () => {
    const sha = s.call<string>('SCRIPT', 'LOAD', 'return 1');
    s.call('FUNCTION', 'LOAD', "#!lua name=lib\nredis.register_function('f', function() return 'f' end)");
    const snap = s.snapshot();
    s.call('SCRIPT', 'FLUSH');
    const later = s.call<string>('SCRIPT', 'LOAD', 'return 2');
    s.call('FUNCTION', 'DELETE', 'lib');
    s.call('FUNCTION', 'LOAD', "#!lua name=lib2\nredis.register_function('g', function() return 'g' end)");
    s.restore(snap);
    expect(s.call('EVALSHA', sha, 0)).toBe(1);
    expect(s.call('SCRIPT', 'EXISTS', sha, later)).toEqual([1, 0]);
    expect(s.call('FCALL', 'f', 0)).toBe('f');
    expect(() => s.call('FCALL', 'g', 0)).toThrow('ERR Function not found');
  });

  test('restoring serves clients blocked on keys the snapshot fills', async () => {
    s.call('RPUSH', 'q', 'job');
    const snap = s.snapshot();
    s.call('DEL', 'q');
    const c = await RawClient.connect(s.port);
    const pop = c.sendRaw('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n', 1, 10_000);
    await until(() => s.call<string>('INFO', 'clients').includes('blocked_clients:1'), 'BLPOP to block');
    s.restore(snap);
    expect(await pop).toBe('*2\r\n$1\r\nq\r\n$3\r\njob\r\n');
    expect(s.call('LLEN', 'q')).toBe(0);
    c.close();
  });

  test('a client blocked on a key the snapshot lacks stays blocked', async () => {
    const snap = s.snapshot();
    const c = await RawClient.connect(s.port);
    const pop = c.sendRaw('*3\r\n$5\r\nBLPOP\r\n$1\r\nq\r\n$1\r\n0\r\n', 1, 10_000);
    await until(() => s.call<string>('INFO', 'clients').includes('blocked_clients:1'), 'BLPOP to block');
    s.restore(snap);
    expect(s.call<string>('INFO', 'clients')).toContain('blocked_clients:1');
    s.call('RPUSH', 'q', 'later');
    expect(await pop).toBe('*2\r\n$1\r\nq\r\n$5\r\nlater\r\n');
    c.close();
  });

  test('WATCH: a restore that changes a watched key fails the EXEC; an untouched one does not', async () => {
    s.call('SET', 'w', '1');
    const snap = s.snapshot();
    const c = await RawClient.connect(s.port);
    const d = await RawClient.connect(s.port);
    await c.call('WATCH', 'w');
    await d.call('WATCH', 'unrelated');
    s.call('SET', 'w', '2');
    await d.call('MULTI');
    await d.call('PING');
    s.restore(snap);
    await c.call('MULTI');
    await c.call('PING');
    expect(await c.call('EXEC')).toBe('*-1\r\n');
    expect(await d.call('EXEC')).toBe('*1\r\n+PONG\r\n');
    c.close();
    d.close();
  });

  test('tracking clients get a flush invalidation', async () => {
    s.call('SET', 't', '1');
    const snap = s.snapshot();
    const c = await RawClient.connect(s.port);
    await c.call('HELLO', '3');
    await c.call('CLIENT', 'TRACKING', 'on');
    await c.call('GET', 't');
    s.restore(snap);
    expect(await c.readRaw()).toBe('>2\r\n$10\r\ninvalidate\r\n_\r\n');
    c.close();
  });

  test('restore refuses foreign objects and snapshots of another shape', async () => {
    expect(() => s.restore({ takenAt: 0, databases: 16, keys: 0 })).toThrow(TypeError);
    const other = await startServer({ port: 0, log: () => {}, databases: 2 });
    try {
      expect(() => other.restore(s.snapshot())).toThrow(RangeError);
    } finally {
      await other.close();
    }
  });
});
