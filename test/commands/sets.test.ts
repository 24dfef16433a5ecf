import { test, expect } from 'vitest';
import { describeDifferential, sameEvents, seqAllowingHello } from '../support/differential.ts';



function range(a: number, b: number): string[] {
  const r: string[] = [];
  for (let i = a; i <= b; i++) r.push(String(i));
  return r;
}

describeDifferential('set commands', (d) => {
  test('SADD SREM SCARD SISMEMBER SMISMEMBER SMEMBERS on intsets', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 's', '5', '3', '-1', '100', '3'],
      ['SMEMBERS', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['SADD', 's', '9223372036854775807', '-9223372036854775808', '0'],
      ['SMEMBERS', 's'],
      ['OBJECT', 'ENCODING', 's'],
      ['SCARD', 's'],
      ['SCARD', 'nokey'],
      ['SISMEMBER', 's', '5'],
      ['SISMEMBER', 's', '05'],
      ['SISMEMBER', 's', '6'],
      ['SISMEMBER', 's', 'x'],
      ['SISMEMBER', 'nokey', '1'],
      ['SMISMEMBER', 's', '5', 'x', '-1', '7'],
      ['SMISMEMBER', 'nokey', '5', 'x'],
      ['SREM', 's', '5', '5', 'x', '05', '-1'],
      ['SMEMBERS', 's'],
      ['SREM', 'nokey', 'a'],
      ['SREM', 's', ...range(-10, 200), '9223372036854775807', '-9223372036854775808'],
      ['EXISTS', 's'],
      ['SMEMBERS', 'nokey'],
      ['HELLO', '3'],
      ['SADD', 's', '3', '1', '2'],
      ['SMEMBERS', 's'],
      ['SMEMBERS', 'nokey'],
      ['SMISMEMBER', 's', '1', '9'],
    ]);
  });

  test('intset conversions', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 'a', '01'],
      ['OBJECT', 'ENCODING', 'a'],
      ['SADD', 'b', '1', 'x'],
      ['OBJECT', 'ENCODING', 'b'],
      ['SREM', 'b', 'x'],
      ['OBJECT', 'ENCODING', 'b'],
      ['SADD', 'c', '9223372036854775808'],
      ['OBJECT', 'ENCODING', 'c'],
      ['SADD', 'd', '-0'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SADD', 'e', '+1'],
      ['OBJECT', 'ENCODING', 'e'],
      ['SADD', 'f', ' 1'],
      ['OBJECT', 'ENCODING', 'f'],
      ['SADD', 'g', 'x', '1'],
      ['OBJECT', 'ENCODING', 'g'],
      ['SADD', 'big', ...range(1, 512)],
      ['OBJECT', 'ENCODING', 'big'],
      ['SADD', 'big', '512'],
      ['OBJECT', 'ENCODING', 'big'],
      ['SADD', 'big', '513'],
      ['OBJECT', 'ENCODING', 'big'],
      ['SREM', 'big', '513'],
      ['OBJECT', 'ENCODING', 'big'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '2'],
      ['SADD', 'small', '1', '2'],
      ['OBJECT', 'ENCODING', 'small'],
      ['SADD', 'small', '3'],
      ['OBJECT', 'ENCODING', 'small'],
      ['CONFIG', 'SET', 'set-max-intset-entries', '512'],
    ]);
    await d().sameUnordered('SMEMBERS', 'b');
    await d().sameUnordered('SMEMBERS', 'big');
  });

  test('hashtable sets', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 's', 'a', 'b', 'c', '\x00\xff', '', 'a'],
      ['SCARD', 's'],
      ['SISMEMBER', 's', ''],
      ['SISMEMBER', 's', '\x00\xff'],
      ['SMISMEMBER', 's', 'a', 'z'],
      ['SREM', 's', 'a', 'z'],
      ['OBJECT', 'ENCODING', 's'],
    ]);
    await d().sameUnordered('SMEMBERS', 's');
  });

  test('wrong type and arity', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'l', 'x'],
      ['SADD', 'l', 'a'],
      ['SREM', 'l', 'a'],
      ['SCARD', 'l'],
      ['SISMEMBER', 'l', 'a'],
      ['SMISMEMBER', 'l', 'a'],
      ['SMEMBERS', 'l'],
      ['SPOP', 'l'],
      ['SPOP', 'l', '1'],
      ['SPOP', 'l', '-1'],
      ['SRANDMEMBER', 'l'],
      ['SRANDMEMBER', 'l', '1'],
      ['SRANDMEMBER', 'l', 'x'],
      ['SINTER', 'l'],
      ['SINTER', 'nokey', 'l'],
      ['SINTERSTORE', 'd', 'nokey', 'l'],
      ['SINTERCARD', '2', 'nokey', 'l'],
      ['SUNION', 'l', 'nokey'],
      ['SDIFF', 'nokey', 'l'],
      ['SUNIONSTORE', 'd', 'l'],
      ['SDIFFSTORE', 'd', 'l'],
      ['SMOVE', 'l', 'd', 'x'],
      ['SSCAN', 'l', '0'],
      ['SADD', 'l'],
      ['SMISMEMBER', 'l'],
      ['SPOP', 'l', '1', '2'],
      ['SRANDMEMBER', 'l', '1', '2'],
    ]);
  });

  test('SPOP and SRANDMEMBER', async () => {
    await seqAllowingHello(d(), [
      ['SPOP', 'nokey'],
      ['SPOP', 'nokey', '2'],
      ['SPOP', 'nokey', '0'],
      ['SPOP', 'nokey', '-1'],
      ['SPOP', 'nokey', 'x'],
      ['SRANDMEMBER', 'nokey'],
      ['SRANDMEMBER', 'nokey', '2'],
      ['SRANDMEMBER', 'nokey', '-2'],
      ['SRANDMEMBER', 'nokey', 'x'],
      ['SRANDMEMBER', 'nokey', '-9223372036854775808'],
      ['SADD', 'one', 'x'],
      ['SPOP', 'one', '0'],
      ['SRANDMEMBER', 'one'],
      ['SRANDMEMBER', 'one', '1'],
      ['SRANDMEMBER', 'one', '-3'],
      ['SRANDMEMBER', 'one', '0'],
      ['SPOP', 'one'],
      ['EXISTS', 'one'],
      ['SADD', 'i', '3', '1', '2'],
      ['SRANDMEMBER', 'i', '3'],
      ['SRANDMEMBER', 'i', '10'],
      ['SPOP', 'i', '3'],
      ['EXISTS', 'i'],
      ['SADD', 'm', 'x', '3', '1', '2'],
      ['SREM', 'm', 'x'],
      ['SPOP', 'm', '5'],
      ['HELLO', '3'],
      ['SPOP', 'nokey'],
      ['SPOP', 'nokey', '2'],
      ['SADD', 'i', '3', '1', '2'],
      ['SPOP', 'i', '0'],
      ['SPOP', 'i', '3'],
      ['SRANDMEMBER', 'nokey'],
    ]);
    await d().same('SADD', 'h', 'a', 'b', 'c', 'd', 'e', 'f');
    await d().sameUnordered('SRANDMEMBER', 'h', '6');
    await d().sameUnordered('SRANDMEMBER', 'h', '60');
    const all = ['a', 'b', 'c', 'd', 'e', 'f'];
    for (const n of [2, 4, 5]) {
      const r = (await d().ours.command('SRANDMEMBER', 'h', String(n))) as string[];
      expect(r.length).toBe(n);
      expect(new Set(r).size).toBe(n);
      for (const m of r) expect(all).toContain(m);
    }
    const neg = (await d().ours.command('SRANDMEMBER', 'h', '-20')) as string[];
    expect(neg.length).toBe(20);
    for (const m of neg) expect(all).toContain(m);
    // SPOP with count, both strategies, and the key's encoding afterwards.
    for (const [size, count] of [
      [20, 3],
      [20, 18],
      [600, 5],
      [600, 590],
    ]) {
      await d().same('DEL', 'p');
      await d().same('SADD', 'p', ...range(1, size), 'x');
      await d().same('SREM', 'p', 'x');
      const r = (await d().ours.command('SPOP', 'p', String(count))) as string[];
      expect(r.length).toBe(count);
      expect(new Set(r).size).toBe(count);
      const left = (await d().ours.command('SMEMBERS', 'p')) as string[];
      expect(left.length).toBe(size - count);
      for (const m of r) expect(left).not.toContain(m);
      const real = await d().real.command('SPOP', 'p', String(count));
      expect((real as string[]).length).toBe(count);
      await d().same('OBJECT', 'ENCODING', 'p');
      await d().same('SCARD', 'p');
    }
    await d().same('DEL', 'p');
    await d().same('SADD', 'p', ...range(1, 50));
    for (let i = 0; i < 5; i++) {
      const { real, ours } = await d().both('SPOP', 'p');
      expect(ours).toMatch(/^\$\d+\r\n\d+\r\n$/);
      expect(real).toMatch(/^\$\d+\r\n\d+\r\n$/);
    }
    await d().same('SCARD', 'p');
  });

  test('SMOVE', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 'a', '1', '2', 'x'],
      ['SADD', 'b', '5'],
      ['SMOVE', 'a', 'b', '1'],
      ['SMEMBERS', 'b'],
      ['SMOVE', 'a', 'b', 'nope'],
      ['SMOVE', 'a', 'b', 'x'],
      ['OBJECT', 'ENCODING', 'b'],
      ['SMOVE', 'a', 'a', '2'],
      ['SMOVE', 'a', 'a', 'zz'],
      ['SMOVE', 'a', 'new', '2'],
      ['EXISTS', 'a'],
      ['SMEMBERS', 'new'],
      ['OBJECT', 'ENCODING', 'new'],
      ['SMOVE', 'nokey', 'b', '1'],
      ['RPUSH', 'l', 'x'],
      ['SMOVE', 'nokey', 'l', '1'],
      ['SMOVE', 'b', 'l', '1'],
      ['SMOVE', 'l', 'b', '1'],
      ['SADD', 'c', '5'],
      ['SMOVE', 'b', 'c', '5'],
      ['SMEMBERS', 'c'],
    ]);
  });

  test('SINTER SUNION SDIFF and STORE variants', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 'i1', '1', '2', '3', '4', '5'],
      ['SADD', 'i2', '3', '4', '5', '6'],
      ['SADD', 'i3', '5', '4', '10'],
      ['SADD', 'h1', '1', '2', '3', 'x', 'y'],
      ['SADD', 'h2', 'x', '3', 'z'],
      ['SINTER', 'i1', 'i2'],
      ['SINTER', 'i1', 'i2', 'i3'],
      ['SINTER', 'i1', 'h1'],
      ['SINTER', 'i1', 'nokey'],
      ['SINTER', 'i1', 'i1'],
      ['SUNION', 'i1', 'i2', 'nokey'],
      ['SUNION', 'nokey'],
      ['SDIFF', 'i1', 'i2'],
      ['SDIFF', 'i1', 'i2', 'i3'],
      ['SDIFF', 'i1', 'i1'],
      ['SDIFF', 'i1', 'nokey'],
      ['SDIFF', 'nokey', 'i1'],
      ['SDIFF', 'h1', 'h2', 'i1'],
      ['SINTERSTORE', 'd', 'i1', 'i2'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'h1', 'h2'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'h1', 'i1'],
      ['SMEMBERS', 'd'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SINTERSTORE', 'd', 'i1', 'nokey'],
      ['EXISTS', 'd'],
      ['SINTERSTORE', 'd', 'i1', 'nokey'],
      ['SUNIONSTORE', 'd', 'i1', 'i2'],
      ['SMEMBERS', 'd'],
      ['SUNIONSTORE', 'd', 'h1', 'h2'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SDIFFSTORE', 'd', 'h1', 'h2'],
      ['OBJECT', 'ENCODING', 'd'],
      ['SDIFFSTORE', 'd', 'h1', 'h1'],
      ['EXISTS', 'd'],
      ['SDIFFSTORE', 'd', 'nokey'],
      ['SUNIONSTORE', 'd', 'nokey'],
      ['SUNIONSTORE', 'i1', 'i1', 'i2'],
      ['SMEMBERS', 'i1'],
      ['SET', 'str', 'v'],
      ['EXPIRE', 'i2', '100'],
      ['SINTERSTORE', 'i2', 'i2', 'i3'],
      ['TTL', 'i2'],
      ['HELLO', '3'],
      ['SINTER', 'i3', 'i1'],
      ['SUNION', 'i3'],
      ['SDIFF', 'i3', 'nokey'],
      ['SINTER', 'nokey', 'i1'],
      ['SUNION', 'nokey'],
    ]);
    await d().sameUnordered('SINTER', 'h1', 'h2');
    await d().sameUnordered('SINTER', 'h1', 'i1');
    await d().sameUnordered('SDIFF', 'h1', 'x');
    await d().sameUnordered('SUNION', 'h1', 'h2');
    await d().sameUnordered('SDIFF', 'h1', 'h2');
    await d().sameUnordered('SMEMBERS', 'd');
  });

  test('SINTERCARD', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 'a', '1', '2', '3', '4', 'x'],
      ['SADD', 'b', '2', '3', '4', 'x', 'y'],
      ['SINTERCARD', '2', 'a', 'b'],
      ['SINTERCARD', '1', 'a'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '2'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['SINTERCARD', '2', 'a', 'b', 'limit', '100'],
      ['SINTERCARD', '2', 'a', 'nokey'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
      ['SINTERCARD', '2', 'a', 'b', 'LIMIT'],
      ['SINTERCARD', '2', 'a', 'b', 'FOO', '1'],
      ['SINTERCARD', '0', 'a'],
      ['SINTERCARD', '-1', 'a'],
      ['SINTERCARD', 'x', 'a'],
      ['SINTERCARD', '3', 'a', 'b'],
      ['SINTERCARD', '1', 'a', 'b'],
    ]);
  });

  test('SSCAN', async () => {
    await seqAllowingHello(d(), [
      ['SADD', 'i', '3', '1', '22', '-5'],
      ['SSCAN', 'i', '0'],
      ['SSCAN', 'i', '0', 'MATCH', '*2*'],
      ['SSCAN', 'i', '0', 'COUNT', '1'],
      ['SSCAN', 'i', '7'],
      ['SSCAN', 'i', '0', 'COUNT', '0'],
      ['SSCAN', 'i', '0', 'MATCH'],
      ['SSCAN', 'i', '0', 'TYPE', 'set'],
      ['SSCAN', 'i', 'abc'],
      ['SSCAN', 'nokey', '0'],
      ['SSCAN', 'nokey', '0', 'COUNT', '0'],
      ['SADD', 'h', 'a', 'b', 'c'],
    ]);
    await d().sameUnordered('SSCAN', 'h', '0');
    await d().sameUnordered('SSCAN', 'h', '0', 'MATCH', '[ab]');
    await d().same('SADD', 'ten', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j');
    // COUNT 100 covers every bucket of a 10-member hashtable: Redis ends in one call whatever its hash seed.
    await d().sameUnordered('SSCAN', 'ten', '0', 'COUNT', '100');
    const members: string[] = [];
    for (let i = 0; i < 1000; i++) members.push(`m:${i}`);
    await d().same('SADD', 'big', ...members);
    const got = new Set<string>();
    let cursor = '0';
    let n = 0;
    do {
      const r = (await d().ours.command('SSCAN', 'big', cursor, 'COUNT', '33')) as [string, string[]];
      cursor = r[0];
      for (const m of r[1]) got.add(m);
      if (n === 3) await d().ours.command('SREM', 'big', 'm:999', 'm:0');
      n++;
    } while (cursor !== '0' && n < 1000);
    expect(got.size).toBeGreaterThanOrEqual(998);
    for (let i = 1; i < 999; i++) expect(got.has(`m:${i}`)).toBe(true);
  });

  test('WATCH sees only real modifications', async () => {
    await d().same('SADD', 's', '1', 'a');
    await d().same('HSET', 'h', 'f', 'v');
    await d().same('RPUSH', 'l', 'a', 'b');
    const p = await d().pair();
    try {
      const noops = [
        ['SADD', 's', '1'],
        ['SREM', 's', 'zz'],
        ['SMOVE', 's', 't', 'zz'],
        ['HDEL', 'h', 'zz'],
        ['LREM', 'l', '0', 'zz'],
        ['LINSERT', 'l', 'BEFORE', 'zz', 'x'],
        ['LPUSHX', 'nokey', 'x'],
        ['SINTERSTORE', 'nokey', 's', 'nokey2'],
      ];
      const writes = [
        ['SADD', 's', '2'],
        ['SREM', 's', '2'],
        ['HSET', 'h', 'f', 'v'],
        ['HINCRBY', 'h', 'n', '0'],
        ['LTRIM', 'l', '0', '-1'],
        ['LSET', 'l', '0', 'a'],
        ['RPOPLPUSH', 'l', 'l'],
        ['SPOP', 's', '0'],
      ];
      for (const [cmds, key] of [
        [noops, 's h l nokey'],
        [writes, 's h l'],
      ] as const) {
        for (const c of cmds) {
          await d().same('WATCH', ...key.split(' '));
          await Promise.all([p.real.call(...c), p.ours.call(...c)]);
          await d().same('MULTI');
          await d().same('PING');
          await d().same('EXEC');
        }
      }
    } finally {
      p.real.close();
      p.ours.close();
    }
  });

  test('inside MULTI', async () => {
    await d().seq([
      ['RPUSH', 'l', 'x'],
      ['MULTI'],
      ['SADD', 's', '1', '2'],
      ['SADD', 'l', '1'],
      ['SMEMBERS', 's'],
      ['HSET', 'h', 'a', '1'],
      ['HGETALL', 'h'],
      ['LPOP', 'l'],
      ['LPOP', 'l'],
      ['EXEC'],
    ]);
  });

  test('COPY keeps contents and encoding', async () => {
    await d().same('SADD', 'i', '3', '1', '2');
    await d().same('SADD', 'h', 'a');
    await seqAllowingHello(d(), [
      ['COPY', 'i', 'i2'],
      ['SADD', 'i2', '0'],
      ['SMEMBERS', 'i'],
      ['SMEMBERS', 'i2'],
      ['OBJECT', 'ENCODING', 'i2'],
      ['COPY', 'h', 'h2'],
      ['OBJECT', 'ENCODING', 'h2'],
      ['SMEMBERS', 'h2'],
    ]);
  });

  test('randomized sequences match redis-server', async () => {
    let seed = 4242;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const m = (): string => (rnd(12) === 0 ? ['x', 'y', '01'][rnd(3)] : String(rnd(20) - 5));
    const k = (): string => ['k1', 'k2', 'k3'][rnd(3)];
    const ordered: (() => string[])[] = [
      () => ['SADD', k(), m(), m()],
      () => ['SREM', k(), m(), m()],
      () => ['SMOVE', k(), k(), m()],
      () => ['SISMEMBER', k(), m()],
      () => ['SMISMEMBER', k(), m(), m()],
      () => ['SCARD', k()],
      () => ['SINTERCARD', '2', k(), k(), 'LIMIT', String(rnd(4))],
      () => ['SINTERSTORE', 'd', k(), k()],
      () => ['SUNIONSTORE', 'd', k(), k()],
      () => ['SDIFFSTORE', 'd', k(), k(), k()],
      () => ['OBJECT', 'ENCODING', k()],
    ];
    const unordered: (() => string[])[] = [
      () => ['SMEMBERS', k()],
      () => ['SINTER', k(), k()],
      () => ['SUNION', k(), k()],
      () => ['SDIFF', k(), k()],
      () => ['SMEMBERS', 'd'],
    ];
    for (let i = 0; i < 600; i++) {
      if (rnd(4) === 0) {
        const cmd = unordered[rnd(unordered.length)]();
        // Intsets (and results built as intsets) reply in ascending order: compare exactly.
        const enc = cmd[0] === 'SMEMBERS' ? await d().real.command('OBJECT', 'ENCODING', cmd[1]) : null;
        if (enc === 'intset') await d().same(...cmd);
        else await d().sameUnordered(...cmd);
      } else {
        await d().same(...ordered[rnd(ordered.length)]());
      }
    }
  });

  test('keyspace events', async () => {
    await sameEvents(d(), [
        ['SADD', 's', '1', '2', '3'],
        ['SADD', 's', '1'],
        ['SREM', 's', 'nope'],
        ['SREM', 's', '1'],
        ['SMOVE', 's', 't', '2'],
        ['SMOVE', 's', 't', '3'],
        ['SADD', 'u', '1', '2', '3', '4'],
        ['SINTERSTORE', 'd', 'u', 't'],
        ['SUNIONSTORE', 'd', 'u', 't'],
        ['SDIFFSTORE', 'd', 'u', 't'],
        ['SINTERSTORE', 'd', 'u', 'nokey'],
        ['SUNIONSTORE', 'd', 'nokey'],
        ['SPOP', 'u', '0'],
        ['SPOP', 'u', '10'],
        ['SADD', 'v', '1'],
        ['SPOP', 'v'],
        ['PING'],
      ]);
  });
});
