import { describe, test, expect } from 'vitest';
import { RequestParser, ProtocolError } from '../../src/resp/parser.ts';
import { splitArgs } from '../../src/util/splitargs.ts';

const limits = { maxBulkLen: 512 * 1024 * 1024, authRequired: () => false };

/** Feeds the chunks and collects everything the parser yields. */
function parseChunks(chunks: Buffer[], lim = limits): (string[] | string)[] {
  const p = new RequestParser(lim);
  const out: (string[] | string)[] = [];
  for (const ch of chunks) {
    p.feed(ch);
    for (;;) {
      const r = p.next();
      if (r === null) break;
      if (r instanceof ProtocolError) {
        out.push(r.message);
        return out;
      }
      out.push(r);
    }
  }
  return out;
}

const b = (s: string) => Buffer.from(s, 'latin1');

const PIPELINE =
  '*3\r\n$3\r\nSET\r\n$3\r\nkey\r\n$5\r\nva\r\nl\r\n' +
  'PING\r\n' +
  '*2\r\n$4\r\nECHO\r\n$0\r\n\r\n' +
  'ECHO "a b" \'c\'\n' +
  '*1\r\n$4\r\n\x00\xff\x80\x01\r\n';
const EXPECTED = [['SET', 'key', 'va\r\nl'], ['PING'], ['ECHO', ''], ['ECHO', 'a b', 'c'], ['\x00\xff\x80\x01']];

describe('RequestParser', () => {
  test('whole pipeline in one chunk', () => {
    expect(parseChunks([b(PIPELINE)])).toEqual(EXPECTED);
  });

  test('byte by byte', () => {
    const all = b(PIPELINE);
    const chunks: Buffer[] = [];
    for (let i = 0; i < all.length; i++) chunks.push(all.subarray(i, i + 1));
    expect(parseChunks(chunks)).toEqual(EXPECTED);
  });

  test('repeated names and keys come back as the same bytes, also where cache slots collide', () => {
    // same length, first, middle and last two bytes: the interning caches' hash cannot tell them apart
    const keys = ['k:0000a11', 'k:1000b11', 'k:0000a11', 'k:0100a11', 'k:0000a11', '', 'k:1000b11', '\xff\x00a\x80'];
    const cmd = (argv: string[]) => `*${argv.length}\r\n` + argv.map((a) => `$${a.length}\r\n${a}\r\n`).join('');
    const argvs: string[][] = [];
    for (let i = 0; i < 40; i++) for (const k of keys) argvs.push([i % 2 ? 'GET' : 'gex', k, k]);
    const text = argvs.map(cmd).join('');
    expect(parseChunks([b(text)])).toEqual(argvs);
    // the general path (a command split between reads) too
    expect(parseChunks(Array.from(b(text), (x) => Buffer.from([x])).slice(0, 3000))).toEqual(parseChunks([b(text.slice(0, 3000))]));
  });

  test('split at every offset', () => {
    const all = b(PIPELINE);
    for (let i = 1; i < all.length; i++) {
      expect(parseChunks([all.subarray(0, i), all.subarray(i)]), `split at ${i}`).toEqual(EXPECTED);
    }
  });

  test('large bulk arriving in many chunks', () => {
    const big = 'x'.repeat(200_000) + '\x00\xff';
    const all = b(`*2\r\n$4\r\nECHO\r\n$${big.length}\r\n${big}\r\n*1\r\n$4\r\nPING\r\n`);
    const chunks: Buffer[] = [];
    for (let i = 0; i < all.length; i += 7001) chunks.push(all.subarray(i, i + 7001));
    expect(parseChunks(chunks)).toEqual([['ECHO', big], ['PING']]);
  });

  test('empty multibulks and blank inline lines are skipped', () => {
    expect(parseChunks([b('*0\r\n*-1\r\n\r\n  \r\nPING\r\n')])).toEqual([['PING']]);
  });

  test('protocol errors', () => {
    expect(parseChunks([b('*x\r\n')])).toEqual(['Protocol error: invalid multibulk length']);
    expect(parseChunks([b('*1\r\n+x\r\n')])).toEqual(["Protocol error: expected '$', got '+'"]);
    expect(parseChunks([b('*1\r\n$-1\r\n')])).toEqual(['Protocol error: invalid bulk length']);
    expect(parseChunks([b('*1\r\n$99999999999\r\n')])).toEqual(['Protocol error: invalid bulk length']);
    expect(parseChunks([b('ECHO "abc\r\n')])).toEqual(['Protocol error: unbalanced quotes in request']);
    expect(parseChunks([b('x'.repeat(70_000))])).toEqual(['Protocol error: too big inline request']);
    expect(parseChunks([b('*' + '1'.repeat(70_000))])).toEqual(['Protocol error: too big mbulk count string']);
    expect(parseChunks([b('*1\r\n$' + '1'.repeat(70_000))])).toEqual(['Protocol error: too big bulk count string']);
  });

  test('unauthenticated clients get small limits, as in Redis', () => {
    const lim = { maxBulkLen: 1 << 29, authRequired: () => true };
    expect(parseChunks([b('*11\r\n')], lim)).toEqual(['Protocol error: unauthenticated multibulk length']);
    expect(parseChunks([b('*1\r\n$16385\r\n')], lim)).toEqual(['Protocol error: unauthenticated bulk length']);
  });

  test('malformed input never throws', () => {
    let seed = 1;
    const rnd = () => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff);
    const alphabet = '*$\r\n0123456789-"\' \\xabc';
    for (let n = 0; n < 2000; n++) {
      let s = '';
      const len = Math.floor(rnd() * 40);
      for (let i = 0; i < len; i++) s += alphabet[Math.floor(rnd() * alphabet.length)];
      expect(() => parseChunks([b(s)])).not.toThrow();
    }
  });
});

describe('splitArgs (inline quoting)', () => {
  test('quotes and escapes', () => {
    expect(splitArgs('set "a\\x41\\n" \'b\\\'c\'')).toEqual(['set', 'aA\n', "b'c"]);
    expect(splitArgs('  a   b  ')).toEqual(['a', 'b']);
    expect(splitArgs('a"b c"')).toEqual(['ab c']);
    expect(splitArgs('"\\x4g"')).toEqual(['x4g']);
    expect(splitArgs('""')).toEqual(['']);
  });
  test('unbalanced and bad closing quotes', () => {
    expect(splitArgs('"abc')).toBeNull();
    expect(splitArgs("'abc")).toBeNull();
    expect(splitArgs('"a"b')).toBeNull();
    expect(splitArgs("'a'b")).toBeNull();
  });
});
