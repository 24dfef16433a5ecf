import { describe, test, expect, beforeEach, afterEach } from 'vitest';
import { startServer, type RunningServer } from '../../src/index.ts';
import { RawClient, encodeCommand } from '../support/raw-client.ts';
import { setTimeout as realSetTimeout } from '../../src/util/clock.ts';

const sleep = (ms: number) => new Promise<void>((r) => realSetTimeout(r, ms));
const int = (raw: string) => Number(/^:(-?\d+)\r\n$/.exec(raw)?.[1] ?? NaN);

describe('the time API', () => {
  let srv: RunningServer;
  let c: RawClient;
  beforeEach(async () => {
    srv = await startServer({ port: 0, config: { 'notify-keyspace-events': 'Ex' } });
    c = await RawClient.connect(srv.port);
  });
  afterEach(async () => {
    c.close();
    await srv.close();
  });

  test('now() follows the real clock until told otherwise', () => {
    const t = srv.time.now();
    expect(Math.abs(t - Date.now())).toBeLessThan(5_000);
  });

  test('freeze keeps TTLs still; resume lets them run again from the frozen reading', async () => {
    srv.time.freeze();
    await c.call('SET', 'k', 'v', 'PX', '10000');
    const at = srv.time.now();
    await sleep(30);
    expect(srv.time.now()).toBe(at);
    expect(await c.call('PTTL', 'k')).toBe(':10000\r\n');
    srv.time.advance(2500);
    expect(await c.call('PTTL', 'k')).toBe(':7500\r\n');
    expect(await c.call('TTL', 'k')).toBe(':8\r\n');
    srv.time.resume();
    expect(srv.time.now()).toBeGreaterThanOrEqual(at + 2500);
    await sleep(30);
    expect(srv.time.now()).toBeGreaterThan(at + 2500);
    expect(int(await c.call('PTTL', 'k'))).toBeLessThan(7500);
  });

  test('advance removes due keys and fires their expired events with no client touching them', async () => {
    srv.time.freeze();
    const sub = await RawClient.connect(srv.port);
    await sub.call('SUBSCRIBE', '__keyevent@0__:expired');
    await c.call('SET', 'a', '1', 'PX', '1000');
    await c.call('SET', 'b', '1', 'PX', '2000');
    srv.time.advance(999);
    expect(srv.server.dbs[0].data.has('a')).toBe(true);
    srv.time.advance(1);
    // removed at once, not on the next access
    expect(srv.server.dbs[0].data.has('a')).toBe(false);
    expect(srv.server.dbs[0].data.has('b')).toBe(true);
    expect(await sub.readRaw(1, 10_000)).toBe('*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\na\r\n');
    expect(await c.call('DBSIZE')).toBe(':1\r\n');
    expect(await c.call('INFO', 'stats')).toMatch(/expired_keys:1\r\n/);
    sub.close();
  });

  test('advancing past many TTLs at once removes exactly the due keys, in every database', async () => {
    srv.time.freeze();
    const N = 5000;
    let batch = '';
    for (let i = 1; i <= N; i++) batch += encodeCommand(['SET', `k${i}`, 'v', 'PX', String(i)]).toString('latin1');
    batch += encodeCommand(['SELECT', '3']).toString('latin1');
    for (let i = 1; i <= 100; i++) batch += encodeCommand(['SET', `d${i}`, 'v', 'PX', String(i * 100)]).toString('latin1');
    await c.sendRaw(batch, N + 101, 30_000);
    const sub = await RawClient.connect(srv.port);
    await sub.call('PSUBSCRIBE', '__keyevent@*__:expired');
    srv.time.advance(2500);
    expect(srv.server.dbs[0].size).toBe(N - 2500);
    expect(srv.server.dbs[3].size).toBe(75);
    const events = await sub.readRaw(2525, 30_000);
    expect(events.split('pmessage').length - 1).toBe(2525);
    expect(await c.call('INFO', 'stats')).toMatch(/expired_keys:2525\r\n/);
    srv.time.advance(1_000_000);
    expect(srv.server.dbs[0].size + srv.server.dbs[3].size).toBe(0);
    sub.close();
  });

  test('set() moves TIME (in scripts too) and EXPIRETIME of relative expiries', async () => {
    srv.time.freeze();
    srv.time.set(1_700_000_000_123);
    expect(srv.time.now()).toBe(1_700_000_000_123);
    expect(await c.call('TIME')).toBe('*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n');
    expect(await c.call('EVAL', "return redis.call('TIME')", '0')).toBe('*2\r\n$10\r\n1700000000\r\n$6\r\n123000\r\n');
    await c.call('SET', 'k', 'v', 'EX', '100');
    expect(await c.call('EXPIRETIME', 'k')).toBe(':1700000100\r\n');
    expect(await c.call('PEXPIRETIME', 'k')).toBe(':1700000100123\r\n');
    await c.call('EXPIRE', 'k', '50');
    expect(await c.call('PEXPIRETIME', 'k')).toBe(':1700000050123\r\n');
    srv.time.set(new Date(1_700_000_050_123));
    expect(await c.call('EXISTS', 'k')).toBe(':0\r\n');
    // the clock may go back
    srv.time.set(1_000_000_000_000);
    expect(await c.call('TIME')).toBe('*2\r\n$10\r\n1000000000\r\n$1\r\n0\r\n');
    // running from a set time
    srv.time.resume();
    await sleep(20);
    expect(srv.time.now()).toBeGreaterThan(1_000_000_000_000);
    expect(srv.time.now()).toBeLessThan(1_000_000_000_000 + 60_000);
  });

  test('a script sees the time it started at', async () => {
    srv.time.freeze();
    srv.time.set(5_000_000);
    expect(await c.call('EVAL', "redis.call('SET', KEYS[1], 'v', 'PX', 100); return redis.call('PTTL', KEYS[1])", '1', 'k')).toBe(':100\r\n');
  });

  test('blocking timeouts fire at the advanced time: BLPOP, BZPOPMIN, XREAD BLOCK, WAIT', async () => {
    srv.time.freeze();
    const clients = await Promise.all([0, 1, 2, 3].map(() => RawClient.connect(srv.port)));
    const replies = [
      clients[0].sendRaw(encodeCommand(['BLPOP', 'l', '100']), 1, 60_000),
      clients[1].sendRaw(encodeCommand(['BZPOPMIN', 'z', '200']), 1, 60_000),
      clients[2].sendRaw(encodeCommand(['XREAD', 'BLOCK', '300000', 'STREAMS', 's', '$']), 1, 60_000),
      clients[3].sendRaw(encodeCommand(['WAIT', '1', '400000']), 1, 60_000),
    ];
    for (let i = 0; i < 100 && srv.server.blocking.waiting < 4; i++) await sleep(10);
    expect(srv.server.blocking.waiting).toBe(4);
    srv.time.advance(99_999);
    await sleep(50);
    expect(srv.server.blocking.waiting).toBe(4);
    srv.time.advance(1);
    expect(await replies[0]).toBe('*-1\r\n');
    expect(srv.server.blocking.waiting).toBe(3);
    srv.time.advance(100_000);
    expect(await replies[1]).toBe('*-1\r\n');
    srv.time.advance(300_000);
    expect(await replies[2]).toBe('*-1\r\n');
    expect(await replies[3]).toBe(':0\r\n');
    expect(srv.server.blocking.waiting).toBe(0);
    for (const x of clients) x.close();
  });

  test('a blocked client is still served by data before its advanced timeout', async () => {
    srv.time.freeze();
    const b = await RawClient.connect(srv.port);
    const reply = b.sendRaw(encodeCommand(['BLPOP', 'l', '10']), 1, 60_000);
    for (let i = 0; i < 100 && srv.server.blocking.waiting < 1; i++) await sleep(10);
    srv.time.advance(5_000);
    await c.call('RPUSH', 'l', 'x');
    expect(await reply).toBe('*2\r\n$1\r\nl\r\n$1\r\nx\r\n');
    b.close();
  });

  test('auto-generated stream IDs use the server clock', async () => {
    srv.time.freeze();
    srv.time.set(1_000_000);
    expect(await c.call('XADD', 's', '*', 'f', 'v')).toBe('$9\r\n1000000-0\r\n');
    expect(await c.call('XADD', 's', '*', 'f', 'v')).toBe('$9\r\n1000000-1\r\n');
    srv.time.advance(5);
    expect(await c.call('XADD', 's', '*', 'f', 'v')).toBe('$9\r\n1000005-0\r\n');
  });

  test('OBJECT IDLETIME counts server time', async () => {
    srv.time.freeze();
    await c.call('SET', 'k', 'v');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
    srv.time.advance(30_000);
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':30\r\n');
    await c.call('GET', 'k');
    expect(await c.call('OBJECT', 'IDLETIME', 'k')).toBe(':0\r\n');
  });

  test('CLIENT PAUSE ends when the clock passes its end', async () => {
    srv.time.freeze();
    expect(await c.call('CLIENT', 'PAUSE', '100000', 'WRITE')).toBe('+OK\r\n');
    const w = await RawClient.connect(srv.port);
    const reply = w.sendRaw(encodeCommand(['SET', 'k', 'v']), 1, 60_000);
    await sleep(50);
    expect(srv.server.clientPause).not.toBeNull();
    srv.time.advance(100_000);
    expect(await reply).toBe('+OK\r\n');
    expect(srv.server.clientPause).toBeNull();
    w.close();
  });

  test('SLOWLOG entries carry the server time', async () => {
    srv.time.freeze();
    srv.time.set(1_234_567_890_000);
    await c.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
    await c.call('PING');
    const log = await c.call('SLOWLOG', 'GET', '1');
    expect(log).toMatch(/^\*1\r\n\*6\r\n:\d+\r\n:1234567890\r\n/);
  });

  test('CLIENT LIST age follows the server clock', async () => {
    srv.time.freeze();
    srv.time.advance(42_000);
    expect(await c.call('CLIENT', 'INFO')).toMatch(/ age=42 /);
  });

  test('bad arguments are refused', () => {
    expect(() => srv.time.advance(-1)).toThrow(RangeError);
    expect(() => srv.time.advance(Number.NaN)).toThrow(RangeError);
    expect(() => srv.time.set(Number.POSITIVE_INFINITY)).toThrow(RangeError);
  });

  test('each server has its own clock', async () => {
    const other = await startServer({ port: 0 });
    try {
      srv.time.freeze();
      srv.time.set(1000);
      expect(Math.abs(other.time.now() - Date.now())).toBeLessThan(5_000);
    } finally {
      await other.close();
    }
  });
});
