import { describe, test, expect, beforeAll, afterAll, beforeEach } from 'vitest';
import { startServer, ReplyError, type RunningServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';

/** Resolves once `check` holds, polling; fails after a generous bound. */
async function until(check: () => boolean | Promise<boolean>, what: string): Promise<void> {
  for (let i = 0; i < 500; i++) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 10));
  }
  throw new Error(`timed out waiting for ${what}`);
}

describe('call() and callIn()', () => {
  let s: RunningServer;
  beforeAll(async () => {
    s = await startServer({ port: 0, log: () => {} });
  });
  afterAll(async () => {
    await s.close();
  });
  beforeEach(() => {
    s.flushall();
  });

  test('replies decode to JS values', () => {
    expect(s.call('SET', 'k', 'v')).toBe('OK');
    expect(s.call('GET', 'k')).toBe('v');
    expect(s.call('GET', 'missing')).toBeNull();
    expect(s.call('RPUSH', 'l', 'a', 'b')).toBe(2);
    expect(s.call('LRANGE', 'l', 0, -1)).toEqual(['a', 'b']);
    expect(s.call('BLPOP', 'empty', 1)).toBeNull();
    expect(s.call('HSET', 'h', 'f', 'x')).toBe(1);
    expect(s.call('HGETALL', 'h')).toEqual(['f', 'x']);
    expect(s.call('ZADD', 'z', '1.5', 'm')).toBe(1);
    expect(s.call('ZSCORE', 'z', 'm')).toBe('1.5');
    expect(s.call('PING')).toBe('PONG');
    expect(s.call<string[]>('KEYS', '*').sort()).toEqual(['h', 'k', 'l', 'z']);
  });

  test('integers beyond 2^53 come as bigint', () => {
    s.call('SET', 'n', '9007199254740992');
    expect(s.call('INCR', 'n')).toBe(9007199254740993n);
    expect(s.call('DECRBY', 'n', 2)).toBe(9007199254740991);
    s.call('SET', 'm', '-9223372036854775808');
    expect(s.call('INCRBY', 'm', 0)).toBe(-9223372036854775808n);
  });

  test('arguments: strings as UTF-8, numbers, Buffers byte for byte', () => {
    s.call('SET', 'ключ', 'héllo ✓');
    expect(s.call('GET', 'ключ')).toBe('héllo ✓');
    expect(s.call('STRLEN', 'ключ')).toBe(Buffer.byteLength('héllo ✓'));
    const bin = Buffer.from([0, 255, 13, 10, 128]);
    s.call('SET', bin, bin);
    expect(s.call('STRLEN', bin)).toBe(5);
    s.call('SET', 'num', 42);
    expect(s.call('INCRBY', 'num', 8n)).toBe(50);
    s.call('SET', 'u8', new Uint8Array([1, 2, 3]).subarray(1));
    expect(s.call('STRLEN', 'u8')).toBe(2);
    expect(() => s.call('SET', 'k', null as never)).toThrow(TypeError);
    expect(() => s.call()).toThrow(TypeError);
  });

  test('an error reply is thrown as ReplyError with Redis\'s text', () => {
    s.call('SET', 'k', 'v');
    let err: unknown;
    try {
      s.call('INCR', 'k');
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ReplyError);
    expect(err).toBeInstanceOf(Error);
    expect((err as Error).message).toBe('ERR value is not an integer or out of range');
    expect((err as Error).name).toBe('ReplyError');
    expect(() => s.call('NOSUCH', 'a')).toThrow("ERR unknown command 'NOSUCH', with args beginning with: 'a' ");
    expect(() => s.call('GET')).toThrow("ERR wrong number of arguments for 'get' command");
    expect(() => s.call('EVAL', 'return redis.error_reply("MY failure")', 0)).toThrow('MY failure');
  });

  test('MULTI/EXEC spans calls; errors inside EXEC are ReplyError elements', () => {
    s.call('SET', 's', 'str');
    expect(s.call('MULTI')).toBe('OK');
    expect(s.call('INCR', 'c')).toBe('QUEUED');
    expect(s.call('INCR', 's')).toBe('QUEUED');
    const r = s.call<unknown[]>('EXEC');
    expect(r[0]).toBe(1);
    expect(r[1]).toBeInstanceOf(ReplyError);
    expect((r[1] as Error).message).toMatch(/^ERR value is not an integer/);
  });

  test('RESP3 after HELLO 3: maps, doubles, booleans; buffers option', async () => {
    const hello = s.callIn<Map<string, unknown>>(5, 'HELLO', '3');
    expect(hello).toBeInstanceOf(Map);
    expect(hello.get('proto')).toBe(3);
    s.callIn(5, 'HSET', 'h', 'a', '1', 'b', '2');
    expect(s.callIn(5, 'HGETALL', 'h')).toEqual(new Map([['a', '1'], ['b', '2']]));
    s.callIn(5, 'ZADD', 'z', '2.5', 'm');
    expect(s.callIn(5, 'ZSCORE', 'z', 'm')).toBe(2.5);
    expect(s.callIn(5, 'EVAL', 'return redis.setresp(3) or {double=1.25}', 0)).toBe(1.25);
    expect(s.callIn(5, 'EVAL', "redis.setresp(3); return redis.call('HGETALL', KEYS[1])", 1, 'h')).toEqual(new Map([['a', '1'], ['b', '2']]));
    // Database 0's client still speaks RESP2.
    s.call('HSET', 'h', 'a', '1');
    expect(s.call('HGETALL', 'h')).toEqual(['a', '1']);

    const b = await startServer({ port: 0, log: () => {}, buffers: true });
    try {
      b.call('SET', 'k', Buffer.from([0xff, 0]));
      expect(b.call('GET', 'k')).toEqual(Buffer.from([0xff, 0]));
      expect(b.call('SET', 'k', 'x')).toBe('OK');
      b.call('RPUSH', 'l', 'a');
      expect(b.call('LRANGE', 'l', 0, -1)).toEqual([Buffer.from('a')]);
      expect(b.call('STRLEN', 'k')).toBe(1);
    } finally {
      await b.close();
    }
  });

  test('callIn runs on another database; SELECT lasts one call', () => {
    s.callIn(3, 'SET', 'x', '1');
    expect(s.callIn(3, 'DBSIZE')).toBe(1);
    expect(s.call('DBSIZE')).toBe(0);
    expect(s.call('SELECT', 3)).toBe('OK');
    expect(s.call('DBSIZE')).toBe(0);
    expect(() => s.callIn(16, 'PING')).toThrow(RangeError);
    expect(() => s.callIn(-1, 'PING')).toThrow(RangeError);
  });

  test('commands that reply several times return an array of the replies', () => {
    expect(s.callIn(7, 'SUBSCRIBE', 'a', 'b')).toEqual([
      ['subscribe', 'a', 1],
      ['subscribe', 'b', 2],
    ]);
    expect(s.callIn(7, 'UNSUBSCRIBE')).toEqual([
      ['unsubscribe', 'a', 1],
      ['unsubscribe', 'b', 0],
    ]);
    expect(s.callIn(7, 'CLIENT', 'REPLY', 'OFF')).toBeNull();
    expect(s.callIn(7, 'PING')).toBeNull();
    expect(s.callIn(7, 'CLIENT', 'REPLY', 'ON')).toBe('OK');
  });

  test('network clients see what call() does: notifications, WATCH, tracking, blocked clients', async () => {
    s.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const sub = await RawClient.connect(s.port);
    const watcher = await RawClient.connect(s.port);
    const tracker = await RawClient.connect(s.port);
    const blocked = await RawClient.connect(s.port);
    try {
      await sub.call('SUBSCRIBE', '__keyspace@0__:w');
      await watcher.call('WATCH', 'w');
      await tracker.call('HELLO', '3');
      await tracker.call('CLIENT', 'TRACKING', 'on');
      await tracker.call('GET', 'w');
      const pop = blocked.call('BLPOP', 'q', '0');
      await until(() => s.call<string>('INFO', 'clients').includes('blocked_clients:1'), 'BLPOP to block');

      s.call('SET', 'w', 'changed');
      expect(await sub.readRaw()).toContain('$3\r\nset\r\n');
      expect(await tracker.readRaw()).toBe('>2\r\n$10\r\ninvalidate\r\n*1\r\n$1\r\nw\r\n');
      await watcher.call('MULTI');
      await watcher.call('PING');
      expect(await watcher.call('EXEC')).toBe('*-1\r\n');

      s.call('RPUSH', 'q', 'job');
      expect(await pop).toBe('*2\r\n$1\r\nq\r\n$3\r\njob\r\n');
    } finally {
      s.call('CONFIG', 'SET', 'notify-keyspace-events', '');
      for (const c of [sub, watcher, tracker, blocked]) c.close();
    }
  });

  test('CLIENT PAUSE holds network clients, not call()', async () => {
    const c = await RawClient.connect(s.port);
    try {
      s.call('CLIENT', 'PAUSE', '60000', 'WRITE');
      expect(s.call('SET', 'k', 'v')).toBe('OK');
      const held = c.call('SET', 'k', 'net');
      expect(await c.drain(50)).toBe('');
      s.call('CLIENT', 'UNPAUSE');
      expect(await held).toBe('+OK\r\n');
      expect(s.call('GET', 'k')).toBe('net');
    } finally {
      c.close();
    }
  });

  test('in-process clients do not show in CLIENT LIST', async () => {
    s.call('PING');
    s.callIn(2, 'PING');
    expect(s.call<string>('CLIENT', 'LIST')).not.toContain('addr= ');
  });
});

describe('call() bookkeeping', () => {
  test('in-process commands count in INFO commandstats; fast ones are not timed', async () => {
    const s = await startServer({ port: 0, log: () => {} });
    try {
      for (let i = 0; i < 3; i++) s.call('GET', 'k');
      s.call('SET', 'k', 'v');
      const stats = s.call<string>('INFO', 'commandstats');
      expect(stats).toMatch(/cmdstat_get:calls=3,usec=0,/);
      expect(stats).toMatch(/cmdstat_set:calls=1,/);
      // With a slowlog threshold under 1 ms every command is timed and can be logged.
      s.call('CONFIG', 'SET', 'slowlog-log-slower-than', '0');
      s.call('GET', 'k');
      expect(s.call<unknown[][]>('SLOWLOG', 'GET', 1)[0][3]).toEqual(['GET', 'k']);
    } finally {
      await s.close();
    }
  });
});
