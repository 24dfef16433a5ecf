import { test } from 'vitest';
import { describeDifferential } from '../support/differential.ts';
import { Rng } from '../property/harness.ts';

/** Minimal reproductions of bugs the property and robustness suites found, compared with redis-server. */
describeDifferential('property/robustness regressions', (d) => {
  test('GEO WITHHASH of a score that is not a geohash (GEOSEARCHSTORE STOREDIST)', async () => {
    await d().seq([
      ['GEOADD', 'g', '13.361389', '38.115556', 'p', '15.087269', '37.502669', 'q'],
      ['GEOSEARCHSTORE', 'd', 'g', 'FROMLONLAT', '15', '37', 'BYRADIUS', '200', 'km', 'STOREDIST'],
      ['GEOSEARCH', 'd', 'FROMMEMBER', 'q', 'BYBOX', '40000', '40000', 'km', 'WITHDIST', 'WITHHASH', 'ASC'],
      ['ZADD', 'd', '1e20', 'big'],
      ['GEORADIUSBYMEMBER', 'd', 'q', '40000', 'km', 'WITHHASH', 'ASC'],
    ]);
  });

  test('errors quoting user data: CR/LF sanitized, cut at NUL', async () => {
    await d().seq([
      ['SET', 'k', 'v'],
      ['PEXPIRE', 'k', '1', '\r\nab\ncd\r\n'],
      ['PEXPIRE', 'k', '1', 'a\x00b'],
      ['FO\x00O', 'a\x00b'],
      ['OBJECT', 'a\x00b\n'],
      ['PFDEBUG', 'x\x00y', 'k'],
      ['PING'],
    ]);
  });

  test('HLL: a sparse VAL run past the last register is corruption', async () => {
    await d().seq([
      ['PFADD', 'h', 'x'],
      ['APPEND', 'h', '\xC1'],
      ['PFCOUNT', 'h'],
      ['PFCOUNT', 'h', 'other'],
      ['PFMERGE', 'dst', 'h'],
      ['PFDEBUG', 'GETREG', 'h'],
      ['PFADD', 'h', 'y'],
    ]);
  });

  test('SORT weights are C strings; SORT converts a listpack zset to skiplist', async () => {
    await d().seq([
      ['RPUSH', 'l', '\x00\x01', '3.5', '', '0'],
      ['SORT', 'l'],
      ['SET', 'w_a', '\x00junk'],
      ['RPUSH', 'l2', 'a', 'b'],
      ['SORT', 'l2', 'BY', 'w_*'],
      ['ZADD', 'z', '1', 'a', '2', 'b'],
      ['OBJECT', 'ENCODING', 'z'],
      ['SORT', 'z', 'ALPHA'],
      ['OBJECT', 'ENCODING', 'z'],
    ]);
  });

  test('INCRBYFLOAT stores a plain string; COPY of a shared integer is unshared', async () => {
    await d().seq([
      ['INCRBYFLOAT', 'f', '1e3'],
      ['OBJECT', 'ENCODING', 'f'],
      ['RENAME', 'f', 'g'],
      ['OBJECT', 'ENCODING', 'g'],
      ['INCR', 'g'],
      ['OBJECT', 'ENCODING', 'g'],
      ['SET', 'n', '5'],
      ['OBJECT', 'REFCOUNT', 'n'],
      ['COPY', 'n', 'm'],
      ['OBJECT', 'REFCOUNT', 'm'],
      ['OBJECT', 'ENCODING', 'm'],
      ['MOVE', 'm', '1'],
      ['SELECT', '1'],
      ['OBJECT', 'REFCOUNT', 'm'],
      ['SELECT', '0'],
    ]);
  });

  test('DUMP of lists built by tail pushes splits quicklist nodes like Redis, for every list-max-listpack-size', async () => {
    const r = new Rng(5);
    for (const fill of ['-1', '-2', '-5', '0', '1', '4', '100']) {
      await d().same('CONFIG', 'SET', 'list-max-listpack-size', fill);
      for (let t = 0; t < 4; t++) {
        await d().both('DEL', 'l');
        const n = r.range(1, 300);
        for (let i = 0; i < n; i += 20) {
          const items = Array.from({ length: 20 }, () => (r.chance(0.3) ? String(r.range(-100000, 100000)) : 'x'.repeat(r.pick([1, 60, 63, 64, 200, 1000, 4100]))));
          await d().same('RPUSH', 'l', ...items);
        }
        await d().same('DUMP', 'l');
      }
    }
    await d().same('CONFIG', 'SET', 'list-max-listpack-size', '-2');
  });
});
