/**
 * Redis RDB object serialization for DUMP/RESTORE: `<type><value><rdb version LE16><crc64 LE>`.
 * Byte strings in, byte strings out (latin1 JS strings).
 *
 * Strings are encoded exactly as Redis 7.0 (int8/16/32 forms, LZF over 20 bytes), so their
 * payloads are byte-identical. Lists (quicklist of listpacks), small hashes and zsets
 * (listpack), intsets and big zsets (skiplist order) follow Redis's layouts; hashtable-encoded
 * sets and hashes are written in our iteration order, which Redis's hash order differs from.
 * Streams (listpack nodes, metadata, consumer groups) follow RDB_TYPE_STREAM_LISTPACKS_2.
 */
import { constants as bufferConstants } from 'node:buffer';
import type { RedisValue } from './db.ts';
import { List } from './list.ts';
import { ZSet } from './zset.ts';
import { HashValue } from './hash.ts';
import { SetValue } from './set.ts';
import {
  FLAG_SAMEFIELDS,
  FLAG_DELETED,
  Stream,
  StreamNode,
  ConsumerGroup,
  Consumer,
  Nack,
  normU64,
  formatID,
  cmpID,
  type StreamID,
  type Pel,
} from './stream.ts';
import { parseInt64, formatDouble17, parseDouble } from '../util/numbers.ts';

export const RDB_VERSION = 10;

/** V8's longest string: decompressed strings cannot be longer. */
const LZF_MAX_OUT = bufferConstants.MAX_STRING_LENGTH;

const T_STRING = 0;
const T_LIST = 1;
const T_SET = 2;
const T_ZSET = 3;
const T_HASH = 4;
const T_ZSET_2 = 5;
// Encodings older files (RDB 9 and before) hold; 7.0 still reads them.
const T_HASH_ZIPMAP = 9;
const T_LIST_ZIPLIST = 10;
const T_SET_INTSET = 11;
const T_ZSET_ZIPLIST = 12;
const T_HASH_ZIPLIST = 13;
const T_LIST_QUICKLIST = 14;
const T_STREAM_LISTPACKS = 15;
const T_LIST_QUICKLIST_2 = 18;
const T_HASH_LISTPACK = 16;
const T_ZSET_LISTPACK = 17;
const T_STREAM_LISTPACKS_2 = 19;

// ---- CRC64 (Jones polynomial, reflected, init 0) as 2x32-bit halves -------------------------

const CRC_LO = new Uint32Array(256);
const CRC_HI = new Uint32Array(256);
{
  const poly = 0x95ac9329ac4bc9b5n; // 0xad93d23594c935a9 bit-reversed
  for (let i = 0; i < 256; i++) {
    let c = BigInt(i);
    for (let k = 0; k < 8; k++) c = c & 1n ? (c >> 1n) ^ poly : c >> 1n;
    CRC_LO[i] = Number(c & 0xffffffffn);
    CRC_HI[i] = Number(c >> 32n);
  }
}

/** Tables k = 0..7 (256 entries each): the CRC of a byte followed by k zero bytes. */
const SLICE_TABLES = (() => {
  const lo = new Uint32Array(8 * 256);
  const hi = new Uint32Array(8 * 256);
  lo.set(CRC_LO);
  hi.set(CRC_HI);
  for (let k = 1; k < 8; k++) {
    for (let i = 0; i < 256; i++) {
      const pl = lo[(k - 1) * 256 + i];
      const ph = hi[(k - 1) * 256 + i];
      const idx = pl & 0xff;
      lo[k * 256 + i] = ((pl >>> 8) | (ph << 24)) ^ CRC_LO[idx];
      hi[k * 256 + i] = (ph >>> 8) ^ CRC_HI[idx];
    }
  }
  return { lo, hi };
})();

/** CRC64 of a byte string; returned as 8 little-endian bytes (a byte string). */
export function crc64(s: string, end = s.length): string {
  let lo = 0;
  let hi = 0;
  for (let i = 0; i < end; i++) {
    const idx = (lo ^ s.charCodeAt(i)) & 0xff;
    lo = ((lo >>> 8) | (hi << 24)) ^ CRC_LO[idx];
    hi = (hi >>> 8) ^ CRC_HI[idx];
  }
  lo >>>= 0;
  hi >>>= 0;
  return String.fromCharCode(lo & 0xff, (lo >>> 8) & 0xff, (lo >>> 16) & 0xff, lo >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, hi >>> 24);
}

/** CRC64 over data fed in pieces (an RDB file's trailer, written as it is produced). */
export class Crc64 {
  private lo = 0;
  private hi = 0;

  update(b: Uint8Array): void {
    let lo = this.lo;
    let hi = this.hi;
    let i = 0;
    // slicing-by-8: eight table lookups per 8 bytes instead of a dependent chain per byte
    const T = SLICE_TABLES;
    for (const end = b.length - 7; i < end; i += 8) {
      const xl = lo ^ (b[i] | (b[i + 1] << 8) | (b[i + 2] << 16) | (b[i + 3] << 24));
      const xh = hi ^ (b[i + 4] | (b[i + 5] << 8) | (b[i + 6] << 16) | (b[i + 7] << 24));
      const a = 7 * 256 + (xl & 0xff);
      const c = 6 * 256 + ((xl >>> 8) & 0xff);
      const d = 5 * 256 + ((xl >>> 16) & 0xff);
      const e = 4 * 256 + (xl >>> 24);
      const f = 3 * 256 + (xh & 0xff);
      const g = 2 * 256 + ((xh >>> 8) & 0xff);
      const h = 256 + ((xh >>> 16) & 0xff);
      const k = xh >>> 24;
      lo = T.lo[a] ^ T.lo[c] ^ T.lo[d] ^ T.lo[e] ^ T.lo[f] ^ T.lo[g] ^ T.lo[h] ^ T.lo[k];
      hi = T.hi[a] ^ T.hi[c] ^ T.hi[d] ^ T.hi[e] ^ T.hi[f] ^ T.hi[g] ^ T.hi[h] ^ T.hi[k];
    }
    for (; i < b.length; i++) {
      const idx = (lo ^ b[i]) & 0xff;
      lo = ((lo >>> 8) | (hi << 24)) ^ CRC_LO[idx];
      hi = (hi >>> 8) ^ CRC_HI[idx];
    }
    this.lo = lo;
    this.hi = hi;
  }

