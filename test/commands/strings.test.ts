import { test, expect } from 'vitest';
import { describeDifferential, type Differential } from '../support/differential.ts';
import { decode, type Reply } from '../support/resp-reader.ts';

const BIN = 'a\x00b\r\n\xff\x80z';

describeDifferential('string commands', (d) => {
  test('GET / SET basics, binary values, wrong types', async () => {
    await d().seq([
      ['GET', 'nokey'],
      ['SET', 'k', 'v'],
      ['GET', 'k'],
      ['SET', 'bin', BIN],
      ['GET', 'bin'],
      ['SET', '', ''],
      ['GET', ''],
      ['RPUSH', 'list', 'a'],
      ['GET', 'list'],
      ['SET', 'list', 'now a string'],
      ['GET', 'list'],
      ['SET', 'k'],
      ['GET'],
      ['GET', 'a', 'b'],
    ]);
  });

  test('SET options: NX XX GET KEEPTTL', async () => {
    await d().seq([
      ['SET', 'k', 'v1', 'NX'],
      ['SET', 'k', 'v2', 'NX'],
      ['GET', 'k'],
      ['SET', 'k', 'v3', 'XX'],
      ['SET', 'missing', 'v', 'XX'],
      ['EXISTS', 'missing'],
      ['SET', 'k', 'v4', 'GET'],
      ['SET', 'new', 'v', 'GET'],
      ['SET', 'new', 'x', 'NX', 'GET'],
      ['SET', 'none', 'x', 'XX', 'GET'],
      ['SET', 'new', 'y', 'XX', 'GET'],
      ['GET', 'new'],
      ['SET', 'k', 'v', 'nx', 'nx'],
      ['SET', 'k', 'v', 'xx', 'XX', 'get', 'GET'],
      ['SET', 'k', 'v', 'NX', 'XX'],
      ['SET', 'k', 'v', 'XX', 'NX'],
      ['SET', 'k', 'v', 'EX', '100'],
      ['TTL', 'k'],
      ['SET', 'k', 'v2', 'KEEPTTL'],
      ['TTL', 'k'],
      ['SET', 'k', 'v3'],
      ['TTL', 'k'],
      ['SET', 'k', 'v', 'KEEPTTL', 'EX', '10'],
      ['SET', 'k', 'v', 'EX', '10', 'KEEPTTL'],
      ['SET', 'k', 'v', 'FOO'],
      ['SET', 'k', 'v', 'NX\x00junk'],
      ['SET', 'k', 'v', 'KEEPTTL\x00x'],
      ['RPUSH', 'l', 'x'],
      ['SET', 'l', 'v', 'GET'],
      ['SET', 'l', 'v', 'NX', 'GET'],
      ['SET', 'l', 'v', 'EX', 'abc', 'GET'],
      ['SET', 'l', 'v', 'EX', '0', 'GET'],
      ['TYPE', 'l'],
    ]);
  });

  test('SET expire options and their errors', async () => {
    const future = Math.floor(Date.now() / 1000) + 1000;
    await d().seq([
      ['SET', 'a', 'v', 'EX', '100'],
      ['TTL', 'a'],
      ['SET', 'b', 'v', 'PX', '100000'],
      ['TTL', 'b'],
      ['SET', 'c', 'v', 'EXAT', String(future)],
      ['TTL', 'c'],
      ['SET', 'd', 'v', 'PXAT', String(future * 1000)],
      ['TTL', 'd'],
      ['SET', 'e', 'v', 'EX', '10', 'EX', '100'],
      ['TTL', 'e'],
      ['SET', 'k', 'v', 'EX', '10', 'PX', '100'],
      ['SET', 'k', 'v', 'PX', '10', 'EXAT', '100'],
      ['SET', 'k', 'v', 'EXAT', '10', 'PXAT', '100'],
      ['SET', 'k', 'v', 'PXAT', '10', 'EX', '100'],
      ['SET', 'k', 'v', 'EX'],
      ['SET', 'k', 'v', 'PX'],
      ['SET', 'k', 'v', 'EX', '0'],
      ['SET', 'k', 'v', 'EX', '-1'],
      ['SET', 'k', 'v', 'PX', '0'],
      ['SET', 'k', 'v', 'EXAT', '0'],
      ['SET', 'k', 'v', 'PXAT', '-5'],
      ['SET', 'k', 'v', 'EX', '1.5'],
      ['SET', 'k', 'v', 'EX', ' 1'],
      ['SET', 'k', 'v', 'EX', '9223372036854775807'],
      ['SET', 'k', 'v', 'EX', '9223372036854775'],
      ['SET', 'k', 'v', 'EX', '9223372036854776'],
      ['SET', 'k', 'v', 'PX', '9223372036854775807'],
      ['SET', 'k', 'v', 'PX', '9223372036854775808'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854775'],
      ['SET', 'k', 'v', 'EXAT', '9223372036854776'],
      ['SET', 'k', 'v', 'PXAT', '9223372036854775807'],
      ['EXISTS', 'k'],
      ['SET', 'past', 'v', 'PXAT', '1'],
      ['GET', 'past'],
      ['EXISTS', 'past'],
      ['SET', 'k', 'v', 'NX', 'EX', '0'],
      ['EXISTS', 'k'],
    ]);
  });

  test('SET and GETEX option combinations', async () => {
    const future = String(Math.floor(Date.now() / 1000) + 5000);
    const opts: string[][] = [['NX'], ['XX'], ['GET'], ['KEEPTTL'], ['PERSIST'], ['EX', '100'], ['PX', '100000'], ['EXAT', future], ['PXAT', future + '000'], ['ex'], ['BOGUS']];
    const cmds: string[][] = [];
    for (const a of opts) {
      for (const b of opts) {
        for (const key of ['present', 'absent']) {
          cmds.push(['SET', 'present', 'p', 'EX', '50']);
          cmds.push(['SET', key, 'v', ...a, ...b]);
          cmds.push(['TTL', key]);
          cmds.push(['DEL', 'absent']);
          cmds.push(['GETEX', 'present', ...a, ...b]);
          cmds.push(['TTL', 'present']);
        }
      }
    }
    await d().seq(cmds);
  });

  test('SETNX SETEX PSETEX', async () => {
    await d().seq([
      ['SETNX', 'k', 'v'],
      ['SETNX', 'k', 'w'],
      ['GET', 'k'],
      ['SETEX', 'k', '100', 'x'],
      ['TTL', 'k'],
      ['GET', 'k'],
      ['SETEX', 'k', '0', 'x'],
      ['SETEX', 'k', '-1', 'x'],
      ['SETEX', 'k', 'abc', 'x'],
      ['SETEX', 'k', '9223372036854775807', 'x'],
      ['PSETEX', 'p', '100000', 'x'],
      ['TTL', 'p'],
      ['PSETEX', 'p', '0', 'x'],
      ['PSETEX', 'p', '9223372036854775807', 'x'],
      ['RPUSH', 'l', 'x'],
      ['SETNX', 'l', 'v'],
      ['SETEX', 'l', '10', 'v'],
      ['TYPE', 'l'],
      ['SETNX', 'k'],
      ['SETEX', 'k', '10'],
    ]);
  });

  test('GETSET GETDEL', async () => {
    await d().seq([
      ['GETSET', 'k', 'v1'],
      ['GETSET', 'k', 'v2'],
      ['GET', 'k'],
      ['SET', 't', 'v', 'EX', '100'],
      ['GETSET', 't', 'w'],
      ['TTL', 't'],
      ['RPUSH', 'l', 'x'],
      ['GETSET', 'l', 'v'],
      ['GETDEL', 'k'],
      ['GETDEL', 'k'],
      ['EXISTS', 'k'],
      ['GETDEL', 'l'],
      ['TYPE', 'l'],
      ['SET', 'b', BIN],
      ['GETDEL', 'b'],
    ]);
  });

  test('GETEX', async () => {
    const now = Math.floor(Date.now() / 1000);
    await d().seq([
      ['GETEX', 'missing'],
      ['GETEX', 'missing', 'EX', '-1'],
      ['GETEX', 'missing', 'FOO'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k'],
      ['GETEX', 'k', 'EX', '100'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PX', '200000'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EXAT', String(now + 300)],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PXAT', String((now + 400) * 1000)],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'PERSIST'],
      ['GETEX', 'k', 'EX', '0'],
      ['GETEX', 'k', 'EX', 'x'],
      ['GETEX', 'k', 'PX', '-1'],
      ['GETEX', 'k', 'EX', '9223372036854775807'],
      ['GETEX', 'k', 'EX', '10', 'PX', '10'],
      ['GETEX', 'k', 'PERSIST', 'EX', '10'],
      ['GETEX', 'k', 'EX', '10', 'PERSIST'],
      ['GETEX', 'k', 'KEEPTTL'],
      ['GETEX', 'k', 'NX'],
      ['GETEX', 'k', 'GET'],
      ['GETEX', 'k', 'EX'],
      ['GETEX', 'k', 'EX', '10', 'EX', '20'],
      ['TTL', 'k'],
      ['GETEX', 'k', 'EXAT', '1'],
      ['EXISTS', 'k'],
      ['SET', 'k', 'v'],
      ['GETEX', 'k', 'PXAT', '1'],
      ['EXISTS', 'k'],
      ['RPUSH', 'l', 'x'],
      ['GETEX', 'l'],
      ['GETEX', 'l', 'EX', '-1'],
      ['GETEX', 'l', 'BAD'],
    ]);
  });

  test('MGET MSET MSETNX', async () => {
    await d().seq([
      ['MSET', 'a', '1', 'b', '2', 'c', BIN],
      ['MGET', 'a', 'b', 'c', 'nokey'],
      ['RPUSH', 'l', 'x'],
      ['MGET', 'a', 'l', 'a'],
      ['MSET', 'a'],
      ['MSET', 'a', '1', 'b'],
      ['MSETNX', 'a', '1', 'b'],
      ['MSETNX', 'x', '1', 'y', '2'],
      ['MSETNX', 'x', '3', 'z', '4'],
      ['MGET', 'x', 'y', 'z'],
      ['MSETNX', 'l', '3'],
      ['MSET', 'dup', '1', 'dup', '2'],
      ['GET', 'dup'],
      ['SET', 't', 'v', 'EX', '100'],
      ['MSET', 't', 'w'],
      ['TTL', 't'],
    ]);
  });

  test('APPEND STRLEN', async () => {
    await d().seq([
      ['APPEND', 'k', 'hello'],
      ['APPEND', 'k', ' world'],
      ['GET', 'k'],
      ['STRLEN', 'k'],
      ['STRLEN', 'nokey'],
      ['APPEND', 'k', ''],
      ['APPEND', 'b', BIN],
      ['APPEND', 'b', BIN],
      ['STRLEN', 'b'],
      ['GET', 'b'],
      ['SET', 'n', '123'],
      ['APPEND', 'n', '4'],
      ['INCR', 'n'],
      ['RPUSH', 'l', 'x'],
      ['APPEND', 'l', 'x'],
      ['STRLEN', 'l'],
      ['SET', 't', 'v', 'EX', '100'],
      ['APPEND', 't', 'w'],
      ['TTL', 't'],
    ]);
  });

  test('GETRANGE SUBSTR', async () => {
    const cmds: string[][] = [['SET', 'k', 'Hello World'], ['SET', 'n', '12345'], ['SET', 'e', '']];
    const idx = ['0', '1', '3', '-1', '-3', '-100', '100', '10', '11', '-11', '-12', '9223372036854775807', '-9223372036854775808'];
    for (const a of idx) for (const b of ['0', '-1', '4', '-5', '100', '-100', '9223372036854775807']) cmds.push(['GETRANGE', 'k', a, b]);
    cmds.push(
      ['GETRANGE', 'n', '1', '2'],
      ['GETRANGE', 'e', '0', '-1'],
      ['GETRANGE', 'nokey', '0', '-1'],
      ['GETRANGE', 'k', 'a', '1'],
      ['GETRANGE', 'k', '1', 'b'],
      ['GETRANGE', 'nokey', 'a', '1'],
      ['SUBSTR', 'k', '0', '4'],
      ['SUBSTR', 'k', '-5', '-1'],
      ['RPUSH', 'l', 'x'],
      ['GETRANGE', 'l', '0', '1'],
      ['GETRANGE', 'l', 'x', '1'],
      ['GETRANGE', 'k', '0'],
    );
    await d().seq(cmds);
  });

  test('SETRANGE', async () => {
    await d().seq([
      ['SETRANGE', 'k', '0', 'hello'],
      ['SETRANGE', 'k', '6', 'world'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '2', 'XY'],
      ['GET', 'k'],
      ['SETRANGE', 'k', '0', ''],
      ['SETRANGE', 'nokey', '5', ''],
      ['EXISTS', 'nokey'],
      ['SETRANGE', 'nokey', '3', BIN],
      ['GET', 'nokey'],
      ['SETRANGE', 'k', '-1', 'x'],
      ['SETRANGE', 'k', 'x', 'x'],
      ['SETRANGE', 'k', '536870911', 'x'.repeat(2)],
      ['SETRANGE', 'k', '536870912', 'x'],
      ['SETRANGE', 'k', '9223372036854775807', 'x'],
      ['SETRANGE', 'new', '536870912', 'x'],
      ['SETRANGE', 'new', '536870912', ''],
      ['SETRANGE', 'n', '9223372036854775808', 'x'],
      ['SET', 'num', '1234'],
      ['SETRANGE', 'num', '1', '9'],
      ['GET', 'num'],
      ['RPUSH', 'l', 'x'],
      ['SETRANGE', 'l', '0', 'x'],
      ['SETRANGE', 'l', '0', ''],
      ['SETRANGE', 'l', '-1', 'x'],
      ['SET', 't', 'v', 'EX', '100'],
      ['SETRANGE', 't', '1', 'w'],
      ['TTL', 't'],
    ]);
  });

  test('INCR DECR INCRBY DECRBY with 64-bit limits', async () => {
    await d().seq([
      ['INCR', 'k'],
      ['INCR', 'k'],
      ['DECR', 'k'],
      ['DECR', 'j'],
      ['INCRBY', 'k', '100'],
      ['INCRBY', 'k', '-200'],
      ['DECRBY', 'k', '5'],
      ['DECRBY', 'k', '-5'],
      ['SET', 'big', '9007199254740991'],
      ['INCR', 'big'],
      ['INCR', 'big'],
      ['INCRBY', 'big', '9007199254740993'],
      ['SET', 'max', '9223372036854775806'],
      ['INCR', 'max'],
      ['INCR', 'max'],
      ['GET', 'max'],
      ['DECRBY', 'max', '-1'],
      ['SET', 'min', '-9223372036854775807'],
      ['DECR', 'min'],
      ['DECR', 'min'],
      ['INCRBY', 'min', '-1'],
      ['INCRBY', 'min', '9223372036854775807'],
      ['DECRBY', 'x', '-9223372036854775808'],
      ['DECRBY', 'x', '9223372036854775807'],
      ['DECRBY', 'x', '1'],
      ['INCRBY', 'x', '9223372036854775808'],
      ['INCRBY', 'x', 'abc'],
      ['INCRBY', 'x', '1.5'],
      ['INCRBY', 'x', ' 1'],
      ['INCRBY', 'x', '+1'],
      ['INCRBY', 'x', '01'],
      ['INCRBY', 'x', '-0'],
      ['SET', 's', 'abc'],
      ['INCR', 's'],
      ['SET', 's', '1.0'],
      ['INCR', 's'],
      ['SET', 's', ' 1'],
      ['INCR', 's'],
      ['SET', 's', '0x10'],
      ['INCR', 's'],
      ['SET', 's', '-0'],
      ['INCR', 's'],
      ['SET', 's', '00'],
      ['INCR', 's'],
      ['SET', 's', ''],
      ['INCR', 's'],
      ['SET', 's', '99999999999999999999'],
      ['INCR', 's'],
      ['RPUSH', 'l', 'x'],
      ['INCR', 'l'],
      ['INCRBY', 'l', 'x'],
      ['DECRBY', 'l', '-9223372036854775808'],
      ['SET', 't', '5', 'EX', '100'],
      ['INCR', 't'],
      ['TTL', 't'],
    ]);
  });

  test('INCRBYFLOAT', async () => {
    await d().seq([
      ['SET', 'k', '10.5'],
      ['INCRBYFLOAT', 'k', '0.1'],
      ['INCRBYFLOAT', 'k', '-5'],
      ['INCRBYFLOAT', 'f', '5.0e3'],
      ['INCRBYFLOAT', 'f', '2.0e2'],
      ['INCRBYFLOAT', 'f', '-5200'],
      ['INCRBYFLOAT', 'g', '0.1'],
      ['INCRBYFLOAT', 'g', '0.2'],
      ['INCRBYFLOAT', 'g', '1e-20'],
      ['INCRBYFLOAT', 'h', '1e20'],
      ['INCRBYFLOAT', 'h', '1.5'],
      ['INCRBYFLOAT', 'i', '0x10'],
      ['INCRBYFLOAT', 'i', 'inf'],
      ['INCRBYFLOAT', 'i', '-inf'],
      ['INCRBYFLOAT', 'i', 'nan'],
      ['INCRBYFLOAT', 'i', 'abc'],
      ['INCRBYFLOAT', 'i', ''],
      ['INCRBYFLOAT', 'i', ' 1'],
      ['INCRBYFLOAT', 'i', '1e5000'],
      ['INCRBYFLOAT', 'i', '1e-5000'],
      ['SET', 'inf', 'inf'],
      ['INCRBYFLOAT', 'inf', '1'],
      ['SET', 's', 'abc'],
      ['INCRBYFLOAT', 's', '1'],
      ['INCRBYFLOAT', 's', 'abc'],
      ['SET', 'big', '1e4932'],
      ['INCRBYFLOAT', 'big', '1e4932'],
      ['SET', 'n', '9223372036854775807'],
      ['INCRBYFLOAT', 'n', '1'],
      ['INCRBYFLOAT', 'n', '0.5'],
      ['SET', 'z', '0'],
      ['INCRBYFLOAT', 'z', '-0.000003814697265625'],
      ['INCRBYFLOAT', 'z', '0.000003814697265625'],
      ['INCRBYFLOAT', 'z', '-1e-30'],
      ['RPUSH', 'l', 'x'],
      ['INCRBYFLOAT', 'l', '1'],
      ['INCRBYFLOAT', 'l', 'abc'],
      ['SET', 't', '1', 'EX', '100'],
      ['INCRBYFLOAT', 't', '1.5'],
      ['TTL', 't'],
    ]);
  });

  test('LCS', async () => {
    await d().seq([
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b'],
      ['LCS', 'a', 'b', 'LEN'],
      ['LCS', 'a', 'b', 'IDX'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '4', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '-4', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'LEN', 'IDX'],
      ['LCS', 'a', 'b', 'MINMATCHLEN'],
      ['LCS', 'a', 'b', 'MINMATCHLEN', 'x'],
      ['LCS', 'a', 'b', 'FOO'],
      ['LCS', 'a', 'nokey'],
      ['LCS', 'nokey', 'nokey2', 'IDX'],
      ['LCS', 'a', 'a', 'IDX', 'WITHMATCHLEN'],
      ['MSET', 'x', 'ACCGGTCGAGTGCGCGGAAGCCGGCCGAA', 'y', 'GTCGTTCGGAATGCCGTTGCTCTGTAAA'],
      ['LCS', 'x', 'y'],
      ['LCS', 'x', 'y', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'y', 'x', 'IDX', 'MINMATCHLEN', '2'],
      ['MSET', 'p', BIN + 'abc\x00', 'q', '\x00\xffabc' + BIN],
      ['LCS', 'p', 'q'],
      ['LCS', 'p', 'q', 'IDX'],
      ['RPUSH', 'l', 'x'],
      ['LCS', 'a', 'l'],
      ['LCS', 'l', 'a', 'FOO'],
      ['MSET', 'h1', 'x'.repeat(12000), 'h2', 'y'.repeat(12000)],
      ['LCS', 'h1', 'h2'],
      ['LCS', 'h1', 'h2', 'FOO'],
    ]);
  });

  test('LCS in RESP3', async () => {
    await d().both('HELLO', '3');
    await d().seq([
      ['MSET', 'a', 'ohmytext', 'b', 'mynewtext'],
      ['LCS', 'a', 'b', 'IDX', 'WITHMATCHLEN'],
      ['LCS', 'a', 'b', 'IDX', 'MINMATCHLEN', '100'],
      ['GET', 'nokey'],
      ['SET', 'k', 'v', 'XX'],
      ['GETEX', 'nokey'],
      ['MGET', 'a', 'nokey'],
      ['SET', 'l', 'x', 'NX', 'GET'],
      ['BITFIELD', 'bf', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '10'],
    ]);
    await d().both('HELLO', '2');
  });

  test('large values', async () => {
    const big = 'x'.repeat(100000) + '\x00\xff';
    await d().seq([
      ['SET', 'big', big],
      ['GET', 'big'],
      ['STRLEN', 'big'],
      ['APPEND', 'big', big],
      ['GETRANGE', 'big', '99990', '100010'],
      ['SETRANGE', 'big', '200010', 'tail'],
      ['STRLEN', 'big'],
      ['GETRANGE', 'big', '-10', '-1'],
    ]);
  });

  test('OBJECT ENCODING after string commands', async () => {
    await d().seq([
      ['SET', 'i', '12345'],
      ['OBJECT', 'ENCODING', 'i'],
      ['SET', 'e', 'short'],
      ['OBJECT', 'ENCODING', 'e'],
      ['SET', 'r', 'x'.repeat(45)],
      ['OBJECT', 'ENCODING', 'r'],
      ['APPEND', 'e', 'x'],
      ['OBJECT', 'ENCODING', 'e'],
      ['APPEND', 'new', 'x'],
      ['OBJECT', 'ENCODING', 'new'],
      ['APPEND', 'newi', '12'],
      ['OBJECT', 'ENCODING', 'newi'],
      ['SETRANGE', 'sr', '0', 'ab'],
      ['OBJECT', 'ENCODING', 'sr'],
      ['INCR', 'i'],
      ['OBJECT', 'ENCODING', 'i'],
      ['INCRBYFLOAT', 'f', '1.5'],
      ['OBJECT', 'ENCODING', 'f'],
      ['GETSET', 'e', '7'],
      ['OBJECT', 'ENCODING', 'e'],
      ['MSET', 'm1', '1', 'm2', 'abc'],
      ['OBJECT', 'ENCODING', 'm1'],
      ['OBJECT', 'ENCODING', 'm2'],
      ['SETEX', 'x', '100', '42'],
      ['OBJECT', 'ENCODING', 'x'],
      ['GETEX', 'x', 'PERSIST'],
      ['OBJECT', 'ENCODING', 'x'],
      ['SET', 'sr2', '1'],
      ['SETRANGE', 'sr2', '0', ''],
      ['OBJECT', 'ENCODING', 'sr2'],
      ['APPEND', 'sr2', ''],
      ['OBJECT', 'ENCODING', 'sr2'],
    ]);
  });

  test('WATCH sees string writes', async () => {
    if ((await d().ours.call('WATCH', 'probe')).startsWith('-ERR unknown command')) return; // WATCH not in the tree yet
    await d().both('UNWATCH');
    const p = await d().pair();
    try {
      for (const cmd of [
        ['SET', 'w', 'x'],
        ['APPEND', 'w', 'x'],
        ['INCR', 'n'],
        ['SETRANGE', 'w', '0', 'y'],
        ['INCRBYFLOAT', 'n', '1'],
        ['GETDEL', 'w'],
      ]) {
        await d().seq([['SET', 'w', 'a'], ['SET', 'n', '1'], ['WATCH', 'w', 'n'], ['MULTI'], ['PING']]);
        await Promise.all([p.real.call(...cmd), p.ours.call(...cmd)]);
        await d().same('EXEC');
      }
    } finally {
      p.real.close();
      p.ours.close();
    }
  });
});

/** Reads every keyevent notification a subscriber received, as "event key" lines. */
function events(raw: string): string[] {
  const buf = Buffer.from(raw, 'latin1');
  const outList: string[] = [];
  let pos = 0;
  for (;;) {
    const r = decode(buf, pos);
    if (!r) break;
    pos = r.end;
    const v = r.value as Reply[];
    if (Array.isArray(v) && v[0] === 'pmessage') outList.push(`${String(v[2]).split(':')[1]} ${String(v[3])}`);
  }
  return outList;
}

/**
 * Keyspace notifications: the real server's are read by a PSUBSCRIBE client; ours are
 * recorded at the notifier (the same events the pubsub layer would publish).
 */
async function sameEvents(dd: Differential, cmds: string[][]): Promise<void> {
  const sub = (await dd.pair()).real;
  try {
    await dd.real.call('CONFIG', 'SET', 'notify-keyspace-events', 'KEA');
    await sub.call('PSUBSCRIBE', '__keyevent@*');
    const server = dd.redmoon.server;
    const mine: string[] = [];
    const notifier = server.notifier;
    const orig = notifier.notify;
    notifier.configure('KEA');
    notifier.notify = function (cls, event, key, dbid) {
      mine.push(`${event} ${key}`);
      return orig.call(this, cls, event, key, dbid);
    };
    try {
      for (const c of cmds) await dd.same(...c);
    } finally {
      notifier.notify = orig;
      notifier.configure('');
    }
    const theirs = events(await sub.drain(100));
    expect(mine).toEqual(theirs);
  } finally {
    sub.close();
    await dd.real.call('CONFIG', 'SET', 'notify-keyspace-events', '');
  }
}

describeDifferential('string keyspace notifications', (d) => {
  test('events of every string command', async () => {
    const now = Math.floor(Date.now() / 1000);
    await sameEvents(d(), [
      ['SET', 'a', '1'],
      ['SET', 'a', '2', 'EX', '100'],
      ['SET', 'a', '3', 'NX'],
      ['SET', 'a', '3', 'XX', 'PXAT', String((now + 100) * 1000)],
      ['SET', 'a', '4', 'KEEPTTL', 'GET'],
      ['SETNX', 'b', '1'],
      ['SETNX', 'b', '1'],
      ['SETEX', 'c', '100', 'v'],
      ['PSETEX', 'c', '100000', 'v'],
      ['GETSET', 'c', 'w'],
      ['GETDEL', 'c'],
      ['GETDEL', 'c'],
      ['GETEX', 'a', 'EX', '100'],
      ['GETEX', 'a', 'PERSIST'],
      ['GETEX', 'a', 'PERSIST'],
      ['GETEX', 'a'],
      ['GETEX', 'a', 'EXAT', '1'],
      ['MSET', 'x', '1', 'y', '2'],
      ['MSETNX', 'x', '1', 'z', '2'],
      ['MSETNX', 'z', '1'],
      ['APPEND', 'x', 'a'],
      ['APPEND', 'new', 'a'],
      ['SETRANGE', 'x', '0', 'b'],
      ['SETRANGE', 'x', '0', ''],
      ['INCR', 'n'],
      ['DECRBY', 'n', '5'],
      ['INCRBYFLOAT', 'n', '1.5'],
      ['INCR', 'x'],
      ['SET', 'gone', 'v', 'PXAT', '1'],
      ['GET', 'gone'],
      ['SET', 'gone', 'v', 'EX', '100', 'GET'],
      ['GETDEL', 'gone'],
    ]);
  });
});
