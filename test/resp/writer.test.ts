import { describe, test, expect } from 'vitest';
import { RespWriter } from '../../src/resp/writer.ts';

function bytes(w: RespWriter): string {
  return Buffer.concat(w.take()).latin1Slice();
}

describe('RespWriter', () => {
  test('RESP2 encodings', () => {
    const w = new RespWriter();
    w.simple('OK');
    w.error('ERR x');
    w.integer(-5);
    w.integer(9223372036854775807n);
    w.bulk('a\x00\xff');
    w.null();
    w.nullArray();
    w.map(1);
    w.bulk('k');
    w.double(1.5);
    w.set(0);
    w.bool(true);
    w.verbatim('txt');
    w.bigNumber('123');
    w.push(0);
    w.double(Infinity);
    expect(bytes(w)).toBe(
      '+OK\r\n-ERR x\r\n:-5\r\n:9223372036854775807\r\n$3\r\na\x00\xff\r\n$-1\r\n*-1\r\n*2\r\n$1\r\nk\r\n$3\r\n1.5\r\n*0\r\n:1\r\n$3\r\ntxt\r\n$3\r\n123\r\n*0\r\n$3\r\ninf\r\n',
    );
  });

  test('RESP3 encodings', () => {
    const w = new RespWriter();
    w.resp = 3;
    w.null();
    w.nullArray();
    w.map(1);
    w.set(2);
    w.double(0.1);
    w.double(-Infinity);
    w.bool(false);
    w.verbatim('hi');
    w.bigNumber('1');
    w.push(2);
    expect(bytes(w)).toBe('_\r\n_\r\n%1\r\n~2\r\n,0.10000000000000001\r\n,-inf\r\n#f\r\n=6\r\ntxt:hi\r\n(1\r\n>2\r\n');
  });

  test('large and many replies span chunks intact', () => {
    const w = new RespWriter();
    const big = 'y'.repeat(100_000);
    let expected = '';
    for (let i = 0; i < 5000; i++) {
      w.bulk(`v${i}`);
      expected += `$${`v${i}`.length}\r\nv${i}\r\n`;
    }
    w.bulk(big);
    expected += `$100000\r\n${big}\r\n`;
    expect(bytes(w)).toBe(expected);
    expect(w.hasPending).toBe(false);
  });

  test('integers of every size are written exactly', () => {
    const w = new RespWriter();
    const values: (number | bigint)[] = [0, 7, 10, 99, 100, 2147483647, 2147483648, -1, -2147483649, 999999999999999, 1000000000000000, 9007199254740991, -9007199254740991, 9223372036854775807n];
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      values.push(Math.floor((seed / 0x7fffffff) * 10 ** (i % 16)));
    }
    for (const v of values) w.integer(v);
    expect(bytes(w)).toBe(values.map((v) => `:${v}\r\n`).join(''));
  });

  test('muted writer writes nothing', () => {
    const w = new RespWriter();
    w.muted = true;
    w.simple('OK');
    w.bulk('x');
    expect(w.take()).toEqual([]);
  });

  test('slices taken earlier are not overwritten by later writes', () => {
    const w = new RespWriter();
    w.simple('A');
    const first = w.take();
    w.simple('B');
    expect(Buffer.concat(first).latin1Slice()).toBe('+A\r\n');
    expect(bytes(w)).toBe('+B\r\n');
  });
});