  /** The CRC as the 8 little-endian bytes RDB stores. */
  digest(): Buffer {
    const out = Buffer.alloc(8);
    out.writeUInt32LE(this.lo >>> 0, 0);
    out.writeUInt32LE(this.hi >>> 0, 4);
    return out;
  }
}

// ---- LZF (liblzf format; compressor mirrors Redis's VERY_FAST, HLOG 16 configuration) ---------

/** Compresses `s`; returns null when the result would not fit in `outLen` bytes. */
export function lzfCompress(s: string, outLen: number): string | null {
  const inLen = s.length;
  if (inLen === 0 || outLen === 0) return null;
  const htab = new Int32Array(1 << 16); // position + 1; 0 = empty
  const out = new Uint8Array(outLen + 8);
  let ip = 0;
  let op = 1; // start run
  let lit = 0;
  const idx = (h: number): number => ((h >>> 8) - h * 5) & 0xffff;
  let hval = (s.charCodeAt(0) << 8) | s.charCodeAt(1);
  while (ip < inLen - 2) {
    hval = ((hval << 8) | s.charCodeAt(ip + 2)) & 0xffffff;
    const slot = idx(hval);
    const ref = htab[slot] - 1;
    htab[slot] = ip + 1;
    let off: number;
    if (
      ref > 0 &&
      (off = ip - ref - 1) < 8192 &&
      off >= 0 &&
      s.charCodeAt(ref + 2) === s.charCodeAt(ip + 2) &&
      s.charCodeAt(ref + 1) === s.charCodeAt(ip + 1) &&
      s.charCodeAt(ref) === s.charCodeAt(ip)
    ) {
      let len = 2;
      let maxlen = inLen - ip - len;
      if (maxlen > 264) maxlen = 264;
      if (op + 4 >= outLen) if (op - (lit === 0 ? 1 : 0) + 4 >= outLen) return null;
      out[op - lit - 1] = lit - 1;
      op -= lit === 0 ? 1 : 0;
      // As liblzf: a 16-step unrolled probe first (it may run past maxlen), then the loop.
      let stopped = false;
      if (maxlen > 16) {
        for (let k = 0; k < 16; k++) {
          len++;
          if (s.charCodeAt(ref + len) !== s.charCodeAt(ip + len)) {
            stopped = true;
            break;
          }
        }
      }
      if (!stopped) {
        do len++;
        while (len < maxlen && s.charCodeAt(ref + len) === s.charCodeAt(ip + len));
      }
      len -= 2;
      ip++;
      if (len < 7) {
        out[op++] = (off >>> 8) + (len << 5);
      } else {
        out[op++] = (off >>> 8) + (7 << 5);
        out[op++] = len - 7;
      }
      out[op++] = off & 0xff;
      lit = 0;
      op++;
      ip += len + 1;
      if (ip >= inLen - 2) break;
      ip -= 2;
      hval = (s.charCodeAt(ip) << 8) | s.charCodeAt(ip + 1);
      hval = ((hval << 8) | s.charCodeAt(ip + 2)) & 0xffffff;
      htab[idx(hval)] = ip + 1;
      ip++;
      hval = ((hval << 8) | s.charCodeAt(ip + 2)) & 0xffffff;
      htab[idx(hval)] = ip + 1;
      ip++;
    } else {
      if (op >= outLen) return null;
      lit++;
      out[op++] = s.charCodeAt(ip++);
      if (lit === 32) {
        out[op - lit - 1] = lit - 1;
        lit = 0;
        op++;
      }
    }
  }
  if (op + 3 > outLen) return null;
  while (ip < inLen) {
    lit++;
    out[op++] = s.charCodeAt(ip++);
    if (lit === 32) {
      out[op - lit - 1] = lit - 1;
      lit = 0;
      op++;
    }
  }
  out[op - lit - 1] = lit - 1;
  op -= lit === 0 ? 1 : 0;
  return Buffer.from(out.buffer, 0, op).latin1Slice();
}

/** Decompresses LZF data to exactly `outLen` bytes, or null when malformed. */
export function lzfDecompress(s: string, outLen: number): string | null {
  // A back reference of 3 input bytes yields at most 264 bytes: larger claims are corrupt
  // (and must not allocate); nor can a JS string exceed V8's maximum length.
  if (!(outLen >= 0) || outLen > s.length * 88 + 64 || outLen > LZF_MAX_OUT) return null;
  const out = new Uint8Array(outLen);
  let ip = 0;
  let op = 0;
  const inLen = s.length;
  while (ip < inLen) {
    let ctrl = s.charCodeAt(ip++);
    if (ctrl < 32) {
      ctrl++;
      if (op + ctrl > outLen || ip + ctrl > inLen) return null;
      for (let k = 0; k < ctrl; k++) out[op++] = s.charCodeAt(ip++);
    } else {
      let len = ctrl >> 5;
      let ref = op - ((ctrl & 0x1f) << 8) - 1;
      if (len === 7) {
        if (ip >= inLen) return null;
        len += s.charCodeAt(ip++);
      }
      if (ip >= inLen) return null;
      ref -= s.charCodeAt(ip++);
      len += 2;
      if (op + len > outLen || ref < 0) return null;
      for (let k = 0; k < len; k++) out[op++] = out[ref++];
    }
  }
  if (op !== outLen) return null;
  return Buffer.from(out.buffer, 0, op).latin1Slice();
}

