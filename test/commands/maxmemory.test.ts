import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { decode } from '../support/resp-reader.ts';

// maxmemory far below what either process uses: every command sees used > maxmemory.
describeDifferential('maxmemory', (d) => {
  test('noeviction refuses denyoom commands with the OOM error; reads and deletes still run', async () => {
    await d().seq([
      ['SET', 'a', '1'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['SET', 'b', '2'],
      ['GET', 'a'],
      ['DEL', 'a'],
      ['LPUSH', 'l', 'x'],
      ['MULTI'],
      ['GET', 'a'],
      ['DISCARD'],
      ['INCR', 'a'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['SET', 'b', '2'],
    ]);
  });

  test('allkeys-random evicts every key, with evicted events, and then refuses writes', async () => {
    await d().seq([
      ['CONFIG', 'SET', 'notify-keyspace-events', 'Ee'],
      ['MSET', 'k1', 'v', 'k2', 'v', 'k3', 'v'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-random'],
    ]);
    const p = await d().pair();
    try {
      const [r, o] = await Promise.all([p.real.call('SUBSCRIBE', '__keyevent@0__:evicted'), p.ours.call('SUBSCRIBE', '__keyevent@0__:evicted')]);
      expect(o).toBe(r);
      await d().same('CONFIG', 'SET', 'maxmemory', '1');
      await d().same('DBSIZE');
      await d().same('SET', 'x', 'y');
      await d().same('CONFIG', 'SET', 'maxmemory', '0');
      const evicted = async (raw: string) => {
        const buf = Buffer.from(raw, 'latin1');
        const keys: string[] = [];
        for (let pos = 0; pos < buf.length; ) {
          const m = decode(buf, pos);
          if (!m) break;
          pos = m.end;
          keys.push((m.value as string[])[2]);
        }
        return keys.sort();
      };
      expect(await evicted(await p.ours.drain(100))).toEqual(await evicted(await p.real.drain(100)));
    } finally {
      p.real.close();
      p.ours.close();
    }
    await d().same('CONFIG', 'SET', 'notify-keyspace-events', '');
  });
});

describeDifferential('LFU access frequency', (d) => {
  test('CONFIG SET maxmemory below the used memory evicts at once, before any write', async () => {
    await d().seq([
      ['MSET', 'k1', 'v', 'k2', 'v'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lru'],
      ['CONFIG', 'SET', 'maxmemory', '1'],
      ['DBSIZE'],
      ['CONFIG', 'SET', 'maxmemory', '0'],
      ['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'],
    ]);
  });

  test('OBJECT FREQ starts at 5, grows with accesses, follows RESTORE FREQ', async () => {
    await d().seq([
      ['CONFIG', 'SET', 'maxmemory-policy', 'allkeys-lfu'],
      ['SET', 'k', 'v'],
      ['OBJECT', 'FREQ', 'k'],
      ['OBJECT', 'IDLETIME', 'k'],
      ['OBJECT', 'FREQ', 'nokey'],
    ]);
    // 200 accesses with lfu-log-factor 0: every access increments the counter.
    await d().same('CONFIG', 'SET', 'lfu-log-factor', '0');
    for (let i = 0; i < 200; i++) await d().both('GET', 'k');
    await d().same('OBJECT', 'FREQ', 'k');
    await d().same('CONFIG', 'SET', 'lfu-log-factor', '10');
    const dump = await d().real.command('DUMP', 'k');
    await d().same('RESTORE', 'r', '0', dump as string, 'FREQ', '100');
    await d().same('OBJECT', 'FREQ', 'r');
    await d().seq([['CONFIG', 'SET', 'maxmemory-policy', 'noeviction'], ['OBJECT', 'FREQ', 'k']]);
  });
});

describeDifferential('keyspace hits, misses and keymiss', (d) => {
  test('read lookups count and missing keys fire keymiss', async () => {
    await d().seq([['CONFIG', 'SET', 'notify-keyspace-events', 'Em'], ['CONFIG', 'RESETSTAT'], ['SET', 'a', '1']]);
    const p = await d().pair();
    try {
      const [r, o] = await Promise.all([p.real.call('SUBSCRIBE', '__keyevent@0__:keymiss'), p.ours.call('SUBSCRIBE', '__keyevent@0__:keymiss')]);
      expect(o).toBe(r);
      await d().seq([['GET', 'a'], ['GET', 'nokey'], ['MGET', 'a', 'nokey2', 'a'], ['LRANGE', 'nolist', '0', '-1'], ['SET', 'b', '2'], ['APPEND', 'c', 'x'], ['PING']]);
      const stats = async (raw: string) => raw.split('\r\n').filter((l) => l.startsWith('keyspace_')).join(',');
      const [ri, oi] = await Promise.all([d().real.call('INFO', 'stats'), d().ours.call('INFO', 'stats')]);
      expect(await stats(oi)).toBe(await stats(ri));
      expect(await p.ours.drain(100)).toBe(await p.real.drain(100));
    } finally {
      p.real.close();
      p.ours.close();
    }
    await d().same('CONFIG', 'SET', 'notify-keyspace-events', '');
  });
});
