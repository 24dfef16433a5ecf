import { describe, test, expect, beforeEach, afterEach } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startServer, type RunningServer } from '../../src/index.ts';
import { RawClient } from '../support/raw-client.ts';
import { describeDifferential } from '../support/differential.ts';

// Every key carries Redis's access field (robj `lru`) from its creation. The clock is the
// server's (the `time` API), so idle times here are exact, with no waiting.
describe('access times follow the server clock', () => {
  let srv: RunningServer;
  let c: RawClient;
  let dir: string;
  const idle = async (key: string) => c.call('OBJECT', 'IDLETIME', key);
  beforeEach(async () => {
    // DEBUG RELOAD writes dump.rdb there
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'redmoon-access-'));
    srv = await startServer({ port: 0, log: () => {}, dir, save: '', config: { 'enable-debug-command': 'yes' } });
    c = await RawClient.connect(srv.port);
    srv.time.freeze();
  });
  afterEach(async () => {
    c.close();
    await srv.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('a key is idle from its creation; TTL, TYPE, EXISTS and OBJECT leave it alone, TOUCH and GET do not', async () => {
    await c.call('SET', 'k', 'v');
    srv.time.advance(5_000);
    for (const cmd of [['TTL', 'k'], ['PTTL', 'k'], ['TYPE', 'k'], ['EXISTS', 'k'], ['OBJECT', 'ENCODING', 'k'], ['DEBUG', 'OBJECT', 'k']]) await c.call(...cmd);
    expect(await idle('k')).toBe(':5\r\n');
    expect(await c.call('DEBUG', 'OBJECT', 'k')).toMatch(/ lru_seconds_idle:5\r\n$/);
    await c.call('TOUCH', 'k');
    expect(await idle('k')).toBe(':0\r\n');
    srv.time.advance(3_000);
    expect(await c.call('GET', 'k')).toBe('$1\r\nv\r\n');
    expect(await idle('k')).toBe(':0\r\n');
    // a write replaces the value: a new object, idle from now
    srv.time.advance(4_000);
    await c.call('SET', 'k', 'w');
    expect(await idle('k')).toBe(':0\r\n');
  });

  test('every type is idle from creation and touched by its reads', async () => {
    await c.call('RPUSH', 'l', 'a');
    await c.call('HSET', 'h', 'f', 'v');
    await c.call('SADD', 's', 'm');
    await c.call('ZADD', 'z', '1', 'm');
    await c.call('XADD', 'x', '*', 'f', 'v');
    await c.call('SET', 'n', '12');
    srv.time.advance(7_000);
    const reads = [['LLEN', 'l'], ['HLEN', 'h'], ['SCARD', 's'], ['ZCARD', 'z'], ['XLEN', 'x'], ['INCR', 'n']];
    for (const [cmd, key] of reads) {
      expect(await idle(key)).toBe(':7\r\n');
      await c.call(cmd, key);
      expect(await idle(key)).toBe(':0\r\n');
    }
    expect(await c.call('GET', 'n')).toBe('$2\r\n13\r\n');
  });

  test('APPEND and STRLEN read and grow the value as stored; the idle time follows', async () => {
    let expected = '';
    for (let i = 0; i < 2000; i++) {
      const part = `part${i}:`;
      expected += part;
      expect(await c.call('APPEND', 'a', part)).toBe(`:${expected.length}\r\n`);
      if (i % 500 === 0) srv.time.advance(2_000);
    }
    srv.time.advance(9_000);
    expect(await idle('a')).toBe(':9\r\n');
    expect(await c.call('STRLEN', 'a')).toBe(`:${expected.length}\r\n`);
    expect(await idle('a')).toBe(':0\r\n');
    expect(await c.call('GET', 'a')).toBe(`$${expected.length}\r\n${expected}\r\n`);
    expect(await c.call('STRLEN', 'nokey')).toBe(':0\r\n');
  });

  test('RESTORE IDLETIME sets the time of last access, which then keeps counting', async () => {
    await c.call('SET', 'k', 'v');
    const dump = (await c.call('DUMP', 'k')).split('\r\n')[1];
    await c.call('RESTORE', 'r', '0', dump, 'IDLETIME', '1000');
    srv.time.advance(5_000);
    expect(await idle('r')).toBe(':1005\r\n');
    expect(await c.call('GET', 'r')).toBe('$1\r\nv\r\n');
    expect(await idle('r')).toBe(':0\r\n');
  });

  test('DEBUG RELOAD keeps idle times under an LRU policy (the RDB carries them), not otherwise', async () => {
    await c.call('SET', 'k', 'v');
    await c.call('RPUSH', 'l', 'a');
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru');
    srv.time.advance(20_000);
    expect(await c.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    expect(await idle('k')).toBe(':20\r\n');
    expect(await idle('l')).toBe(':20\r\n');
    await c.call('CONFIG', 'SET', 'maxmemory-policy', 'noeviction');
    expect(await c.call('DEBUG', 'RELOAD')).toBe('+OK\r\n');
    expect(await idle('k')).toBe(':0\r\n');
  });

  // With a sample far larger than the keyspace, missing a key is a (2/3)^400 event.
  for (const policy of ['allkeys-lru', 'allkeys-lfu', 'volatile-lru', 'volatile-lfu']) {
    test(`${policy} evicts the least recently or frequently used key first`, async () => {
      await c.call('CONFIG', 'SET', 'maxmemory-samples', '200');
      await c.call('CONFIG', 'SET', 'lfu-log-factor', '0');
      await c.call('CONFIG', 'SET', 'maxmemory-policy', policy);
      for (const k of ['old', 'a', 'b']) await c.call('SET', k, 'v'.repeat(100), 'EX', '100000');
      srv.time.advance(100_000);
      for (let i = 0; i < 5; i++) for (const k of ['a', 'b']) await c.call('GET', k);
      const used = Number(/used_memory:(\d+)/.exec(await c.call('INFO', 'memory'))![1]);
      // a little below the dataset: one key's worth of eviction
      expect(await c.call('CONFIG', 'SET', 'maxmemory', String(used - 50))).toBe('+OK\r\n');
      await c.call('CONFIG', 'SET', 'maxmemory', '0');
      expect(await c.call('EXISTS', 'old')).toBe(':0\r\n');
      expect(await c.call('EXISTS', 'a', 'b')).toBe(':2\r\n');
    });
  }

  test('a snapshot restore brings the access times back with the values', async () => {
    await c.call('SET', 'k', 'v');
    await c.call('SADD', 's', 'a');
    srv.time.advance(10_000);
    const snap = srv.snapshot();
    await c.call('GET', 'k');
    await c.call('SCARD', 's');
    srv.restore(snap);
    expect(await idle('k')).toBe(':10\r\n');
    expect(await idle('s')).toBe(':10\r\n');
  });
});

describeDifferential('LFU counters across writes, RENAME, MOVE and COPY', (d) => {
  test('an overwrite keeps the counter, RENAME and MOVE carry it, COPY starts afresh', async () => {
    await d().seq([
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
      // with lfu-log-factor 0 every access increments the counter
      ['CONFIG', 'SET', 'lfu-log-factor', '0'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['GET', 'k'],
      ['OBJECT', 'FREQ', 'k'],
      ['SET', 'k', 'w'],
      ['OBJECT', 'FREQ', 'k'],
      ['APPEND', 'k', 'x'],
      ['OBJECT', 'FREQ', 'k'],
      // (not 0..9999: Redis shares those objects, and with them one access field)
      ['SET', 'n', '1000000'],
      ['INCR', 'n'],
      ['INCR', 'n'],
      ['OBJECT', 'FREQ', 'n'],
      ['RENAME', 'k', 'k2'],
      ['OBJECT', 'FREQ', 'k2'],
      ['RPUSH', 'l', 'a'],
      ['RPUSH', 'l', 'b'],
      ['MOVE', 'l', '1'],
      ['SELECT', '1'],
      ['OBJECT', 'FREQ', 'l'],
      ['SELECT', '0'],
      ['COPY', 'k2', 'k3'],
      ['OBJECT', 'FREQ', 'k3'],
      ['OBJECT', 'FREQ', 'k2'],
      ['CONFIG', 'SET', 'lfu-log-factor', '10'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ]);
  });
});