// ---- writer ---------------------------------------------------------------------------------

class Writer {
  parts: string[] = [];
  constructor(readonly compress: boolean) {}

  byte(b: number): void {
    this.parts.push(String.fromCharCode(b));
  }

  len(n: number | bigint): void {
    if (typeof n === 'bigint') {
      // rdbSaveLen takes a uint64_t: negative values (entries_read -1) wrap.
      n = BigInt.asUintN(64, n);
      if (n <= 0xffffffffn) n = Number(n);
    }
    if (n < 64) this.byte(n as number);
    else if (n < 16384) this.parts.push(String.fromCharCode(0x40 | ((n as number) >> 8), (n as number) & 0xff));
    else if (n <= 0xffffffff) {
      const m = n as number;
      this.parts.push(String.fromCharCode(0x80, (m >>> 24) & 0xff, (m >>> 16) & 0xff, (m >>> 8) & 0xff, m & 0xff));
    }
    else {
      this.byte(0x81);
      const b = BigInt(n);
      let s = '';
      for (let k = 7; k >= 0; k--) s += String.fromCharCode(Number((b >> BigInt(k * 8)) & 0xffn));
      this.parts.push(s);
    }
  }

  /** rdbSaveRawString: int encodings for short integers, LZF over 20 bytes, else raw. */
  string(s: string): void {
    const n = s.length;
    if (n <= 11) {
      const v = parseInt64(s);
      if (v !== null && typeof v === 'number') {
        if (v >= -128 && v <= 127) return void this.parts.push(String.fromCharCode(0xc0, v & 0xff));
        if (v >= -32768 && v <= 32767) return void this.parts.push(String.fromCharCode(0xc1, v & 0xff, (v >> 8) & 0xff));
        if (v >= -2147483648 && v <= 2147483647) {
          return void this.parts.push(String.fromCharCode(0xc2, v & 0xff, (v >> 8) & 0xff, (v >> 16) & 0xff, (v >>> 24) & 0xff));
        }
      }
    }
    if (this.compress && n > 20) {
      const c = lzfCompress(s, n - 4);
      if (c !== null) {
        this.byte(0xc3);
        this.len(c.length);
        this.len(n);
        this.parts.push(c);
        return;
      }
    }
    this.len(n);
    this.parts.push(s);
  }

  binaryDouble(d: number): void {
    const b = Buffer.alloc(8);
    b.writeDoubleLE(d);
    this.parts.push(b.latin1Slice());
  }
}

// ---- listpack / intset building --------------------------------------------------------------

function backlenSize(l: number): number {
  return l < 128 ? 1 : l < 16384 ? 2 : l < 2097152 ? 3 : l < 268435456 ? 4 : 5;
}

