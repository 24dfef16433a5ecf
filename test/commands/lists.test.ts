import { test, expect } from 'vitest';
import { describeDifferential, sameEvents, seqAllowingHello } from '../support/differential.ts';



describeDifferential('list commands', (d) => {
  test('LPUSH RPUSH LPUSHX RPUSHX LLEN LRANGE', async () => {
    await seqAllowingHello(d(), [
      ['LPUSH', 'l', 'a', 'b', 'c'],
      ['RPUSH', 'l', 'x', 'y'],
      ['LRANGE', 'l', '0', '-1'],
      ['LLEN', 'l'],
      ['LLEN', 'nokey'],
      ['LPUSHX', 'nokey', 'a'],
      ['RPUSHX', 'nokey', 'a', 'b'],
      ['EXISTS', 'nokey'],
      ['LPUSHX', 'l', 'p1', 'p2'],
      ['RPUSHX', 'l', 'q1'],
      ['LRANGE', 'l', '0', '-1'],
      ['LPUSH', 'l'],
      ['RPUSH'],
      ['HSET', 's', 'f', 'v'],
      ['LPUSH', 's', 'a'],
      ['RPUSHX', 's', 'a'],
      ['LLEN', 's'],
      ['LRANGE', 's', '0', '1'],
      ['RPUSH', 'bin', '\x00\xff\r\n', '', 'é'],
      ['LRANGE', 'bin', '0', '-1'],
      ['TYPE', 'l'],
      ['OBJECT', 'ENCODING', 'l'],
    ]);
  });

  test('LRANGE index arithmetic', async () => {
    await d().same('RPUSH', 'l', '1', '2', '3', '4', '5', '6');
    const ranges = [
      ['0', '0'], ['0', '2'], ['-3', '-1'], ['-100', '100'], ['2', '1'], ['5', '5'], ['6', '10'], ['-1', '-2'],
      ['-7', '0'], ['1', '-1'], ['9223372036854775807', '-9223372036854775808'], ['-9223372036854775808', '9223372036854775807'],
    ];
    for (const [a, b] of ranges) await d().same('LRANGE', 'l', a, b);
    await seqAllowingHello(d(), [
      ['LRANGE', 'l', 'a', '1'],
      ['LRANGE', 'l', '1', '1.5'],
      ['LRANGE', 'nokey', 'x', '1'],
      ['LRANGE', 'nokey', '0', '1'],
    ]);
  });

  test('LPOP RPOP with and without count, RESP2 and RESP3', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'l', 'a', 'b', 'c', 'd', 'e'],
      ['LPOP', 'l'],
      ['RPOP', 'l'],
      ['LPOP', 'l', '2'],
      ['RPOP', 'l', '0'],
      ['RPOP', 'l', '5'],
      ['EXISTS', 'l'],
      ['LPOP', 'l'],
      ['LPOP', 'l', '1'],
      ['LPOP', 'l', '0'],
      ['LPOP', 'l', '-1'],
      ['LPOP', 'l', 'x'],
      ['LPOP', 'l', '1', '2'],
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['RPOP', 'l', '2'],
      ['LPOP', 'l', '-1'],
      ['HSET', 's', 'f', 'v'],
      ['LPOP', 's'],
      ['LPOP', 's', '0'],
      ['RPOP', 's', '-1'],
      ['HELLO', '3'],
      ['LPOP', 'nokey'],
      ['LPOP', 'nokey', '2'],
      ['RPUSH', 'l2', 'x'],
      ['RPOP', 'l2', '3'],
      ['RPOP', 'l2'],
    ]);
  });

  test('LINDEX LSET', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'l', 'a', 'b', 'c'],
      ['LINDEX', 'l', '0'],
      ['LINDEX', 'l', '-1'],
      ['LINDEX', 'l', '3'],
      ['LINDEX', 'l', '-4'],
      ['LINDEX', 'l', 'x'],
      ['LINDEX', 'nokey', 'x'],
      ['LINDEX', 'nokey', '0'],
      ['LSET', 'l', '1', 'B'],
      ['LSET', 'l', '-1', 'C'],
      ['LSET', 'l', '3', 'x'],
      ['LSET', 'l', '-4', 'x'],
      ['LSET', 'l', 'z', 'x'],
      ['LSET', 'nokey', '0', 'x'],
      ['LSET', 'nokey', 'z', 'x'],
      ['LRANGE', 'l', '0', '-1'],
      ['HSET', 's', 'f', 'v'],
      ['LINDEX', 's', '0'],
      ['LSET', 's', '0', 'x'],
      ['HELLO', '3'],
      ['LINDEX', 'l', '10'],
    ]);
  });

  test('LTRIM', async () => {
    const cases = [
      ['0', '-1'], ['1', '-1'], ['0', '0'], ['-2', '-1'], ['5', '10'], ['3', '1'], ['-100', '100'], ['2', '-3'],
    ];
    for (const [a, b] of cases) {
      await d().same('DEL', 'l');
      await d().same('RPUSH', 'l', '1', '2', '3', '4', '5');
      await d().same('LTRIM', 'l', a, b);
      await d().same('LRANGE', 'l', '0', '-1');
      await d().same('EXISTS', 'l');
    }
    await seqAllowingHello(d(), [
      ['LTRIM', 'nokey', '0', '1'],
      ['LTRIM', 'nokey', 'a', '1'],
      ['HSET', 's', 'f', 'v'],
      ['LTRIM', 's', '0', '1'],
      ['LTRIM', 's', '0', 'x'],
    ]);
  });

  test('LREM', async () => {
    for (const n of ['0', '1', '2', '-1', '-2', '10', '-10']) {
      await d().same('DEL', 'l');
      await d().same('RPUSH', 'l', 'a', 'b', 'a', 'c', 'a', 'b', 'a');
      await d().same('LREM', 'l', n, 'a');
      await d().same('LRANGE', 'l', '0', '-1');
    }
    await seqAllowingHello(d(), [
      ['LREM', 'l', '0', 'b'],
      ['LREM', 'l', '0', 'c'],
      ['EXISTS', 'l'],
      ['LREM', 'nokey', '0', 'x'],
      ['LREM', 'nokey', 'x', 'x'],
      ['HSET', 's', 'f', 'v'],
      ['LREM', 's', '0', 'x'],
    ]);
  });

  test('LINSERT', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'l', 'a', 'b', 'c', 'b'],
      ['LINSERT', 'l', 'BEFORE', 'b', 'X'],
      ['LINSERT', 'l', 'after', 'b', 'Y'],
      ['LINSERT', 'l', 'after', 'c', 'Z'],
      ['LINSERT', 'l', 'before', 'a', 'first'],
      ['LINSERT', 'l', 'after', 'nope', 'x'],
      ['LINSERT', 'l', 'middle', 'a', 'x'],
      ['LINSERT', 'nokey', 'before', 'a', 'x'],
      ['LINSERT', 'nokey', 'bad', 'a', 'x'],
      ['LRANGE', 'l', '0', '-1'],
      ['HSET', 's', 'f', 'v'],
      ['LINSERT', 's', 'before', 'a', 'x'],
    ]);
  });

  test('LPOS', async () => {
    await d().same('RPUSH', 'l', 'a', 'b', 'c', '1', '2', '3', 'c', 'c', 'a');
    const opts = [
      [], ['RANK', '1'], ['RANK', '2'], ['RANK', '-1'], ['RANK', '-2'], ['RANK', '4'], ['COUNT', '0'], ['COUNT', '1'],
      ['COUNT', '2'], ['RANK', '2', 'COUNT', '0'], ['RANK', '-1', 'COUNT', '2'], ['MAXLEN', '3'], ['MAXLEN', '7'],
      ['COUNT', '0', 'MAXLEN', '8'], ['RANK', '-1', 'MAXLEN', '2'], ['RANK', '-1', 'MAXLEN', '2', 'COUNT', '0'],
      ['RANK', '0'], ['RANK', 'x'], ['COUNT', '-1'], ['COUNT', 'x'], ['MAXLEN', '-1'], ['MAXLEN', 'x'], ['RANK'],
      ['FOO', '1'], ['COUNT', '1', 'RANK', '0'], ['RANK', '9223372036854775807'], ['RANK', '-9223372036854775808'],
      ['RANK', '-9223372036854775808', 'COUNT', '0'], ['count', '2', 'rank', '-2'],
    ];
    for (const o of opts) {
      await d().same('LPOS', 'l', 'c', ...o);
      await d().same('LPOS', 'l', 'zz', ...o);
    }
    await seqAllowingHello(d(), [
      ['LPOS', 'nokey', 'a'],
      ['LPOS', 'nokey', 'a', 'COUNT', '0'],
      ['LPOS', 'nokey', 'a', 'RANK', '0'],
      ['HSET', 's', 'f', 'v'],
      ['LPOS', 's', 'a'],
      ['HELLO', '3'],
      ['LPOS', 'l', 'zz'],
      ['LPOS', 'nokey', 'zz'],
    ]);
  });

  test('LMOVE RPOPLPUSH', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'src', 'a', 'b', 'c'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'RIGHT'],
      ['LMOVE', 'src', 'dst', 'RIGHT', 'LEFT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'src', 'dst'],
      ['EXISTS', 'src'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'src', 'dst'],
      ['LMOVE', 'src', 'dst', 'LEFT', 'LEFT'],
      ['LMOVE', 'dst', 'dst', 'LEFT', 'RIGHT'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPOPLPUSH', 'dst', 'dst'],
      ['LRANGE', 'dst', '0', '-1'],
      ['LMOVE', 'dst', 'x', 'UP', 'LEFT'],
      ['LMOVE', 'dst', 'x', 'LEFT', 'DOWN'],
      ['LMOVE', 'nokey', 'x', 'UP', 'LEFT'],
      ['HSET', 's', 'f', 'v'],
      ['LMOVE', 'dst', 's', 'LEFT', 'LEFT'],
      ['RPOPLPUSH', 's', 'dst'],
      ['RPOPLPUSH', 'nokey', 's'],
      ['LRANGE', 'dst', '0', '-1'],
      ['RPUSH', 'one', 'x'],
      ['LMOVE', 'one', 'one', 'RIGHT', 'LEFT'],
      ['LRANGE', 'one', '0', '-1'],
      ['HELLO', '3'],
      ['LMOVE', 'nokey', 'x', 'LEFT', 'LEFT'],
    ]);
  });

  test('LMPOP', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'a', '1', '2', '3'],
      ['RPUSH', 'b', 'x', 'y'],
      ['LMPOP', '2', 'nokey', 'a', 'LEFT'],
      ['LMPOP', '2', 'nokey', 'a', 'RIGHT', 'COUNT', '5'],
      ['EXISTS', 'a'],
      ['LMPOP', '3', 'a', 'nokey', 'b', 'left', 'count', '1'],
      ['LMPOP', '1', 'nokey', 'LEFT'],
      ['LMPOP', '0', 'a', 'LEFT'],
      ['LMPOP', '-1', 'a', 'LEFT'],
      ['LMPOP', 'x', 'a', 'LEFT'],
      ['LMPOP', '2', 'a', 'LEFT'],
      ['LMPOP', '1', 'a', 'MIDDLE'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '0'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', '-1'],
      ['LMPOP', '1', 'a', 'LEFT', 'COUNT', 'x'],
      ['LMPOP', '1', 'b', 'LEFT', 'COUNT', '1', 'COUNT', '1'],
      ['LMPOP', '1', 'b', 'LEFT', 'FOO'],
      ['LMPOP', '5', 'b', 'LEFT'],
      ['HSET', 's', 'f', 'v'],
      ['LMPOP', '2', 'nokey', 's', 'LEFT'],
      ['LMPOP', '2', 'b', 's', 'LEFT'],
      ['HELLO', '3'],
      ['LMPOP', '1', 'b', 'RIGHT', 'COUNT', '10'],
      ['LMPOP', '1', 'b', 'RIGHT'],
    ]);
  });

  test('randomized sequences match redis-server', async () => {
    let seed = 12345;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const vals = ['a', 'b', 'c', '1', '22', ''];
    const v = (): string => vals[rnd(vals.length)];
    const k = (): string => (rnd(3) === 0 ? 'k2' : 'k1');
    const idx = (): string => String(rnd(14) - 7);
    const gens: (() => string[])[] = [
      () => ['LPUSH', k(), v(), v()],
      () => ['RPUSH', k(), v()],
      () => ['LPUSHX', k(), v()],
      () => ['LPOP', k()],
      () => ['RPOP', k(), String(rnd(4))],
      () => ['LINSERT', k(), rnd(2) ? 'BEFORE' : 'AFTER', v(), v()],
      () => ['LREM', k(), idx(), v()],
      () => ['LSET', k(), idx(), v()],
      () => ['LTRIM', k(), idx(), idx()],
      () => ['LRANGE', k(), idx(), idx()],
      () => ['LINDEX', k(), idx()],
      () => ['LPOS', k(), v(), 'RANK', String(rnd(2) ? 1 + rnd(3) : -1 - rnd(3)), 'COUNT', String(rnd(3)), 'MAXLEN', String(rnd(6))],
      () => ['LMOVE', k(), k(), rnd(2) ? 'LEFT' : 'RIGHT', rnd(2) ? 'LEFT' : 'RIGHT'],
      () => ['LMPOP', '2', k(), k(), rnd(2) ? 'LEFT' : 'RIGHT', 'COUNT', String(1 + rnd(3))],
      () => ['LLEN', k()],
    ];
    for (let i = 0; i < 600; i++) {
      if (i % 50 === 0) await d().same('LRANGE', 'k1', '0', '-1');
      await d().same(...gens[rnd(gens.length)]());
    }
    await d().same('LRANGE', 'k1', '0', '-1');
    await d().same('LRANGE', 'k2', '0', '-1');
  });

  test('long lists', async () => {
    const items: string[] = [];
    for (let i = 0; i < 2000; i++) items.push(`e${i % 97}`);
    await d().same('RPUSH', 'l', ...items);
    await seqAllowingHello(d(), [
      ['LLEN', 'l'],
      ['LINDEX', 'l', '1500'],
      ['LRANGE', 'l', '990', '1010'],
      ['LINSERT', 'l', 'AFTER', 'e50', 'ins'],
      ['LPOS', 'l', 'e3', 'RANK', '-3', 'COUNT', '4'],
      ['LREM', 'l', '-5', 'e10'],
      ['LREM', 'l', '0', 'e11'],
      ['LSET', 'l', '-1000', 'set'],
      ['LTRIM', 'l', '100', '-100'],
      ['LRANGE', 'l', '0', '-1'],
      ['RPOP', 'l', '300'],
      ['LPOP', 'l', '300'],
      ['LLEN', 'l'],
      ['OBJECT', 'ENCODING', 'l'],
      ['COPY', 'l', 'l2'],
      ['LRANGE', 'l2', '0', '9'],
    ]);
  });

  test('keyspace events', async () => {
    await sameEvents(d(), [
        ['RPUSH', 'l', 'a', 'b', 'c', 'd'],
        ['LPUSH', 'l', 'z'],
        ['LPUSHX', 'nokey', 'z'],
        ['LPOP', 'l'],
        ['RPOP', 'l', '2'],
        ['LINSERT', 'l', 'BEFORE', 'b', 'x'],
        ['LINSERT', 'l', 'BEFORE', 'nope', 'x'],
        ['LSET', 'l', '0', 'y'],
        ['LREM', 'l', '0', 'nope'],
        ['LREM', 'l', '1', 'y'],
        ['LTRIM', 'l', '0', '-1'],
        ['LMOVE', 'l', 'm', 'LEFT', 'RIGHT'],
        ['RPOPLPUSH', 'l', 'm'],
        ['LMPOP', '1', 'm', 'LEFT', 'COUNT', '5'],
        ['RPUSH', 'l', 'a'],
        ['LTRIM', 'l', '1', '0'],
        ['PING'],
      ]);
  });
});
