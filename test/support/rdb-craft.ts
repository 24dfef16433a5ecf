/**
 * Hand-built RDB encodings for tests of corrupt payloads: listpacks, ziplists, zipmaps and
 * intsets laid out byte by byte (so a test can break exactly one field), DUMP payloads with
 * a valid CRC, and whole RDB files. Byte strings are latin1.
 */
import { crc64 } from '../../src/keyspace/rdb.ts';

export function u16(n: number): string {
  return String.fromCharCode(n & 0xff, (n >> 8) & 0xff);
}

export function u32(n: number): string {
  return String.fromCharCode(n & 0xff, (n >>> 8) & 0xff, (n >>> 16) & 0xff, (n >>> 24) & 0xff);
}

/** An RDB length (6-bit, 14-bit or 32-bit form). */
export function len(n: number): string {
  if (n < 64) return String.fromCharCode(n);
  if (n < 16384) return String.fromCharCode(0x40 | (n >> 8), n & 0xff);
  return '\x80' + String.fromCharCode((n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
}

/** An RDB string: its length, then its bytes. */
export function str(s: string): string {
  return len(s.length) + s;
}

/** A listpack entry holding a short string (< 64 bytes) with its backlen. */
export function lpStr(s: string): string {
  const body = String.fromCharCode(0x80 | s.length) + s;
  return body + String.fromCharCode(body.length);
}

/** A listpack entry holding a small unsigned integer (0..127). */
export function lpUint(n: number): string {
  return String.fromCharCode(n) + '\x01';
}

/** A listpack of the given raw entries; `count` overrides the header's element count. */
export function listpack(entries: string[], count = entries.length): string {
  const body = entries.join('');
  return u32(6 + body.length + 1) + u16(count) + body + '\xff';
}

/** A ziplist of short strings, with correct prevlen, tail offset and count. */
export function ziplist(items: string[]): string {
  let body = '';
  let prev = 0;
  let tail = 10;
  for (const s of items) {
    tail = 10 + body.length;
    const e = String.fromCharCode(prev) + String.fromCharCode(s.length) + s;
    body += e;
    prev = e.length;
  }
  return u32(10 + body.length + 1) + u32(tail) + u16(items.length) + body + '\xff';
}

/** A zipmap of short field/value pairs. */
export function zipmap(pairs: string[], count = pairs.length / 2): string {
  let body = '';
  for (let i = 0; i < pairs.length; i += 2) body += String.fromCharCode(pairs[i].length) + pairs[i] + String.fromCharCode(pairs[i + 1].length) + '\x00' + pairs[i + 1];
  return String.fromCharCode(count) + body + '\xff';
}

/** An intset of 16-bit members, in the order given. */
export function intset16(members: number[], width = 2): string {
  return u32(width) + u32(members.length) + members.map((m) => u16(m)).join('');
}

/** A DUMP payload: type byte and body, RDB version 10, CRC64. */
export function payload(type: number, body: string): string {
  const b = String.fromCharCode(type) + body + '\x0a\x00';
  return b + crc64(b);
}

/** An RDB file (version 9) holding `records` (type byte, key, value body each) in db 0. */
export function rdbFile(records: [number, string, string][]): Buffer {
  let s = 'REDIS0009' + '\xfa' + str('redis-ver') + str('6.2.0') + '\xfe\x00';
  for (const [type, key, body] of records) s += String.fromCharCode(type) + str(key) + body;
  s += '\xff';
  s += crc64(s);
  return Buffer.from(s, 'latin1');
}
