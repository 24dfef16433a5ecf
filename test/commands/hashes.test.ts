import { test, expect } from 'vitest';
import { describeDifferential, sameEvents, seqAllowingHello } from '../support/differential.ts';



const long = 'x'.repeat(65);

describeDifferential('hash commands', (d) => {
  test('HSET HGET HMSET HSETNX HMGET HLEN HEXISTS HSTRLEN', async () => {
    await seqAllowingHello(d(), [
      ['HSET', 'h', 'a', '1', 'b', '2'],
      ['HSET', 'h', 'a', '10', 'c', '3'],
      ['HSET', 'h', 'a'],
      ['HSET', 'h', 'a', '1', 'b'],
      ['HMSET', 'h', 'a', '1', 'b'],
      ['HMSET', 'h', 'd', '4', 'e', '5'],
      ['HSETNX', 'h', 'a', 'zz'],
      ['HSETNX', 'h', 'f', '6'],
      ['HSETNX', 'newh', 'f', '6'],
      ['HGET', 'h', 'a'],
      ['HGET', 'h', 'nope'],
      ['HGET', 'nokey', 'a'],
      ['HMGET', 'h', 'a', 'nope', 'b'],
      ['HMGET', 'nokey', 'a', 'b'],
      ['HLEN', 'h'],
      ['HLEN', 'nokey'],
      ['HEXISTS', 'h', 'a'],
      ['HEXISTS', 'h', 'nope'],
      ['HEXISTS', 'nokey', 'a'],
      ['HSTRLEN', 'h', 'a'],
      ['HSTRLEN', 'h', 'nope'],
      ['HSTRLEN', 'nokey', 'a'],
      ['HGETALL', 'h'],
      ['HKEYS', 'h'],
      ['HVALS', 'h'],
      ['HSET', 'bin', '\x00\xff', '\r\n', '', 'empty'],
      ['HGETALL', 'bin'],
      ['HGET', 'bin', ''],
      ['OBJECT', 'ENCODING', 'h'],
      ['TYPE', 'h'],
      ['HELLO', '3'],
      ['HGETALL', 'h'],
      ['HGETALL', 'nokey'],
      ['HGET', 'nokey', 'a'],
      ['HMGET', 'h', 'a', 'nope'],
      ['HKEYS', 'nokey'],
    ]);
  });

  test('wrong type', async () => {
    await seqAllowingHello(d(), [
      ['RPUSH', 'l', 'x'],
      ['HSET', 'l', 'a', '1'],
      ['HMSET', 'l', 'a', '1'],
      ['HSETNX', 'l', 'a', '1'],
      ['HGET', 'l', 'a'],
      ['HMGET', 'l', 'a'],
      ['HDEL', 'l', 'a'],
      ['HLEN', 'l'],
      ['HSTRLEN', 'l', 'a'],
      ['HEXISTS', 'l', 'a'],
      ['HKEYS', 'l'],
      ['HVALS', 'l'],
      ['HGETALL', 'l'],
      ['HINCRBY', 'l', 'a', '1'],
      ['HINCRBY', 'l', 'a', 'x'],
      ['HINCRBYFLOAT', 'l', 'a', '1'],
      ['HINCRBYFLOAT', 'l', 'a', 'x'],
      ['HRANDFIELD', 'l'],
      ['HRANDFIELD', 'l', '1'],
      ['HRANDFIELD', 'l', 'x'],
      ['HSCAN', 'l', '0'],
      ['HSCAN', 'l', 'x'],
    ]);
  });

  test('HDEL and key removal', async () => {
    await seqAllowingHello(d(), [
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      ['HDEL', 'h', 'a', 'a', 'nope'],
      ['HGETALL', 'h'],
      ['HDEL', 'h', 'b', 'c', 'd'],
      ['EXISTS', 'h'],
      ['HDEL', 'nokey', 'a'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3'],
      ['HDEL', 'h', 'b'],
      ['HSET', 'h', 'b', '22', 'd', '4'],
      ['HGETALL', 'h'],
    ]);
  });

  test('encoding conversions', async () => {
    await seqAllowingHello(d(), [
      ['HSET', 'h1', 'a', long],
      ['OBJECT', 'ENCODING', 'h1'],
      ['HSET', 'h2', long, 'a'],
      ['OBJECT', 'ENCODING', 'h2'],
      ['HSET', 'h3', 'a', 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'h3'],
      ['HSETNX', 'h4', 'a', long],
      ['OBJECT', 'ENCODING', 'h4'],
      ['HINCRBY', 'h5', long, '1'],
      ['OBJECT', 'ENCODING', 'h5'],
      ['HINCRBYFLOAT', 'h6', long, '1.5'],
      ['OBJECT', 'ENCODING', 'h6'],
      ['HSET', 'h7', 'a', '1'],
      ['HSET', 'h7', 'a', '1', 'b', long],
      ['OBJECT', 'ENCODING', 'h7'],
      ['HDEL', 'h7', 'b'],
      ['OBJECT', 'ENCODING', 'h7'],
    ]);
    const args: string[] = [];
    for (let i = 0; i < 128; i++) args.push(`f${i}`, `v${i}`);
    await d().same('HSET', 'big', ...args);
    await d().same('OBJECT', 'ENCODING', 'big');
    await d().same('HGETALL', 'big');
    await d().same('HSET', 'big', 'f0', 'new');
    await d().same('OBJECT', 'ENCODING', 'big');
    await d().same('HSET', 'big', 'one-more', 'x');
    await d().same('OBJECT', 'ENCODING', 'big');
    await d().sameUnordered('HGETALL', 'big');
    await d().sameUnordered('HKEYS', 'big');
    await d().sameUnordered('HVALS', 'big');
    await d().same('HLEN', 'big');
    await d().same('CONFIG', 'SET', 'hash-max-listpack-entries', '2');
    await d().same('HSET', 'c', 'a', '1', 'b', '2');
    await d().same('OBJECT', 'ENCODING', 'c');
    await d().same('HSET', 'c', 'c', '3');
    await d().same('OBJECT', 'ENCODING', 'c');
    await d().same('CONFIG', 'SET', 'hash-max-listpack-entries', '128');
    await d().same('CONFIG', 'SET', 'hash-max-listpack-value', '3');
    await d().same('HSET', 'e', 'abc', 'abcd');
    await d().same('OBJECT', 'ENCODING', 'e');
    await d().same('CONFIG', 'SET', 'hash-max-listpack-value', '64');
  });

  test('HINCRBY', async () => {
    await seqAllowingHello(d(), [
      ['HINCRBY', 'h', 'a', '5'],
      ['HINCRBY', 'h', 'a', '-10'],
      ['HINCRBY', 'h', 'a', 'x'],
      ['HINCRBY', 'h', 'a', '1.5'],
      ['HINCRBY', 'h', 'a', ''],
      ['HSET', 'h', 'b', 'foo', 'c', '9223372036854775806', 'd', '-9223372036854775807', 'e', ' 1', 'f', '01'],
      ['HINCRBY', 'h', 'b', '1'],
      ['HINCRBY', 'h', 'c', '1'],
      ['HINCRBY', 'h', 'c', '1'],
      ['HINCRBY', 'h', 'd', '-1'],
      ['HINCRBY', 'h', 'd', '-1'],
      ['HINCRBY', 'h', 'd', '9223372036854775807'],
      ['HINCRBY', 'h', 'e', '1'],
      ['HINCRBY', 'h', 'f', '1'],
      ['HINCRBY', 'h', 'g', '9223372036854775807'],
      ['HINCRBY', 'h', 'g', '-9223372036854775808'],
      ['HINCRBY', 'h', 'g', '9223372036854775808'],
      ['HGETALL', 'h'],
      ['HINCRBY', 'nokey', 'a', 'x'],
      ['EXISTS', 'nokey'],
    ]);
  });

  test('HINCRBYFLOAT', async () => {
    await seqAllowingHello(d(), [
      ['HINCRBYFLOAT', 'h', 'a', '1.5'],
      ['HINCRBYFLOAT', 'h', 'a', '0.25'],
      ['HINCRBYFLOAT', 'h', 'a', '-1.75'],
      ['HINCRBYFLOAT', 'h', 'a', '10'],
      ['HINCRBYFLOAT', 'h', 'a', '1e3'],
      ['HINCRBYFLOAT', 'h', 'a', '-0.5'],
      ['HINCRBYFLOAT', 'h', 'b', '3.0e2'],
      ['HINCRBYFLOAT', 'h', 'c', '-1000.125'],
      ['HINCRBYFLOAT', 'h', 'a', 'x'],
      ['HINCRBYFLOAT', 'h', 'a', ''],
      ['HINCRBYFLOAT', 'h', 'a', ' 1'],
      ['HINCRBYFLOAT', 'h', 'a', 'inf'],
      ['HINCRBYFLOAT', 'h', 'a', '-inf'],
      ['HINCRBYFLOAT', 'h', 'a', 'nan'],
      ['HSET', 'h', 's', 'foo', 'n', '5', 'sp', '1 '],
      ['HINCRBYFLOAT', 'h', 's', '1'],
      ['HINCRBYFLOAT', 'h', 'n', '1.5'],
      ['HINCRBYFLOAT', 'h', 'sp', '1'],
      ['HINCRBYFLOAT', 'h', 'z', '0'],
      ['HINCRBYFLOAT', 'h', 'm', '-0.0'],
      ['HINCRBYFLOAT', 'h', 'p', '10.5'],
      ['HINCRBYFLOAT', 'h', 'p', '0.1'],
      ['HINCRBYFLOAT', 'h', 'p', '0.1'],
      ['HINCRBYFLOAT', 'h', 'q', '3.0e3'],
      ['HINCRBYFLOAT', 'hq', 'q', '1e400'],
      ['OBJECT', 'ENCODING', 'hq'],
      ['HINCRBYFLOAT', 'hq', 'q', '-1e400'],
      ['HINCRBYFLOAT', 'h', 'r', '0x10'],
      ['HINCRBYFLOAT', 'h', 'r', '1.23456789012345678901234'],
      ['HINCRBYFLOAT', 'h', 'big', '1e18'],
      ['HINCRBYFLOAT', 'h', 'big', '1e30'],
      ['HINCRBYFLOAT', 'h', 'tiny', '1e-20'],
      ['HSET', 'h', 'i', '9223372036854775807'],
      ['HINCRBYFLOAT', 'h', 'i', '1'],
      ['HGETALL', 'h'],
      ['HINCRBYFLOAT', 'nokey', 'a', 'inf'],
      ['EXISTS', 'nokey'],
    ]);
  });

  test('HRANDFIELD', async () => {
    await seqAllowingHello(d(), [
      ['HRANDFIELD', 'nokey'],
      ['HRANDFIELD', 'nokey', '3'],
      ['HRANDFIELD', 'nokey', '-3', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey', 'x'],
      ['HSET', 'one', 'f', 'v'],
      ['HRANDFIELD', 'one'],
      ['HRANDFIELD', 'one', '1'],
      ['HRANDFIELD', 'one', '5'],
      ['HRANDFIELD', 'one', '-3'],
      ['HRANDFIELD', 'one', '-3', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '1', 'withvalues'],
      ['HRANDFIELD', 'one', '0'],
      ['HRANDFIELD', 'one', '0', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '1', 'WITHVALUE'],
      ['HRANDFIELD', 'one', '1', 'WITHVALUES', 'x'],
      ['HRANDFIELD', 'one', 'x', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '1.5'],
      ['HRANDFIELD', 'one', '-9223372036854775808'],
      ['HRANDFIELD', 'one', '-9223372036854775807', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '4611686018427387904', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '-4611686018427387904', 'WITHVALUES'],
      ['HSET', 'h', 'a', '1', 'b', '2', 'c', '3', 'd', '4'],
      ['HRANDFIELD', 'h', '4'],
      ['HRANDFIELD', 'h', '10', 'WITHVALUES'],
      ['HELLO', '3'],
      ['HRANDFIELD', 'h', '10', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '-2', 'WITHVALUES'],
      ['HRANDFIELD', 'one', '1', 'WITHVALUES'],
      ['HRANDFIELD', 'nokey'],
      ['HRANDFIELD', 'nokey', '1'],
    ]);
    // Random picks: check shape and membership.
    for (const args of [['2'], ['3', 'WITHVALUES'], ['-10'], ['-10', 'WITHVALUES']]) {
      const r = (await d().ours.command('HRANDFIELD', 'h', ...args)) as string[];
      const n = Math.abs(Number(args[0])) * (args.length > 1 ? 2 : 1);
      expect(r.length).toBe(n);
      if (args[0].startsWith('-') === false) expect(new Set(r).size).toBe(r.length);
      for (let i = 0; i < r.length; i += args.length > 1 ? 2 : 1) expect('abcd').toContain(r[i]);
    }
    const f = await d().ours.command('HRANDFIELD', 'h');
    expect(['a', 'b', 'c', 'd']).toContain(f);
  });

  test('HSCAN', async () => {
    await seqAllowingHello(d(), [
      ['HSET', 'h', 'a1', '1', 'b1', '2', 'a2', '3', '', 'e'],
      ['HSCAN', 'h', '0'],
      ['HSCAN', 'h', '0', 'MATCH', 'a*'],
      ['HSCAN', 'h', '0', 'MATCH', '*'],
      ['HSCAN', 'h', '0', 'COUNT', '1'],
      ['HSCAN', 'h', '0', 'count', '100', 'match', '?1'],
      ['HSCAN', 'h', '0', 'COUNT', '0'],
      ['HSCAN', 'h', '0', 'COUNT', '-1'],
      ['HSCAN', 'h', '0', 'COUNT', 'x'],
      ['HSCAN', 'h', '0', 'MATCH'],
      ['HSCAN', 'h', '0', 'TYPE', 'string'],
      ['HSCAN', 'h', '0', 'NOVALUES'],
      ['HSCAN', 'h', 'x'],
      ['HSCAN', 'h', '-1'],
      ['HSCAN', 'h', ''],
      ['HSCAN', 'h', ' 1'],
      ['HSCAN', 'h', '18446744073709551616'],
      ['HSCAN', 'h', '18446744073709551615'],
      ['HSCAN', 'nokey', '0'],
      ['HSCAN', 'nokey', '0', 'BAD'],
      ['HSCAN', 'nokey', 'x'],
    ]);
    const args: string[] = [];
    for (let i = 0; i < 300; i++) args.push(`field:${i}`, `v${i}`);
    await d().same('HSET', 'big', ...args);
    for (const count of ['10', '7', '1000']) {
      const got = new Map<string, string>();
      let cursor = '0';
      let rounds = 0;
      do {
        const r = (await d().ours.command('HSCAN', 'big', cursor, 'COUNT', count)) as [string, string[]];
        cursor = r[0];
        for (let i = 0; i < r[1].length; i += 2) got.set(r[1][i], r[1][i + 1]);
        rounds++;
      } while (cursor !== '0' && rounds < 1000);
      expect(got.size).toBe(300);
      expect(got.get('field:7')).toBe('v7');
    }
    const matched = new Set<string>();
    let cursor = '0';
    do {
      const r = (await d().ours.command('HSCAN', 'big', cursor, 'MATCH', 'field:1?')) as [string, string[]];
      cursor = r[0];
      for (let i = 0; i < r[1].length; i += 2) matched.add(r[1][i]);
    } while (cursor !== '0');
    expect(matched.size).toBe(10);
  });

  test('COPY keeps contents and encoding', async () => {
    await d().same('HSET', 'small', 'a', '1', 'b', '2');
    await d().same('HSET', 'large', 'a', 'x'.repeat(100));
    await seqAllowingHello(d(), [
      ['COPY', 'small', 'small2'],
      ['HSET', 'small2', 'c', '3'],
      ['HGETALL', 'small'],
      ['HGETALL', 'small2'],
      ['OBJECT', 'ENCODING', 'small2'],
      ['COPY', 'large', 'large2'],
      ['OBJECT', 'ENCODING', 'large2'],
      ['HGETALL', 'large2'],
    ]);
  });

  test('randomized sequences match redis-server', async () => {
    let seed = 777;
    const rnd = (n: number): number => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return seed % n;
    };
    const fields = ['a', 'b', 'c', 'd', '1', '', 'long'];
    const f = (): string => fields[rnd(fields.length)];
    const val = (): string => ['1', '-5', 'x', '2.5', ''][rnd(5)];
    const k = (): string => (rnd(3) === 0 ? 'k2' : 'k1');
    const gens: (() => string[])[] = [
      () => ['HSET', k(), f(), val(), f(), val()],
      () => ['HSETNX', k(), f(), val()],
      () => ['HDEL', k(), f(), f()],
      () => ['HINCRBY', k(), f(), String(rnd(7) - 3)],
      () => ['HINCRBYFLOAT', k(), f(), ['0.1', '-1.5', '3'][rnd(3)]],
      () => ['HGET', k(), f()],
      () => ['HMGET', k(), f(), f()],
      () => ['HGETALL', k()],
      () => ['HKEYS', k()],
      () => ['HVALS', k()],
      () => ['HLEN', k()],
      () => ['HSTRLEN', k(), f()],
      () => ['HEXISTS', k(), f()],
      () => ['HSCAN', k(), '0', 'MATCH', '[a-c]'],
    ];
    for (let i = 0; i < 600; i++) await d().same(...gens[rnd(gens.length)]());
    await d().same('HGETALL', 'k1');
    await d().same('OBJECT', 'ENCODING', 'k1');
  });

  test('keyspace events', async () => {
    await sameEvents(d(), [
        ['HSET', 'h', 'a', '1', 'b', '2'],
        ['HMSET', 'h', 'c', '3'],
        ['HSETNX', 'h', 'a', '1'],
        ['HSETNX', 'h', 'x', '1'],
        ['HINCRBY', 'h', 'n', '1'],
        ['HINCRBYFLOAT', 'h', 'f', '1.5'],
        ['HINCRBY', 'h', 'a', 'bad'],
        ['HDEL', 'h', 'nope'],
        ['HDEL', 'h', 'a', 'b', 'c', 'x', 'n', 'f'],
        ['PING'],
      ]);
  });
});
