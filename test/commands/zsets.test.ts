import { test } from 'vitest';
import { describeDifferential, seqAllowingHello } from '../support/differential.ts';


/** ZADD args: score member pairs, member `${prefix}${i}` with score f(i). */
function pairs(n: number, prefix = 'm', f: (i: number) => number = (i) => i): string[] {
  const r: string[] = [];
  for (let i = 0; i < n; i++) r.push(String(f(i)), `${prefix}${i}`);
  return r;
}

describeDifferential('sorted set commands', (d) => {
  test('ZADD basics, options and errors', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZADD', 'z', '1', 'a', '5', 'b'],
      ['ZADD', 'z', 'CH', '1', 'a', '6', 'b', '7', 'd'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'NX', '100', 'a', '8', 'e'],
      ['ZADD', 'z', 'XX', '100', 'a', '8', 'f'],
      ['ZADD', 'z', 'XX', 'CH', '101', 'a', '8', 'f'],
      ['ZADD', 'z', 'GT', 'CH', '50', 'a', '200', 'b', '1', 'new'],
      ['ZADD', 'z', 'LT', 'CH', '50', 'a', '300', 'b', '1', 'new2'],
      ['ZADD', 'z', 'XX', 'GT', 'CH', '1000', 'a', '1', 'b'],
      ['ZADD', 'z', 'xx', 'lt', 'ch', '1000', 'a', '1', 'b'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'INCR', '5', 'a'],
      ['ZADD', 'z', 'INCR', '5', 'nope', 'NX'],
      ['ZADD', 'z', 'NX', 'INCR', '5', 'a'],
      ['ZADD', 'z', 'XX', 'INCR', '5', 'missing'],
      ['ZADD', 'z', 'GT', 'INCR', '-5', 'a'],
      ['ZADD', 'z', 'LT', 'INCR', '-5', 'a'],
      ['ZADD', 'z', 'INCR', '1', 'a', '2', 'b'],
      ['ZADD', 'z', 'NX', 'XX', '1', 'a'],
      ['ZADD', 'z', 'GT', 'LT', '1', 'a'],
      ['ZADD', 'z', 'GT', 'NX', '1', 'a'],
      ['ZADD', 'z', 'LT', 'NX', '1', 'a'],
      ['ZADD', 'z', 'NX', 'XX', 'GT', '1'],
      ['ZADD', 'z', '1'],
      ['ZADD', 'z', 'NX'],
      ['ZADD', 'z', '1', 'a', '2'],
      ['ZADD', 'z', 'x', 'a'],
      ['ZADD', 'z', 'nan', 'a'],
      ['ZADD', 'z', '1', 'a', 'bad', 'b'],
      ['ZADD', 'z', ' 1', 'a'],
      ['ZADD', 'z', '1 ', 'a'],
      ['ZADD', 'z', '', 'a'],
      ['ZADD', 'z', '+inf', 'pinf', '-inf', 'ninf', '1e3', 'e3', '0x10', 'hex', '-0', 'negzero', '.5', 'half', '1.5e-310', 'tiny'],
      ['ZADD', 'z', '1e400', 'huge'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZSCORE', 'z', 'negzero'],
      ['ZADD', 'z', 'INCR', '-inf', 'pinf'],
      ['ZADD', 'z', 'INCR', '+inf', 'pinf'],
      ['ZINCRBY', 'z', '-inf', 'pinf'],
      ['ZADD', 'z', '1', 'n1', 'INCR', '-inf', 'pinf'],
      ['SET', 's', 'x'],
      ['ZADD', 's', '1', 'a'],
      ['ZADD', 's', 'x', 'a'],
      ['ZADD', 's', 'XX', '1', 'a'],
      ['ZADD', 'nokey', 'XX', '1', 'a'],
      ['ZADD', 'nokey', 'XX', 'INCR', '1', 'a'],
      ['EXISTS', 'nokey'],
      ['ZADD', 'b', '1', '\x00\xff\r\n', '2', '', '3', 'é'],
      ['ZRANGE', 'b', '0', '-1', 'WITHSCORES'],
      ['ZADD'],
      ['ZADD', 'z'],
    ]);
  });

  test('score and range parsing corner cases', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', '1e-400', 'a'],
      ['ZADD', 'z', '0x1p3', 'a'],
      ['ZADD', 'z', '0X10', 'b'],
      ['ZADD', 'z', '-nan', 'a'],
      ['ZADD', 'z', 'inFinity', 'c'],
      ['ZADD', 'z', '-INF', 'd'],
      ['ZADD', 'z', '1_000', 'a'],
      ['ZADD', 'z', '1e', 'a'],
      ['ZADD', 'z', '.', 'a'],
      ['ZADD', 'z', '5.', 'e'],
      ['ZADD', 'z', '+5', 'f'],
      ['ZADD', 'z', '\x00', 'a'],
      ['ZADD', 'z', '1\x00', 'a'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'z', '-nan', '+inf'],
      ['ZRANGEBYSCORE', 'z', '(+inf', '+inf'],
      ['ZRANGEBYSCORE', 'z', '-inf', '(-inf'],
      ['ZRANGEBYSCORE', 'z', '1e-400', '1e400'],
      ['ZRANGEBYSCORE', 'z', '0x10', '0X1P4', 'WITHSCORES'],
      ['ZRANGEBYSCORE', 'z', '\t5', '\n6'],
      ['ZRANGEBYSCORE', 'z', ' ', '6'],
      ['ZRANGEBYSCORE', 'z', '5', '6\x00x'],
      ['ZRANGEBYSCORE', 'z', '(', '('],
      ['ZCOUNT', 'z', '(5', '(5.0000000001'],
      ['ZADD', 'l', '0', 'a', '0', 'b'],
      ['ZRANGEBYLEX', 'l', '-\x00', '+'],
      ['ZRANGEBYLEX', 'l', '-', '+\x00'],
      ['ZRANGEBYLEX', 'l', '-', '+x'],
      ['ZRANGEBYLEX', 'l', '[a\x00', '+'],
      ['ZRANGE', 'z', '0', '9223372036854775807'],
      ['ZRANGE', 'z', '-9223372036854775808', '-1'],
      ['ZRANGE', 'z', '0', '9223372036854775808'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '9223372036854775807', '1'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '1', '9223372036854775807'],
      ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', '-9223372036854775808', '1'],
      ['ZREMRANGEBYRANK', 'z', '-9223372036854775808', '0'],
    ]);
  });

  test('ZINCRBY and score formatting', async () => {
    await seqAllowingHello(d(), [
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZINCRBY', 'z', '1.5', 'a'],
      ['ZINCRBY', 'z', '0.1', 'b'],
      ['ZINCRBY', 'z', '0.2', 'b'],
      ['ZINCRBY', 'z', '1e20', 'c'],
      ['ZINCRBY', 'z', '123456789012345678', 'd'],
      ['ZINCRBY', 'z', '-1e-5', 'e'],
      ['ZINCRBY', 'z', 'abc', 'a'],
      ['ZINCRBY', 'z', 'nan', 'a'],
      ['ZINCRBY', 'z', '1', 'a', 'x'],
      ['ZINCRBY', 'z', '+inf', 'f'],
      ['ZINCRBY', 'z', '-inf', 'f'],
      ['ZSCORE', 'z', 'f'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['HELLO', '3'],
      ['ZINCRBY', 'z', '1', 'a'],
      ['ZSCORE', 'z', 'b'],
      ['ZSCORE', 'z', 'f'],
      ['ZMSCORE', 'z', 'a', 'zz', 'f'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'z', 'XX', 'INCR', '1', 'zz'],
      ['ZSCORE', 'z', 'zz'],
      ['ZSCORE', 'nokey', 'zz'],
      ['ZRANK', 'nokey', 'zz'],
    ]);
  });

  test('ZREM ZCARD ZSCORE ZMSCORE ZRANK ZREVRANK', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '3', 'd'],
      ['ZCARD', 'z'],
      ['ZCARD', 'nokey'],
      ['ZSCORE', 'z', 'c'],
      ['ZSCORE', 'z', 'x'],
      ['ZSCORE', 'nokey', 'x'],
      ['ZMSCORE', 'z', 'a', 'x', 'd'],
      ['ZMSCORE', 'nokey', 'a', 'x'],
      ['ZMSCORE', 'z'],
      ['ZRANK', 'z', 'a'],
      ['ZRANK', 'z', 'd'],
      ['ZRANK', 'z', 'x'],
      ['ZREVRANK', 'z', 'a'],
      ['ZREVRANK', 'z', 'd'],
      ['ZREVRANK', 'z', 'x'],
      ['ZREVRANK', 'nokey', 'x'],
      ['ZREM', 'z', 'a', 'x', 'a'],
      ['ZREM', 'nokey', 'a'],
      ['ZREM', 'z', 'b', 'c', 'd', 'e'],
      ['EXISTS', 'z'],
      ['SET', 's', 'x'],
      ['ZREM', 's', 'a'],
      ['ZCARD', 's'],
      ['ZSCORE', 's', 'a'],
      ['ZMSCORE', 's', 'a'],
      ['ZRANK', 's', 'a'],
      ['ZREM', 'z'],
    ]);
  });

  test('ZRANGE by rank, REV, WITHSCORES, ZREVRANGE', async () => {
    const cmds: string[][] = [['ZADD', 'z', ...pairs(10)]];
    for (const [a, b] of [
      ['0', '-1'],
      ['2', '5'],
      ['-3', '-1'],
      ['-100', '100'],
      ['5', '2'],
      ['10', '20'],
      ['-1', '-1'],
      ['0', '0'],
      ['9', '9'],
      ['-11', '-10'],
    ]) {
      cmds.push(['ZRANGE', 'z', a, b], ['ZRANGE', 'z', a, b, 'REV', 'WITHSCORES'], ['ZREVRANGE', 'z', a, b], ['ZREVRANGE', 'z', a, b, 'withscores']);
    }
    cmds.push(
      ['ZRANGE', 'z', 'a', '1'],
      ['ZRANGE', 'z', '0', '1.5'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0', '-1'],
      ['ZRANGE', 'z', '0', '1', 'LIMIT', '0'],
      ['ZRANGE', 'z', '0', '1', 'FOO'],
      ['ZRANGE', 'z', '0', '1', 'REV', 'REV'],
      ['ZRANGE', 'z', '0', '1', 'BYSCORE', 'BYLEX'],
      ['ZRANGE', 'z', '0', '1', 'BYLEX', 'WITHSCORES'],
      ['ZREVRANGE', 'z', '0', '1', 'REV'],
      ['ZREVRANGE', 'z', '0', '1', 'BYSCORE'],
      ['ZRANGE', 'nokey', '0', '-1'],
      ['ZRANGE', 'nokey', 'a', 'b'],
      ['ZRANGE', 'nokey', '0', '1', 'BYLEX'],
      ['SET', 's', 'x'],
      ['ZRANGE', 's', '0', '-1'],
      ['ZRANGE', 's', 'x', '-1'],
      ['HELLO', '3'],
      ['ZRANGE', 'z', '0', '3', 'WITHSCORES'],
      ['ZRANGE', 'z', '0', '3', 'REV', 'WITHSCORES'],
      ['ZRANGE', 'z', '5', '3', 'WITHSCORES'],
    );
    await seqAllowingHello(d(), cmds);
  });

  test('ZRANGEBYSCORE ZREVRANGEBYSCORE ZRANGE BYSCORE ZCOUNT', async () => {
    const cmds: string[][] = [['ZADD', 'z', '-inf', 'ninf', '1', 'a', '2', 'b', '2', 'bb', '3', 'c', '4.5', 'd', '10', 'e', '+inf', 'pinf']];
    const ranges = [
      ['-inf', '+inf'],
      ['1', '3'],
      ['(1', '3'],
      ['1', '(3'],
      ['(1', '(3'],
      ['(2', '(2'],
      ['2', '2'],
      ['3', '1'],
      ['-inf', '-inf'],
      ['(-inf', '+inf'],
      ['4.5', '1e1'],
      ['', ''],
      ['(', '5'],
      [' 2', '3'],
      ['0x2', '3'],
      ['1e400', 'inf'],
      ['-Infinity', 'INF'],
      ['2\x00junk', '3'],
    ];
    for (const [a, b] of ranges) {
      cmds.push(
        ['ZRANGEBYSCORE', 'z', a, b],
        ['ZRANGEBYSCORE', 'z', a, b, 'WITHSCORES'],
        ['ZREVRANGEBYSCORE', 'z', b, a, 'WITHSCORES'],
        ['ZRANGE', 'z', a, b, 'BYSCORE'],
        ['ZRANGE', 'z', b, a, 'BYSCORE', 'REV'],
        ['ZCOUNT', 'z', a, b],
      );
    }
    for (const [o, n] of [
      ['0', '2'],
      ['1', '3'],
      ['2', '-1'],
      ['-1', '2'],
      ['0', '0'],
      ['7', '5'],
      ['8', '1'],
      ['100', '1'],
      ['3', '100'],
    ]) {
      cmds.push(
        ['ZRANGEBYSCORE', 'z', '-inf', '+inf', 'LIMIT', o, n],
        ['ZRANGEBYSCORE', 'z', '2', '10', 'WITHSCORES', 'LIMIT', o, n],
        ['ZREVRANGEBYSCORE', 'z', '10', '2', 'LIMIT', o, n, 'WITHSCORES'],
        ['ZRANGE', 'z', '(1', '+inf', 'BYSCORE', 'REV', 'LIMIT', o, n],
        ['ZRANGE', '+inf', '(1', 'z', 'BYSCORE', 'REV', 'LIMIT', o, n],
      );
    }
    cmds.push(
      ['ZRANGEBYSCORE', 'z', 'a', '1'],
      ['ZRANGEBYSCORE', 'z', '1', 'nan'],
      ['ZRANGEBYSCORE', 'z', '(nan', '1'],
      ['ZRANGEBYSCORE', 'z', '1 ', '2'],
      ['ZRANGEBYSCORE', 'z', '((1', '2'],
      ['ZRANGEBYSCORE', 'z', '1', '2', 'LIMIT', 'a', '1'],
      ['ZRANGEBYSCORE', 'z', '1', '2', 'LIMIT', '1'],
      ['ZRANGEBYSCORE', 'z', '1', '2', 'REV'],
      ['ZRANGEBYSCORE', 'z', '1', '2', 'BYSCORE'],
      ['ZRANGEBYSCORE', 'z', '1', '2', 'WITHSCORES', 'WITHSCORES'],
      ['ZCOUNT', 'z', 'a', '1'],
      ['ZCOUNT', 'nokey', '0', '1'],
      ['ZCOUNT', 'nokey', 'a', '1'],
      ['ZRANGEBYSCORE', 'nokey', '0', '1'],
      ['SET', 's', 'x'],
      ['ZCOUNT', 's', '0', '1'],
      ['ZRANGEBYSCORE', 's', '0', '1'],
      ['HELLO', '3'],
      ['ZRANGEBYSCORE', 'z', '1', '3', 'WITHSCORES'],
      ['ZREVRANGEBYSCORE', 'z', '3', '1', 'WITHSCORES', 'LIMIT', '1', '1'],
    );
    await seqAllowingHello(d(), cmds);
  });

  test('lex ranges: ZRANGEBYLEX ZREVRANGEBYLEX ZLEXCOUNT ZRANGE BYLEX', async () => {
    const cmds: string[][] = [['ZADD', 'z', '0', 'a', '0', 'b', '0', 'c', '0', 'bb', '0', '', '0', '\xff', '0', 'B', '0', 'ab']];
    const ranges = [
      ['-', '+'],
      ['[a', '[c'],
      ['(a', '(c'],
      ['[b', '(bc'],
      ['[', '+'],
      ['(', '+'],
      ['-', '['],
      ['+', '-'],
      ['-', '-'],
      ['+', '+'],
      ['[c', '[a'],
      ['[b', '[b'],
      ['(b', '[b'],
      ['[\xff', '+'],
    ];
    for (const [a, b] of ranges) {
      cmds.push(
        ['ZRANGEBYLEX', 'z', a, b],
        ['ZREVRANGEBYLEX', 'z', b, a],
        ['ZRANGE', 'z', a, b, 'BYLEX'],
        ['ZRANGE', 'z', b, a, 'BYLEX', 'REV'],
        ['ZLEXCOUNT', 'z', a, b],
        ['ZRANGEBYLEX', 'z', a, b, 'LIMIT', '1', '2'],
        ['ZREVRANGEBYLEX', 'z', b, a, 'LIMIT', '1', '2'],
      );
    }
    cmds.push(
      ['ZRANGEBYLEX', 'z', 'a', '+'],
      ['ZRANGEBYLEX', 'z', '-', 'c'],
      ['ZRANGEBYLEX', 'z', '--', '+'],
      ['ZRANGEBYLEX', 'z', '-', '++'],
      ['ZRANGEBYLEX', 'z', '', '+'],
      ['ZLEXCOUNT', 'z', 'a', '+'],
      ['ZLEXCOUNT', 'nokey', '-', '+'],
      ['ZLEXCOUNT', 'nokey', 'x', '+'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'WITHSCORES'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '0', '-1'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '-1', '2'],
      ['ZRANGEBYLEX', 'z', '-', '+', 'LIMIT', '10', '2'],
      ['ZRANGEBYLEX', 'nokey', '-', '+'],
      ['SET', 's', 'x'],
      ['ZRANGEBYLEX', 's', '-', '+'],
      ['ZLEXCOUNT', 's', '-', '+'],
    );
    await seqAllowingHello(d(), cmds);
  });

  test('ZREMRANGEBYRANK ZREMRANGEBYSCORE ZREMRANGEBYLEX', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', ...pairs(10)],
      ['ZREMRANGEBYRANK', 'z', '0', '1'],
      ['ZREMRANGEBYRANK', 'z', '-2', '-1'],
      ['ZREMRANGEBYRANK', 'z', '5', '2'],
      ['ZREMRANGEBYRANK', 'z', '100', '200'],
      ['ZREMRANGEBYRANK', 'z', 'a', '1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZREMRANGEBYSCORE', 'z', '(2', '4'],
      ['ZREMRANGEBYSCORE', 'z', '10', '1'],
      ['ZREMRANGEBYSCORE', 'z', 'x', '1'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZREMRANGEBYRANK', 'z', '0', '-1'],
      ['EXISTS', 'z'],
      ['ZADD', 'l', '0', 'a', '0', 'b', '0', 'c', '0', 'd'],
      ['ZREMRANGEBYLEX', 'l', '(a', '[c'],
      ['ZREMRANGEBYLEX', 'l', 'a', '[c'],
      ['ZRANGE', 'l', '0', '-1'],
      ['ZREMRANGEBYLEX', 'l', '-', '+'],
      ['EXISTS', 'l'],
      ['ZREMRANGEBYLEX', 'nokey', '-', '+'],
      ['ZREMRANGEBYLEX', 'nokey', 'x', '+'],
      ['ZREMRANGEBYSCORE', 'nokey', '-inf', '+inf'],
      ['ZREMRANGEBYSCORE', 'nokey', 'x', '+inf'],
      ['ZREMRANGEBYRANK', 'nokey', '0', '1'],
      ['ZREMRANGEBYRANK', 'nokey', 'x', '1'],
      ['SET', 's', 'x'],
      ['ZREMRANGEBYRANK', 's', '0', '1'],
      ['ZREMRANGEBYSCORE', 's', '0', '1'],
      ['ZREMRANGEBYLEX', 's', '-', '+'],
    ]);
  });

  test('ZRANGESTORE', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', ...pairs(10)],
      ['ZRANGESTORE', 'd', 'z', '0', '2'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '0', '2', 'REV'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '(2', '7', 'BYSCORE', 'LIMIT', '1', '3'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '7', '(2', 'BYSCORE', 'REV', 'LIMIT', '1', '3'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '[m1', '(m5', 'BYLEX'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['OBJECT', 'ENCODING', 'd'],
      ['ZRANGESTORE', 'd', 'z', '5', '1'],
      ['EXISTS', 'd'],
      ['SET', 'd', 'x'],
      ['ZRANGESTORE', 'd', 'z', '0', '0'],
      ['TYPE', 'd'],
      ['ZRANGESTORE', 'd', 'nokey', '0', '-1'],
      ['EXISTS', 'd'],
      ['ZRANGESTORE', 'd', 'z', '0', '1', 'WITHSCORES'],
      ['ZRANGESTORE', 'd', 'z', '0', '1', 'LIMIT', '0', '1'],
      ['SET', 's', 'x'],
      ['ZRANGESTORE', 'd', 's', '0', '1'],
      ['ZRANGESTORE', 'z', 'z', '0', '1'],
      ['ZRANGE', 'z', '0', '-1'],
    ]);
  });

  test('ZPOPMIN ZPOPMAX ZMPOP', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', ...pairs(6)],
      ['ZPOPMIN', 'z'],
      ['ZPOPMAX', 'z'],
      ['ZPOPMIN', 'z', '2'],
      ['ZPOPMAX', 'z', '0'],
      ['ZPOPMAX', 'z', '-1'],
      ['ZPOPMAX', 'z', 'x'],
      ['ZPOPMAX', 'z', '1', '2'],
      ['ZPOPMAX', 'z', '10'],
      ['EXISTS', 'z'],
      ['ZPOPMIN', 'nokey'],
      ['ZPOPMIN', 'nokey', '2'],
      ['ZPOPMIN', 'nokey', '0'],
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZMPOP', '2', 'nokey', 'a', 'MIN'],
      ['ZMPOP', '2', 'nokey', 'a', 'max', 'COUNT', '10'],
      ['ZMPOP', '2', 'nokey', 'a', 'MAX'],
      ['ZMPOP', '0', 'a', 'MIN'],
      ['ZMPOP', '-1', 'a', 'MIN'],
      ['ZMPOP', 'x', 'a', 'MIN'],
      ['ZMPOP', '3', 'a', 'MIN'],
      ['ZMPOP', '1', 'a', 'LEFT'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '0'],
      ['ZMPOP', '1', 'a', 'MIN', 'COUNT', '1', 'COUNT', '1'],
      ['ZMPOP', '1', 'a', 'MIN', 'FOO'],
      ['SET', 's', 'x'],
      ['ZPOPMIN', 's'],
      ['ZMPOP', '2', 'nokey', 's', 'MIN'],
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZMPOP', '2', 'a', 's', 'MIN'],
      ['HELLO', '3'],
      ['ZADD', 'b', '1', 'x', '2', 'y', '3', 'z', '4', 'w'],
      ['ZPOPMIN', 'b'],
      ['ZPOPMIN', 'b', '1'],
      ['ZPOPMAX', 'b', '5'],
      ['ZPOPMAX', 'b'],
      ['ZPOPMAX', 'b', '2'],
      ['ZMPOP', '1', 'b', 'MIN'],
      ['ZADD', 'b', '1', 'x', '2', 'y'],
      ['ZMPOP', '1', 'b', 'MAX', 'COUNT', '5'],
    ]);
  });

  test('ZRANDMEMBER', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c'],
      ['ZRANDMEMBER', 'z', '3'],
      ['ZRANDMEMBER', 'z', '5', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '0'],
      ['ZRANDMEMBER', 'z', '0', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', 'x'],
      ['ZRANDMEMBER', 'z', '1', 'FOO'],
      ['ZRANDMEMBER', 'z', '1', 'WITHSCORES', 'x'],
      ['ZRANDMEMBER', 'z', '-9223372036854775808'],
      ['ZRANDMEMBER', 'z', '9223372036854775807', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '-4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 'z', '4611686018427387904', 'WITHSCORES'],
      ['ZRANDMEMBER', 'nokey'],
      ['ZRANDMEMBER', 'nokey', '5'],
      ['ZRANDMEMBER', 'nokey', '-5', 'WITHSCORES'],
      ['ZADD', 'one', '7', 'x'],
      ['ZRANDMEMBER', 'one'],
      ['ZRANDMEMBER', 'one', '-3'],
      ['ZRANDMEMBER', 'one', '-3', 'WITHSCORES'],
      ['ZRANDMEMBER', 'one', '1', 'WITHSCORES'],
      ['SET', 's', 'x'],
      ['ZRANDMEMBER', 's'],
      ['ZRANDMEMBER', 's', '1'],
      ['HELLO', '3'],
      ['ZRANDMEMBER', 'z', '5', 'WITHSCORES'],
      ['ZRANDMEMBER', 'one', '-2', 'WITHSCORES'],
      ['ZRANDMEMBER', 'nokey'],
    ]);
    // Random picks: check only shapes and membership.
    await d().both('ZADD', 'big', ...pairs(300));
    for (const args of [['10'], ['-10'], ['200'], ['150', 'WITHSCORES'], ['-5', 'WITHSCORES']]) {
      const { real, ours } = await d().both('ZRANDMEMBER', 'big', ...args);
      const count = (s: string) => s.split('\r\n')[0];
      if (count(real) !== count(ours)) throw new Error(`ZRANDMEMBER ${args}: ${count(real)} vs ${count(ours)}`);
    }
  });

  test('ZUNION ZINTER ZDIFF and STORE variants', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'],
      ['SADD', 's', 'x', 'w', 'q'],
      ['SADD', 'i', '1', '2', 'x'],
      ['ZUNION', '2', 'a', 'b'],
      ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNION', '3', 'a', 'b', 's', 'WITHSCORES'],
      ['ZUNION', '3', 'a', 'b', 'i', 'WITHSCORES', 'AGGREGATE', 'MAX'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', '0.5', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '2', 'x'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'max', 'withscores'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE', 'avg'],
      ['ZUNION', '2', 'a', 'b', 'AGGREGATE'],
      ['ZUNION', '2', 'a', 'b', 'FOO'],
      ['ZUNION', '2', 'a', 'nokey', 'WITHSCORES'],
      ['ZUNION', '0', 'a'],
      ['ZUNION', '-1', 'a'],
      ['ZUNION', 'x', 'a'],
      ['ZUNION', '3', 'a', 'b'],
      ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 's', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'a', 'WITHSCORES'],
      ['ZINTER', '3', 'a', 'b', 'nokey'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '-1', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
      ['ZDIFF', '2', 'b', 's', 'WITHSCORES'],
      ['ZDIFF', '2', 'a', 'a'],
      ['ZDIFF', '1', 'a'],
      ['ZDIFF', '2', 'nokey', 'a'],
      ['ZDIFF', '2', 'a', 'b', 'WEIGHTS', '1', '1'],
      ['ZDIFF', '2', 'a', 'b', 'AGGREGATE', 'MIN'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTERSTORE', 'd', '2', 'a', 'b', 'WEIGHTS', '3', '1'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZDIFFSTORE', 'd', '2', 'a', 'b'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZINTERSTORE', 'd', '2', 'a', 'nokey'],
      ['EXISTS', 'd'],
      ['ZDIFFSTORE', 'd', '1', 'nokey'],
      ['ZUNIONSTORE', 'a', '2', 'a', 'b'],
      ['ZRANGE', 'a', '0', '-1', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '0', 'a'],
      ['ZINTERSTORE', 'd', '0', 'a'],
      ['ZDIFFSTORE', 'd', '0', 'a'],
      ['ZDIFF', '0', 'a'],
      ['ZINTER', '0', 'a'],
      ['SET', 'str', 'x'],
      ['ZUNION', '2', 'a', 'str'],
      ['ZUNION', '2', 'a', 'str', 'AGGREGATE', 'bad'],
      ['ZUNIONSTORE', 'str', '1', 'a'],
      ['TYPE', 'str'],
      ['ZUNION', '1', 'nokey'],
      ['HELLO', '3'],
      ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b'],
      ['ZDIFF', '2', 'a', 'b', 'WITHSCORES'],
    ]);
  });

  test('set operations: nan, infinities and weights', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'a', '+inf', 'x', '-inf', 'y', '1', 'z'],
      ['ZADD', 'b', '-inf', 'x', '+inf', 'y', '2', 'z'],
      ['ZUNION', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '0', '0', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '0', '1', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '0', 'AGGREGATE', 'MIN', 'WITHSCORES'],
      ['ZINTER', '2', 'a', 'b', 'WEIGHTS', '1', '0', 'AGGREGATE', 'MAX', 'WITHSCORES'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', '1', 'nan'],
      ['ZUNION', '2', 'a', 'b', 'WEIGHTS', 'inf', '-inf', 'WITHSCORES'],
      ['ZADD', 'c', '0.1', 'x', '0.2', 'y', '0.3', 'z'],
      ['ZADD', 'e', '0.7', 'x', '0.2', 'y'],
      ['ZADD', 'f', '1e17', 'x', '0.3', 'y', '4', 'q', '5', 'r'],
      ['ZUNION', '3', 'c', 'e', 'f', 'WITHSCORES'],
      ['ZUNION', '3', 'f', 'e', 'c', 'WITHSCORES'],
      ['ZINTER', '3', 'f', 'e', 'c', 'WITHSCORES'],
      ['ZINTER', '3', 'c', 'f', 'e', 'WITHSCORES'],
      ['ZUNIONSTORE', 'd', '3', 'c', 'e', 'f'],
      ['ZRANGE', 'd', '0', '-1', 'WITHSCORES'],
      ['ZSCAN', 'd', '0'],
    ]);
  });

  test('ZINTERCARD', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'a', '1', 'x', '2', 'y', '3', 'z'],
      ['ZADD', 'b', '10', 'y', '20', 'z', '30', 'w'],
      ['SADD', 's', 'y', 'z', 'q'],
      ['ZINTERCARD', '2', 'a', 'b'],
      ['ZINTERCARD', '3', 'a', 'b', 's'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '1'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '0'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', '-1'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT', 'x'],
      ['ZINTERCARD', '2', 'a', 'b', 'LIMIT'],
      ['ZINTERCARD', '2', 'a', 'b', 'WITHSCORES'],
      ['ZINTERCARD', '2', 'a', 'b', 'WEIGHTS', '1', '2'],
      ['ZINTERCARD', '2', 'a', 'nokey'],
      ['ZINTERCARD', '0', 'a'],
      ['ZINTERCARD', '3', 'a', 'b'],
      ['SET', 'str', 'x'],
      ['ZINTERCARD', '2', 'a', 'str'],
    ]);
  });

  test('encodings: listpack to skiplist and stored results', async () => {
    const long = 'x'.repeat(65);
    await seqAllowingHello(d(), [
      ['ZADD', 'z', ...pairs(128)],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '1', 'm1'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'z', '1000', 'extra'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZREM', 'z', 'extra', 'm1', 'm2'],
      ['OBJECT', 'ENCODING', 'z'],
      ['ZADD', 'v', '1', 'x'.repeat(64)],
      ['OBJECT', 'ENCODING', 'v'],
      ['ZADD', 'v', '1', long],
      ['OBJECT', 'ENCODING', 'v'],
      ['ZADD', 'w', '1', long, '2', 'a'],
      ['OBJECT', 'ENCODING', 'w'],
      ['ZUNIONSTORE', 'u', '1', 'z'],
      ['OBJECT', 'ENCODING', 'u'],
      ['ZRANGESTORE', 'u', 'z', '0', '9'],
      ['OBJECT', 'ENCODING', 'u'],
      ['ZINTERSTORE', 'u', '1', 'w'],
      ['OBJECT', 'ENCODING', 'u'],
      ['ZRANGESTORE', 'u', 'w', '0', '0', 'REV'],
      ['OBJECT', 'ENCODING', 'u'],
      ['ZDIFFSTORE', 'u', '2', 'w', 'v'],
      ['OBJECT', 'ENCODING', 'u'],
      ['ZRANGESTORE', 'u', 'z', '0', '-1'],
      ['OBJECT', 'ENCODING', 'u'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '0'],
      ['ZADD', 'e', '1', 'a'],
      ['OBJECT', 'ENCODING', 'e'],
      ['CONFIG', 'SET', 'zset-max-listpack-entries', '128'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', '3'],
      ['ZADD', 'f', '1', 'abcd'],
      ['OBJECT', 'ENCODING', 'f'],
      ['ZADD', 'g', '1', 'abc'],
      ['ZINCRBY', 'g', '1', 'abc'],
      ['OBJECT', 'ENCODING', 'g'],
      ['CONFIG', 'SET', 'zset-max-listpack-value', '64'],
    ]);
  });

  test('big skiplist ranges agree', async () => {
    const cmds: string[][] = [['ZADD', 'z', ...pairs(1000, 'e', (i) => (i * 7919) % 997)]];
    cmds.push(
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZRANGE', 'z', '100', '-300', 'REV'],
      ['ZRANGEBYSCORE', 'z', '(100', '500', 'LIMIT', '17', '40'],
      ['ZREVRANGEBYSCORE', 'z', '900', '(100', 'LIMIT', '17', '40', 'WITHSCORES'],
      ['ZCOUNT', 'z', '100', '(500'],
      ['ZRANK', 'z', 'e500'],
      ['ZREVRANK', 'z', 'e500'],
      ['ZREMRANGEBYSCORE', 'z', '200', '300'],
      ['ZREMRANGEBYRANK', 'z', '10', '100'],
      ['ZCARD', 'z'],
      ['ZPOPMIN', 'z', '5'],
      ['ZPOPMAX', 'z', '5'],
      ['ZRANGE', 'z', '0', '-1', 'WITHSCORES'],
      ['ZADD', 'lex', ...pairs(500, 'k', () => 0)],
      ['ZRANGEBYLEX', 'lex', '[k1', '(k3', 'LIMIT', '10', '30'],
      ['ZREVRANGEBYLEX', 'lex', '(k3', '[k1', 'LIMIT', '10', '30'],
      ['ZRANGE', 'lex', '(k3', '[k1', 'BYLEX', 'REV', 'LIMIT', '100', '5'],
      ['ZLEXCOUNT', 'lex', '(k2', '+'],
      ['ZREMRANGEBYLEX', 'lex', '[k2', '(k4'],
      ['ZCARD', 'lex'],
      ['ZRANGESTORE', 'dst', 'lex', '-', '+', 'BYLEX', 'LIMIT', '0', '200'],
      ['OBJECT', 'ENCODING', 'dst'],
      ['ZRANGE', 'dst', '190', '-1'],
      ['ZRANDMEMBER', 'lex', '1000'],
    );
    await seqAllowingHello(d(), cmds);
  });

  test('ZSCAN', async () => {
    await seqAllowingHello(d(), [
      ['ZADD', 'z', '1', 'a', '2.5', 'b', '-0', 'c', '1e17', 'd', '4611686018427387904', 'e', '1e19', 'f', '+inf', 'g', '0.1', 'h', '-3', 'ab'],
      ['ZSCAN', 'z', '0'],
      ['ZSCAN', 'z', '0', 'MATCH', 'a*'],
      ['ZSCAN', 'z', '0', 'COUNT', '1'],
      ['ZSCAN', 'z', '0', 'COUNT', '0'],
      ['ZSCAN', 'z', '0', 'TYPE', 'zset'],
      ['ZSCAN', 'z', 'x'],
      ['ZSCAN', 'z', '0', 'MATCH'],
      ['ZSCAN', 'nokey', '0'],
      ['ZSCAN', 'nokey', '0', 'FOO'],
      ['SET', 's', 'x'],
      ['ZSCAN', 's', '0'],
    ]);
    await d().both('ZADD', 'big', ...pairs(200, 'm', (i) => i / 4));
    // Skiplist: hash order differs; collect the full iteration from each server.
    const all = async (who: 'real' | 'ours'): Promise<string[]> => {
      const seen: string[] = [];
      let cursor = '0';
      do {
        const r = (await d().both('ZSCAN', 'big', cursor, 'COUNT', '50'))[who];
        const lines = r.split('\r\n');
        cursor = lines[2];
        for (let i = 4; i + 3 < lines.length; i += 4) seen.push(`${lines[i + 1]}=${lines[i + 3]}`);
      } while (cursor !== '0');
      return seen.sort();
    };
    const a = await all('real');
    const b = await all('ours');
    if (JSON.stringify([...new Set(a)]) !== JSON.stringify([...new Set(b)])) throw new Error('ZSCAN sets differ');
  });

  test('keyspace events', async () => {
    const dd = d();
    await dd.both('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    const p = await dd.pair();
    try {
      await Promise.all([p.real.call('PSUBSCRIBE', '__key*__:*'), p.ours.call('PSUBSCRIBE', '__key*__:*')]);
      const cmds: string[][] = [
        ['ZADD', 'z', '1', 'a', '2', 'b', '3', 'c', '4', 'd', '5', 'e'],
        ['ZADD', 'z', '1', 'a'],
        ['ZINCRBY', 'z', '1', 'a'],
        ['ZADD', 'z', 'INCR', '1', 'a'],
        ['ZREM', 'z', 'a', 'x'],
        ['ZREM', 'z', 'x'],
        ['ZREMRANGEBYSCORE', 'z', '2', '2'],
        ['ZREMRANGEBYRANK', 'z', '0', '0'],
        ['ZADD', 'z', '0', 'a', '0', 'b'],
        ['ZREMRANGEBYLEX', 'z', '[a', '[a'],
        ['ZPOPMIN', 'z'],
        ['ZPOPMAX', 'z', '2'],
        ['ZADD', 'z', '1', 'a', '2', 'b'],
        ['ZUNIONSTORE', 'u', '1', 'z'],
        ['ZINTERSTORE', 'u', '1', 'z'],
        ['ZDIFFSTORE', 'u', '1', 'z'],
        ['ZRANGESTORE', 'u', 'z', '0', '0'],
        ['ZINTERSTORE', 'u', '1', 'nokey'],
        ['ZMPOP', '1', 'z', 'MIN', 'COUNT', '5'],
        ['ZADD', 'z', '1', 'a'],
        ['ZREM', 'z', 'a'],
        ['PING'],
      ];
      for (const c of cmds) await dd.same(...c);
      const [r, o] = await Promise.all([p.real.drain(300), p.ours.drain(300)]);
      if (r !== o) throw new Error(`events differ:\nreal: ${JSON.stringify(r)}\nours: ${JSON.stringify(o)}`);
    } finally {
      p.real.close();
      p.ours.close();
      await dd.both('CONFIG', 'SET', 'notify-keyspace-events', '');
    }
  });
});