function encodeBacklen(l: number): string {
  if (l < 128) return String.fromCharCode(l);
  if (l < 16384) return String.fromCharCode(l >> 7, (l & 127) | 128);
  if (l < 2097152) return String.fromCharCode(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  if (l < 268435456) return String.fromCharCode(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
  return String.fromCharCode(
    Math.floor(l / 268435456),
    ((l >> 21) & 127) | 128,
    ((l >> 14) & 127) | 128,
    ((l >> 7) & 127) | 128,
    (l & 127) | 128,
  );
}

function le(v: number | bigint, bytes: number): string {
  let b = BigInt.asUintN(bytes * 8, BigInt(v));
  let s = '';
  for (let k = 0; k < bytes; k++) {
    s += String.fromCharCode(Number(b & 0xffn));
    b >>= 8n;
  }
  return s;
}

/** One listpack entry (encoding + data + backlen), with Redis's integer detection. */
function lpEntry(s: string): string {
  let enc: string;
  const v = s.length <= 20 ? parseInt64(s) : null;
  if (v !== null) {
    const n = BigInt(v);
    if (n >= 0n && n <= 127n) enc = String.fromCharCode(Number(n));
    else if (n >= -4096n && n <= 4095n) {
      const u = Number(BigInt.asUintN(13, n));
      enc = String.fromCharCode(0xc0 | (u >> 8), u & 0xff);
    } else if (n >= -32768n && n <= 32767n) enc = '\xf1' + le(n, 2);
    else if (n >= -8388608n && n <= 8388607n) enc = '\xf2' + le(n, 3);
    else if (n >= -2147483648n && n <= 2147483647n) enc = '\xf3' + le(n, 4);
    else enc = '\xf4' + le(n, 8);
  } else {
    const l = s.length;
    if (l < 64) enc = String.fromCharCode(0x80 | l) + s;
    else if (l < 4096) enc = String.fromCharCode(0xe0 | (l >> 8), l & 0xff) + s;
    else enc = '\xf0' + le(l, 4) + s;
  }
  return enc + encodeBacklen(enc.length);
}

function listpack(entries: string[]): string {
  const body = entries.join('');
  const total = 6 + body.length + 1;
  const count = entries.length < 65535 ? entries.length : 65535;
  return le(total, 4) + le(count, 2) + body + '\xff';
}

// ---- DUMP -----------------------------------------------------------------------------------

/** Serializes a value as a DUMP payload. `compress`: rdbcompression. */
export function dumpValue(v: RedisValue, compress: boolean, listMaxBytes = 8192, listMaxCount = Infinity): string {
  const body = encodeObject(v, compress, listMaxBytes, listMaxCount) + String.fromCharCode(RDB_VERSION & 0xff, RDB_VERSION >> 8);
  return body + crc64(body);
}

/**
 * list-max-listpack-size as the quicklist node limits DUMP and RDB files fill nodes by:
 * a byte limit for negative fills, an entry count (under the 8 KB safety limit) otherwise.
 */
export function listNodeLimits(fill: number): { bytes: number; count: number } {
  return fill >= 0 ? { bytes: 8192, count: Math.max(fill, 1) } : { bytes: [4096, 8192, 16384, 32768, 65536][Math.min(-fill, 5) - 1], count: Infinity };
}

/** rdbSaveLen: a length in RDB's 1, 2, 5 or 9 byte forms. */
export function encodeLength(n: number | bigint): string {
  const w = new Writer(false);
  w.len(n);
  return w.parts.join('');
}

/** rdbSaveRawString: a byte string with RDB's integer and LZF encodings. */
export function encodeString(s: string, compress: boolean): string {
  const w = new Writer(compress);
  w.string(s);
  return w.parts.join('');
}

/** One value as an RDB object: its type byte, then its payload (rdbSaveObjectType + rdbSaveObject). */
export function encodeObject(v: RedisValue, compress: boolean, listMaxBytes = 8192, listMaxCount = Infinity): string {
  const w = new Writer(compress);
  if (typeof v === 'string') {
    w.byte(T_STRING);
    w.string(v);
  } else if (v.type === 'list') {
    const l = v as List;
    w.byte(T_LIST_QUICKLIST_2);
    // Nodes as tail pushes fill them (_quicklistNodeAllowInsert): a new node when the
    // listpack size plus the element's length plus 8 would pass the size limit, or (positive
    // list-max-listpack-size) when the node already holds listMaxCount entries.
    const nodes: string[][] = [];
    let cur: string[] = [];
    let curBytes = 7;
    for (let i = 0; i < l.length; i++) {
      const raw = l.get(i);
      const e = lpEntry(raw);
      if (cur.length !== 0 && (curBytes + raw.length + 8 > listMaxBytes || cur.length + 1 > listMaxCount)) {
        nodes.push(cur);
        cur = [];
        curBytes = 7;
      }
      cur.push(e);
      curBytes += e.length;
    }
    if (cur.length !== 0) nodes.push(cur);
    w.len(nodes.length);
    for (const n of nodes) {
      w.len(2); // QUICKLIST_NODE_CONTAINER_PACKED
      w.string(listpack(n));
    }
  } else if (v.type === 'hash') {
    const h = v as HashValue;
    if (h.listpack) {
      w.byte(T_HASH_LISTPACK);
      const e: string[] = [];
      for (const [f, val] of h.map) e.push(lpEntry(f), lpEntry(val));
      w.string(listpack(e));
    } else {
      w.byte(T_HASH);
      w.len(h.map.size);
      for (const [f, val] of h.map) {
        w.string(f);
        w.string(val);
      }
    }
  } else if (v.type === 'set') {
    const s = v as SetValue;
    if (s.ints !== null) {
      w.byte(T_SET_INTSET);
      let width = 2;
      for (const m of s.ints) {
        const n = BigInt(m);
        if (n < -2147483648n || n > 2147483647n) width = 8;
        else if ((n < -32768n || n > 32767n) && width < 4) width = 4;
      }
      let blob = le(width, 4) + le(s.ints.length, 4);
      for (const m of s.ints) blob += le(BigInt(m), width);
      w.string(blob);
    } else {
      w.byte(T_SET);
      w.len(s.size);
      for (const m of s.members()) w.string(m);
    }
  } else if (v.type === 'zset') {
    const z = v as ZSet;
    if (!z.skiplist) {
      w.byte(T_ZSET_LISTPACK);
      const e: string[] = [];
      for (const [m, sc] of z) e.push(lpEntry(m), lpEntry(formatDouble17(sc)));
      w.string(listpack(e));
    } else {
      w.byte(T_ZSET_2);
      w.len(z.size);
      const { members, scores } = z.rangeByRank(0, z.size - 1, true);
      for (let i = 0; i < members.length; i++) {
        w.string(members[i]);
        w.binaryDouble(scores[i]);
      }
    }
  } else if (v.type === 'stream') {
    dumpStream(w, v as Stream);
  } else {
    throw new Error(`DUMP of ${v.type} values is not supported`);
  }
  return w.parts.join('');
}

/** A stream ID as its 128-bit big-endian rax key. */
function idKey(id: StreamID): string {
  return be64(id.ms) + be64(id.seq);
}

function be64(v: number | bigint): string {
  let b = BigInt.asUintN(64, BigInt(v));
  const out = new Array<string>(8);
  for (let k = 7; k >= 0; k--) {
    out[k] = String.fromCharCode(Number(b & 0xffn));
    b >>= 8n;
  }
  return out.join('');
}

function int64Diff(a: number | bigint, b: number | bigint): string {
  if (typeof a === 'number' && typeof b === 'number' && Number.isSafeInteger(a - b)) return String(a - b);
  return BigInt.asIntN(64, BigInt(a) - BigInt(b)).toString();
}

function pel(w: Writer, p: Pel, withNacks: boolean): void {
  const nacks = p.ordered();
  w.len(nacks.length);
  for (const n of nacks) {
    w.parts.push(idKey(n.id));
    if (withNacks) {
      w.parts.push(le(n.deliveryTime, 8));
      w.len(n.deliveryCount);
    }
  }
}

/**
 * RDB_TYPE_STREAM_LISTPACKS_2: every node as (master ID key, listpack of the master entry
 * and the entries as deltas from it), then the stream metadata and consumer groups with
 * their PELs and consumers, in Redis's rax (byte) order.
 */
function dumpStream(w: Writer, s: Stream): void {
  w.byte(T_STREAM_LISTPACKS_2);
  w.len(s.nodes.length);
  for (const node of s.nodes) {
    w.string(idKey({ ms: node.masterMs, seq: node.masterSeq }));
    const e: string[] = [lpEntry(String(node.count)), lpEntry(String(node.deleted)), lpEntry(String(node.masterFields.length))];
    for (const f of node.masterFields) e.push(lpEntry(f));
    e.push(lpEntry('0'));
    for (let i = 0; i < node.ms.length; i++) {
      const flags = node.flags[i];
      const d = node.data[i];
      e.push(lpEntry(String(flags)), lpEntry(int64Diff(node.ms[i], node.masterMs)), lpEntry(int64Diff(node.seq[i], node.masterSeq)));
      let lpCount: number;
      if ((flags & FLAG_SAMEFIELDS) !== 0) {
        for (const x of d) e.push(lpEntry(x));
        lpCount = d.length + 3;
      } else {
        e.push(lpEntry(String(d.length / 2)));
        for (const x of d) e.push(lpEntry(x));
        lpCount = d.length + 4;
      }
      e.push(lpEntry(String(lpCount)));
    }
    w.string(listpack(e));
  }
  w.len(s.length);
  w.len(s.lastId.ms);
  w.len(s.lastId.seq);
  w.len(s.firstId.ms);
  w.len(s.firstId.seq);
  w.len(s.maxDeletedId.ms);
  w.len(s.maxDeletedId.seq);
  w.len(s.entriesAdded);
  const groups = s.groups === null ? [] : [...s.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  w.len(groups.length);
  for (const g of groups) {
    w.string(g.name);
    w.len(g.lastId.ms);
    w.len(g.lastId.seq);
    w.len(typeof g.entriesRead === 'number' && g.entriesRead < 0 ? BigInt(g.entriesRead) : g.entriesRead);
    pel(w, g.pel, true);
    const consumers = g.sortedConsumers();
    w.len(consumers.length);
    for (const c of consumers) {
      w.string(c.name);
      w.parts.push(le(c.seenTime, 8));
      pel(w, c.pel, false);
    }
  }
}

// ---- RESTORE --------------------------------------------------------------------------------

/** True when the footer's version is not newer than ours and the CRC matches (or is zero). */
export function verifyPayload(p: string): boolean {
  const n = p.length;
  if (n < 10) return false;
  const ver = p.charCodeAt(n - 10) | (p.charCodeAt(n - 9) << 8);
  if (ver > RDB_VERSION) return false;
  return crc64(p, n - 8) === p.slice(n - 8);
}

/** Malformed RDB data; `eof` when it ended early (a short read rather than corruption). */
export class RdbFormatError extends Error {
  constructor(readonly eof = false) {
    super(eof ? 'Unexpected EOF reading RDB file' : 'Bad data format');
  }
}
const Bad = RdbFormatError;

/** Reads RDB lengths, strings and bytes from a byte string, from `pos` up to `end`. */
export class RdbReader {
  pos = 0;
  constructor(
    readonly s: string,
    readonly end: number,
  ) {}

  byte(): number {
    if (this.pos >= this.end) throw new Bad(true);
    return this.s.charCodeAt(this.pos++);
  }

  bytes(n: number): string {
    if (n < 0) throw new Bad();
    if (this.pos + n > this.end) throw new Bad(true);
    const r = this.s.slice(this.pos, this.pos + n);
    this.pos += n;
    return r;
  }

  /** A length, or -(encoding+1) for the special string encodings. */
  lenOrEnc(): number {
    const b = this.byte();
    const t = b >> 6;
    if (t === 0) return b & 63;
    if (t === 1) return ((b & 63) << 8) | this.byte();
    if (t === 3) return -((b & 63) + 1);
    if (b === 0x80) return ((this.byte() << 24) >>> 0) + ((this.byte() << 16) | (this.byte() << 8) | this.byte());
    if (b === 0x81) {
      let v = 0;
      for (let k = 0; k < 8; k++) v = v * 256 + this.byte();
      return v;
    }
    throw new Bad();
  }

  len(): number {
    const n = this.lenOrEnc();
    if (n < 0) throw new Bad();
    return n;
  }

  /** A length as the uint64 it is (bigint beyond 2^53). */
  len64(): number | bigint {
    const b = this.s.charCodeAt(this.pos);
    if (b !== 0x81) return this.len();
    this.pos++;
    let v = 0n;
    for (let k = 0; k < 8; k++) v = (v << 8n) | BigInt(this.byte());
    return normU64(v);
  }

  string(): string {
    const n = this.lenOrEnc();
    if (n >= 0) return this.bytes(n);
    const enc = -n - 1;
    if (enc === 0) return String((this.byte() << 24) >> 24);
    if (enc === 1) {
      const v = this.byte() | (this.byte() << 8);
      return String((v << 16) >> 16);
    }
    if (enc === 2) {
      const v = this.byte() | (this.byte() << 8) | (this.byte() << 16) | (this.byte() << 24);
      return String(v);
    }
    if (enc === 3) {
      const clen = this.len();
      const ulen = this.len();
      const r = lzfDecompress(this.bytes(clen), ulen);
      if (r === null) throw new Bad();
      return r;
    }
    throw new Bad();
  }
}

function readLE(s: string, at: number, bytes: number, signed: boolean): bigint {
  let v = 0n;
  for (let k = bytes - 1; k >= 0; k--) v = (v << 8n) | BigInt(s.charCodeAt(at + k));
  return signed ? BigInt.asIntN(bytes * 8, v) : v;
}

/** Entries of a listpack blob as strings. */
function parseListpack(lp: string): string[] {
  if (lp.length < 7) throw new Bad();
  const total = Number(readLE(lp, 0, 4, false));
  if (total !== lp.length || lp.charCodeAt(lp.length - 1) !== 0xff) throw new Bad();
  const out: string[] = [];
  let p = 6;
  while (p < lp.length - 1) {
    const b = lp.charCodeAt(p);
    let entryLen: number;
    let val: string;
    if (b < 0x80) {
      val = String(b);
      entryLen = 1;
    } else if (b < 0xc0) {
      const l = b & 63;
      val = lp.slice(p + 1, p + 1 + l);
      entryLen = 1 + l;
    } else if (b < 0xe0) {
      const u = ((b & 31) << 8) | lp.charCodeAt(p + 1);
      val = String(u >= 4096 ? u - 8192 : u);
      entryLen = 2;
    } else if (b < 0xf0) {
      const l = ((b & 15) << 8) | lp.charCodeAt(p + 1);
      val = lp.slice(p + 2, p + 2 + l);
      entryLen = 2 + l;
    } else if (b === 0xf0) {
      const l = Number(readLE(lp, p + 1, 4, false));
      val = lp.slice(p + 5, p + 5 + l);
      entryLen = 5 + l;
    } else if (b >= 0xf1 && b <= 0xf4) {
      const w = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : 8;
      val = readLE(lp, p + 1, w, true).toString();
      entryLen = 1 + w;
    } else {
      throw new Bad();
    }
    p += entryLen + backlenSize(entryLen);
    if (p > lp.length - 1) throw new Bad();
    out.push(val);
  }
  return out;
}

/** Entries of a ziplist blob (the list, hash and zset encoding before 7.0) as strings. */
function parseZiplist(zl: string): string[] {
  const n = zl.length;
  if (n < 11 || Number(readLE(zl, 0, 4, false)) !== n || zl.charCodeAt(n - 1) !== 0xff) throw new Bad();
  const out: string[] = [];
  let p = 10;
  for (;;) {
    if (p >= n) throw new Bad();
    if (zl.charCodeAt(p) === 0xff) break;
    p += zl.charCodeAt(p) < 254 ? 1 : 5; // the previous entry's length
    if (p >= n) throw new Bad();
    const b = zl.charCodeAt(p);
    const top = b >> 6;
    let strLen = -1;
    if (top === 0) {
      strLen = b & 63;
      p += 1;
    } else if (top === 1) {
      strLen = ((b & 63) << 8) | zl.charCodeAt(p + 1);
      p += 2;
    } else if (top === 2) {
      strLen = Number(readBE32(zl, p + 1));
      p += 5;
    }
    if (strLen >= 0) {
      if (p + strLen > n - 1) throw new Bad();
      out.push(zl.slice(p, p + strLen));
      p += strLen;
      continue;
    }
    let width: number;
    if (b === 0xc0) width = 2;
    else if (b === 0xd0) width = 4;
    else if (b === 0xe0) width = 8;
    else if (b === 0xf0) width = 3;
    else if (b === 0xfe) width = 1;
    else if (b >= 0xf1 && b <= 0xfd) {
      out.push(String((b & 15) - 1));
      p += 1;
      continue;
    } else throw new Bad();
    if (p + 1 + width > n - 1) throw new Bad();
    out.push(readLE(zl, p + 1, width, true).toString());
    p += 1 + width;
  }
  if (p !== n - 1 || out.length === 0) throw new Bad();
  return out;
}

function readBE32(s: string, at: number): number {
  return ((s.charCodeAt(at) << 24) >>> 0) + ((s.charCodeAt(at + 1) << 16) | (s.charCodeAt(at + 2) << 8) | s.charCodeAt(at + 3));
}

/** Field/value pairs of a zipmap blob (hashes of RDB versions before 4). */
function parseZipmap(zm: string): string[] {
  const n = zm.length;
  let p = 1; // the entry count byte (255 = unknown)
  const len = (): number => {
    if (p >= n) throw new Bad();
    const b = zm.charCodeAt(p++);
    if (b < 254) return b;
    if (b === 255) return -1;
    if (p + 4 > n) throw new Bad();
    const v = Number(readLE(zm, p, 4, false));
    p += 4;
    return v;
  };
  const out: string[] = [];
  for (;;) {
    const kl = len();
    if (kl < 0) break;
    if (p + kl > n) throw new Bad();
    const k = zm.slice(p, p + kl);
    p += kl;
    const vl = len();
    if (vl < 0 || p >= n) throw new Bad();
    const free = zm.charCodeAt(p++);
    if (p + vl + free > n) throw new Bad();
    out.push(k, zm.slice(p, p + vl));
    p += vl + free;
  }
  if (p !== n || out.length === 0) throw new Bad();
  return out;
}

/** The first entry's ID, 0-0 when none (streamGetEdgeID). */
function firstLiveId(s: Stream): StreamID {
  for (const node of s.nodes) {
    for (let i = 0; i < node.ms.length; i++) if ((node.flags[i] & FLAG_DELETED) === 0) return { ms: node.ms[i], seq: node.seq[i] };
  }
  return { ms: 0, seq: 0 };
}

/** streamEstimateDistanceFromFirstEverEntry for a group loaded from a stream without counters. */
function estimateEntriesRead(s: Stream, id: StreamID): number | bigint {
  const added = s.entriesAdded;
  if (added === 0) return 0;
  const cmpLast = cmpID(id, s.lastId);
  if (s.length === 0 && cmpLast < 1) return added;
  if (cmpLast === 0) return added;
  if (cmpLast > 0) return -1;
  const cmpFirst = cmpID(id, s.firstId);
  // a 6.x stream carries no max deleted ID: it is 0-0, so no fragmentation is known
  if (cmpFirst < 0) return Number(added) - s.length;
  if (cmpFirst === 0) return Number(added) - s.length + 1;
  return -1;
}

/** Limits the restored value's encoding follows (config). */
export interface EncodingLimits {
  hashMaxEntries: number;
  hashMaxValue: number;
  zsetMaxEntries: number;
  zsetMaxValue: number;
  setMaxIntset: number;
}

/** Parses a verified payload into a value; null for "Bad data format". */
export function restoreValue(p: string, lim: EncodingLimits): RedisValue | null {
  try {
    // Like Redis's rio over the whole payload: a (corrupt) value may read into the footer.
    const r = new RdbReader(p, p.length);
    const type = r.byte();
    const v = readObject(r, type, lim);
    return v;
  } catch (e) {
    if (e instanceof RdbFormatError) return null;
    throw e;
  }
}

function rawID(k: string): StreamID {
  if (k.length !== 16) throw new Bad();
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) ms = (ms << 8n) | BigInt(k.charCodeAt(i));
  for (let i = 8; i < 16; i++) seq = (seq << 8n) | BigInt(k.charCodeAt(i));
  return { ms: normU64(ms), seq: normU64(seq) };
}

function lpInt(e: string[], i: number): number {
  const v = i < e.length ? parseInt64(e[i]) : null;
  if (v === null || typeof v !== 'number') throw new Bad();
  return v;
}

function plusDelta(base: number | bigint, d: string): number | bigint {
  const v = parseInt64(d);
  if (v === null) throw new Bad();
  return normU64(BigInt.asUintN(64, BigInt(base) + BigInt(v)));
}

/** RDB_TYPE_STREAM_LISTPACKS_2 back into nodes, metadata and consumer groups. */
function loadStream(r: RdbReader, v2: boolean): Stream {
  const s = new Stream();
  const nodes = r.len();
  for (let k = 0; k < nodes; k++) {
    const master = rawID(r.string());
    const e = parseListpack(r.string());
    const count = lpInt(e, 0);
    const deleted = lpInt(e, 1);
    const nmf = lpInt(e, 2);
    if (e.length < 4 + nmf || e[3 + nmf] !== '0') throw new Bad();
    const node = new StreamNode(master.ms, master.seq, e.slice(3, 3 + nmf));
    let p = 4 + nmf;
    while (p < e.length) {
      const flags = lpInt(e, p);
      const ms = plusDelta(master.ms, e[p + 1] ?? 'x');
      const seq = plusDelta(master.seq, e[p + 2] ?? 'x');
      p += 3;
      let pairs: string[];
      if ((flags & FLAG_SAMEFIELDS) !== 0) {
        pairs = [];
        for (let j = 0; j < nmf; j++) pairs.push(node.masterFields[j], e[p++]);
      } else {
        const nf = lpInt(e, p++);
        pairs = e.slice(p, p + 2 * nf);
        p += 2 * nf;
      }
      if (p >= e.length || pairs.length % 2 !== 0 || pairs.some((x) => x === undefined)) throw new Bad();
      p++; // lp-count
      const at = node.ms.length;
      if (at > 0 && cmpID({ ms: node.ms[at - 1], seq: node.seq[at - 1] }, { ms, seq }) >= 0) throw new Bad();
      node.append(ms, seq, pairs);
      if ((node.flags[at] & FLAG_SAMEFIELDS) !== (flags & FLAG_SAMEFIELDS)) throw new Bad();
      if ((flags & FLAG_DELETED) !== 0) {
        node.flags[at] |= FLAG_DELETED;
        node.count--;
        node.deleted++;
      }
    }
    if (node.count !== count || node.deleted !== deleted || node.count === 0) throw new Bad();
    s.nodes.push(node);
    s.length += count;
  }
  const length = r.len64();
  if (length !== s.length) throw new Bad();
  s.lastId = { ms: r.len64(), seq: r.len64() };
  if (v2) {
    s.firstId = { ms: r.len64(), seq: r.len64() };
    s.maxDeletedId = { ms: r.len64(), seq: r.len64() };
    s.entriesAdded = r.len64();
  } else {
    // As 7.0 upgrades a 6.x stream: entries added counted as its length, no deletions known.
    s.entriesAdded = s.length;
    s.firstId = firstLiveId(s);
  }
  const ngroups = r.len();
  for (let g = 0; g < ngroups; g++) {
    if (s.groups === null) s.groups = new Map();
    const name = r.string();
    const lastId = { ms: r.len64(), seq: r.len64() };
    const er = v2 ? r.len64() : estimateEntriesRead(s, lastId);
    const group = new ConsumerGroup(name, lastId, typeof er === 'bigint' ? BigInt.asIntN(64, er) : er);
    if (typeof group.entriesRead === 'bigint' && group.entriesRead >= -(2n ** 53n) && group.entriesRead < 2n ** 53n) {
      group.entriesRead = Number(group.entriesRead);
    }
    if (s.groups.has(name)) throw new Bad();
    s.groups.set(name, group);
    const npel = r.len();
    for (let i = 0; i < npel; i++) {
      const id = rawID(r.bytes(16));
      const time = Number(readLE(r.bytes(8), 0, 8, true));
      const key = formatID(id);
      if (group.pel.has(key)) throw new Bad();
      group.pel.add(new Nack(id, key, null, time, r.len()));
    }
    const ncons = r.len();
    for (let i = 0; i < ncons; i++) {
      const cname = r.string();
      const consumer = new Consumer(cname, Number(readLE(r.bytes(8), 0, 8, true)));
      if (group.consumers.has(cname)) throw new Bad();
      group.consumers.set(cname, consumer);
      const n = r.len();
      for (let j = 0; j < n; j++) {
        const key = formatID(rawID(r.bytes(16)));
        const nack = group.pel.get(key);
        if (nack === undefined || nack.consumer !== null) throw new Bad();
        nack.consumer = consumer;
        consumer.pel.add(nack);
      }
    }
    for (const n of group.pel.ordered()) if (n.consumer === null) throw new Bad();
  }
  return s;
}

/** Reads one value of RDB type `type` (rdbLoadObject), converting old encodings to 7.0's. */
export function readObject(r: RdbReader, type: number, lim: EncodingLimits): RedisValue {
  switch (type) {
    case T_STREAM_LISTPACKS_2:
    case T_STREAM_LISTPACKS:
      return loadStream(r, type === T_STREAM_LISTPACKS_2);
    case T_LIST_ZIPLIST:
    case T_LIST_QUICKLIST: {
      const n = type === T_LIST_ZIPLIST ? 1 : r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) for (const e of parseZiplist(r.string())) items.push(e);
      if (items.length === 0) throw new Bad();
      return new List(items);
    }
    case T_STRING:
      return r.string();
    case T_LIST: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      if (items.length === 0) throw new Bad();
      return new List(items);
    }
    case T_LIST_QUICKLIST_2: {
      const n = r.len();
      const items: string[] = [];
      for (let i = 0; i < n; i++) {
        const container = r.len();
        const blob = r.string();
        if (container === 1) items.push(blob);
        else if (container === 2) for (const e of parseListpack(blob)) items.push(e);
        else throw new Bad();
      }
      if (items.length === 0) throw new Bad();
      return new List(items);
    }
    case T_SET:
    case T_SET_INTSET: {
      const members: string[] = [];
      if (type === T_SET) {
        const n = r.len();
        for (let i = 0; i < n; i++) members.push(r.string());
      } else {
        const blob = r.string();
        if (blob.length < 8) throw new Bad();
        const width = Number(readLE(blob, 0, 4, false));
        const count = Number(readLE(blob, 4, 4, false));
        if ((width !== 2 && width !== 4 && width !== 8) || blob.length !== 8 + width * count) throw new Bad();
        for (let i = 0; i < count; i++) members.push(readLE(blob, 8 + i * width, width, true).toString());
      }
      if (members.length === 0) throw new Bad();
      const s = new SetValue(type === T_SET_INTSET || members.length <= lim.setMaxIntset);
      for (const m of members) if (!s.add(m, lim.setMaxIntset)) throw new Bad();
      if (type === T_SET && members.length > lim.setMaxIntset) s.convert();
      return s as unknown as RedisValue;
    }
    case T_HASH:
    case T_HASH_LISTPACK:
    case T_HASH_ZIPLIST:
    case T_HASH_ZIPMAP: {
      const h = new HashValue();
      let flat: string[];
      if (type === T_HASH) {
        const n = r.len();
        flat = [];
        for (let i = 0; i < 2 * n; i++) flat.push(r.string());
      } else if (type === T_HASH_LISTPACK) {
        flat = parseListpack(r.string());
      } else if (type === T_HASH_ZIPLIST) {
        flat = parseZiplist(r.string());
      } else {
        flat = parseZipmap(r.string());
      }
      if (flat.length === 0 || flat.length % 2 !== 0) throw new Bad();
      let maxLen = 0;
      for (let i = 0; i < flat.length; i += 2) {
        if (!h.set(flat[i], flat[i + 1])) throw new Bad();
        maxLen = Math.max(maxLen, flat[i].length, flat[i + 1].length);
      }
      h.listpack = type !== T_HASH || (h.size <= lim.hashMaxEntries && maxLen <= lim.hashMaxValue);
      h.checkEntries(lim.hashMaxEntries);
      h.checkLen(maxLen, lim.hashMaxValue);
      return h as unknown as RedisValue;
    }
    case T_ZSET:
    case T_ZSET_2:
    case T_ZSET_LISTPACK:
    case T_ZSET_ZIPLIST: {
      const z = new ZSet();
      let maxLen = 0;
      if (type === T_ZSET_LISTPACK || type === T_ZSET_ZIPLIST) {
        const flat = type === T_ZSET_LISTPACK ? parseListpack(r.string()) : parseZiplist(r.string());
        if (flat.length === 0 || flat.length % 2 !== 0) throw new Bad();
        for (let i = 0; i < flat.length; i += 2) {
          const sc = parseDouble(flat[i + 1]);
          if (sc === null || !z.add(flat[i], sc)) throw new Bad();
          maxLen = Math.max(maxLen, flat[i].length);
        }
      } else {
        const n = r.len();
        if (n === 0) throw new Bad();
        for (let i = 0; i < n; i++) {
          const m = r.string();
          let sc: number;
          if (type === T_ZSET_2) {
            const b = Buffer.from(r.bytes(8), 'latin1');
            sc = b.readDoubleLE(0);
          } else {
            const l = r.byte();
            const t = r.bytes(l);
            sc = l === 253 ? NaN : l === 254 ? Infinity : l === 255 ? -Infinity : Number(parseDouble(t));
          }
          if (Number.isNaN(sc) || !z.add(m, sc)) throw new Bad();
          maxLen = Math.max(maxLen, m.length);
        }
        z.skiplist = true;
      }
      if (!z.skiplist) z.convertIfNeeded(lim.zsetMaxEntries, lim.zsetMaxValue, maxLen);
      else if (z.size <= lim.zsetMaxEntries && maxLen <= lim.zsetMaxValue) z.skiplist = false;
      return z;
    }
    default:
      throw new Bad();
  }
}
