/**
 * RESTORE of corrupt payloads, side by side with redis-server: which ones each
 * sanitize-dump-payload mode refuses (`ERR Bad data format`), DEBUG
 * SET-SKIP-CHECKSUM-VALIDATION, and rdbLoadLen's reading of an encoded length byte.
 * Payloads are built byte by byte (test/support/rdb-craft.ts), one broken field each.
 */
import { test, expect } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { startServer } from '../../src/index.ts';
import { crc64 } from '../../src/keyspace/rdb.ts';
import { listpack, lpStr, lpUint, ziplist, zipmap, intset16, payload, str, len, u32, u16 } from '../support/rdb-craft.ts';

const T = { LIST: 1, SET: 2, HASH: 4, ZSET2: 5, ZIPMAP: 9, LIST_ZL: 10, INTSET: 11, ZSET_ZL: 12, HASH_ZL: 13, QL: 14, HASH_LP: 16, ZSET_LP: 17, QL2: 18 };

/** Refused by Redis whatever sanitize-dump-payload says. */
const ALWAYS_REFUSED: [string, string][] = [
  ['hash listpack, header byte count wrong', payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1')]).replace(/^./s, '\x30')))],
  ['hash listpack, no EOF byte', payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1')]).slice(0, -1) + '\x00'))],
  ['hash ziplist, wrong prevlen', payload(T.HASH_ZL, str(ziplist(['a', '1', 'b', '2']).replace('\x03\x01b', '\x07\x01b')))],
  ['hash ziplist, duplicate field', payload(T.HASH_ZL, str(ziplist(['a', '1', 'a', '2'])))],
  ['hash ziplist, odd count', payload(T.HASH_ZL, str(ziplist(['a', '1', 'b'])))],
  ['hash ziplist, header count wrong', payload(T.HASH_ZL, str(ziplist(['a', '1']).replace(/^(.{8})../s, `$1${u16(5)}`)))],
  ['zset ziplist, odd count', payload(T.ZSET_ZL, str(ziplist(['a', '1', 'b'])))],
  ['list ziplist, tail offset past the end', payload(T.LIST_ZL, str(ziplist(['a']).replace(/^(.{4}).{4}/s, `$1${u32(200)}`)))],
  ['list ziplist, empty', payload(T.LIST_ZL, str(ziplist([])))],
  ['quicklist of an empty string', payload(T.QL, len(1) + str(''))],
  ['quicklist v2, unknown container', payload(T.QL2, len(1) + len(3) + str(listpack([lpStr('a')])))],
  ['intset, width 3', payload(T.INTSET, str(intset16([1, 2], 3)))],
  ['intset, empty', payload(T.INTSET, str(intset16([])))],
  ['set, duplicate member', payload(T.SET, len(2) + str('a') + str('a'))],
  ['set, no members', payload(T.SET, len(0))],
  ['hash, no fields', payload(T.HASH, len(0))],
  ['list, no elements', payload(T.LIST, len(0))],
  ['zset, NaN score', payload(T.ZSET2, len(1) + str('m') + '\x00\x00\x00\x00\x00\x00\xf8\x7f')],
  ['zset, duplicate member', payload(T.ZSET2, len(2) + str('m') + '\x00'.repeat(8) + str('m') + '\x00'.repeat(8))],
  ['zipmap, count wrong', payload(T.ZIPMAP, str(zipmap(['a', '1'], 3)))],
  ['zipmap, empty', payload(T.ZIPMAP, str('\x00\xff'))],
  ['zipmap, 5-byte length of a short field', payload(T.ZIPMAP, str('\x01\xfe' + u32(1) + 'k\x01\x00v\xff'))],
  ['unknown value type', payload(7, str('x'))],
  ['string with an unknown encoding', payload(0, '\xc5')],
];

/** Refused when payloads are validated in depth; Redis keeps them otherwise. */
const DEEP_REFUSED: [string, string][] = [
  ['hash listpack, duplicate field', payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1'), lpStr('a'), lpStr('2')])))],
  ['hash listpack, odd count', payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1'), lpStr('b')])))],
  ['hash listpack, header count wrong', payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1')], 4)))],
  ['zset listpack, duplicate member', payload(T.ZSET_LP, str(listpack([lpStr('a'), lpUint(1), lpStr('a'), lpUint(2)])))],
  ['list listpack, broken backlen', payload(T.QL2, len(1) + len(2) + str(listpack([lpStr('ab').slice(0, -1) + '\x05'])))],
  ['hash, duplicate field', payload(T.HASH, len(2) + str('f') + str('1') + str('f') + str('2'))],
  ['intset, out of order', payload(T.INTSET, str(intset16([5, 1])))],
];

async function restoreBoth(d: ReturnType<Parameters<Parameters<typeof describeDifferential>[1]>[0]>, p: string): Promise<string> {
  return d.same('RESTORE', 'k', '0', p, 'REPLACE');
}

describeDifferential(
  'RESTORE payload validation (sanitize-dump-payload)',
  (d) => {
    for (const mode of ['no', 'yes']) {
      test(`sanitize ${mode}: payloads Redis always refuses get Bad data format`, async () => {
        await d().same('CONFIG', 'SET', 'sanitize-dump-payload', mode);
        for (const [what, p] of ALWAYS_REFUSED) {
          const reply = await restoreBoth(d(), p);
          expect(reply, what).toBe('-ERR Bad data format\r\n');
        }
      });
    }

    test('sanitize yes: deep validation refuses malformed entries, duplicates and bad counts', async () => {
      await d().same('CONFIG', 'SET', 'sanitize-dump-payload', 'yes');
      for (const [what, p] of DEEP_REFUSED) expect(await restoreBoth(d(), p), what).toBe('-ERR Bad data format\r\n');
    });

    test('sanitize clients: deep validation for a normal client', async () => {
      await d().same('CONFIG', 'SET', 'sanitize-dump-payload', 'clients');
      for (const [what, p] of DEEP_REFUSED) expect(await restoreBoth(d(), p), what).toBe('-ERR Bad data format\r\n');
      await d().same('CONFIG', 'SET', 'sanitize-dump-payload', 'no');
    });

    test('valid hand-built payloads of every compact encoding load the same', async () => {
      await d().same('CONFIG', 'SET', 'sanitize-dump-payload', 'yes');
      const ok: [string, string, string[]][] = [
        ['hash listpack', payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1'), lpStr('b'), lpUint(7)]))), ['HGETALL', 'k']],
        ['hash ziplist', payload(T.HASH_ZL, str(ziplist(['a', '1', 'b', '2']))), ['HGETALL', 'k']],
        ['zset ziplist', payload(T.ZSET_ZL, str(ziplist(['a', '1', 'b', '2.5']))), ['ZRANGE', 'k', '0', '-1', 'WITHSCORES']],
        ['zset listpack', payload(T.ZSET_LP, str(listpack([lpStr('a'), lpUint(1), lpStr('b'), lpStr('2.5')]))), ['ZRANGE', 'k', '0', '-1', 'WITHSCORES']],
        ['list ziplist', payload(T.LIST_ZL, str(ziplist(['x', 'y']))), ['LRANGE', 'k', '0', '-1']],
        ['quicklist of ziplists', payload(T.QL, len(2) + str(ziplist(['x'])) + str(ziplist(['y', 'z']))), ['LRANGE', 'k', '0', '-1']],
        ['quicklist v2, plain and packed nodes', payload(T.QL2, len(2) + len(1) + str('plain') + len(2) + str(listpack([lpStr('p'), lpUint(3)]))), ['LRANGE', 'k', '0', '-1']],
        ['intset', payload(T.INTSET, str(intset16([1, 5, 9]))), ['SMEMBERS', 'k']],
        ['zipmap', payload(T.ZIPMAP, str(zipmap(['f', 'v', 'g', 'w']))), ['HGETALL', 'k']],
        // rdbLoadLen reads a string-encoding byte where a length belongs as its low 6 bits
        ['list with an encoded length byte', payload(T.LIST, '\xc2' + str('a') + str('b')), ['LRANGE', 'k', '0', '-1']],
      ];
      for (const [what, p, read] of ok) {
        expect(await restoreBoth(d(), p), what).toBe('+OK\r\n');
        await d().same(...read);
        await d().same('OBJECT', 'ENCODING', 'k');
      }
    });

    test('a stream with two consumers of one name is refused', async () => {
      await d().same('XADD', 's', '1-1', 'f', 'v');
      await d().same('XGROUP', 'CREATE', 's', 'g', '0');
      await d().same('XGROUP', 'CREATECONSUMER', 's', 'g', 'c1');
      await d().same('XGROUP', 'CREATECONSUMER', 's', 'g', 'c2');
      const raw = await d().real.call('DUMP', 's');
      const dump = raw.slice(raw.indexOf('\r\n') + 2, -2);
      const body = dump.slice(0, -8).replace('\x02c2', '\x02c1');
      await d().same('RESTORE', 't', '0', body + crc64(body));
    });

    test('DEBUG SET-SKIP-CHECKSUM-VALIDATION: the CRC is not checked, the version still is', async () => {
      const body = String.fromCharCode(0) + str('hello') + '\x0a\x00';
      const wrong = body + '\x00\x01\x02\x03\x04\x05\x06\x07';
      await d().same('RESTORE', 'k', '0', wrong);
      await d().same('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '1');
      await d().same('RESTORE', 'k', '0', wrong);
      await d().same('GET', 'k');
      await d().same('RESTORE', 'k2', '0', String.fromCharCode(0) + str('x') + '\x0b\x00' + '\x00'.repeat(8));
      await d().same('DEBUG', 'SET-SKIP-CHECKSUM-VALIDATION', '0');
      await d().same('RESTORE', 'k3', '0', wrong);
    });
  },
  { 'enable-debug-command': 'yes' },
);

test('a refused payload logs the reason at verbose level, as rdbReportError does in RESTORE', async () => {
  const lines: string[] = [];
  const s = await startServer({ port: 0, config: { loglevel: 'verbose', 'sanitize-dump-payload': 'yes' }, log: (l) => lines.push(l) });
  try {
    const dup = payload(T.HASH_LP, str(listpack([lpStr('a'), lpStr('1'), lpStr('a'), lpStr('2')])));
    expect(() => s.call('RESTORE', 'k', '0', Buffer.from(dup, 'latin1'))).toThrow('ERR Bad data format');
    expect(lines.some((l) => l.endsWith('- Internal error in RDB reading offset 0, function at rdb.c:2301 -> Hash listpack integrity check failed.'))).toBe(true);
    // an embedded server cannot crash: what Redis would keep and crash on is refused
    s.call('CONFIG', 'SET', 'sanitize-dump-payload', 'no');
    const broken = payload(T.QL2, len(1) + len(2) + str(listpack([lpStr('ab').slice(0, -1) + '\x05'])));
    expect(() => s.call('RESTORE', 'k', '0', Buffer.from(broken, 'latin1'))).toThrow('ERR Bad data format');
    expect(s.call('PING')).toBe('PONG');
  } finally {
    await s.close();
  }
});
