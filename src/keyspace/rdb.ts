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
import { reverseFindLive, lpHeaderValid, lpHeaderCount, lpWalk, pairsValid, streamNodeValid, zlWalk, zmWalk, isWalk } from './rdb-encodings.ts';

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

function encodeBacklen(l: number): string {
  // lpEncodeBacklen's thresholds (16383 already takes three bytes)
  if (l <= 127) return String.fromCharCode(l);
  if (l < 16383) return String.fromCharCode(l >> 7, (l & 127) | 128);
  if (l < 2097151) return String.fromCharCode(l >> 14, ((l >> 7) & 127) | 128, (l & 127) | 128);
  if (l < 268435455) return String.fromCharCode(l >> 21, ((l >> 14) & 127) | 128, ((l >> 7) & 127) | 128, (l & 127) | 128);
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

/**
 * verifyDumpPayload: the footer's version is not newer than ours and the CRC matches;
 * `skipCrc` (DEBUG SET-SKIP-CHECKSUM-VALIDATION) leaves only the version check.
 */
export function verifyPayload(p: string, skipCrc = false): boolean {
  const n = p.length;
  if (n < 10) return false;
  const ver = p.charCodeAt(n - 10) | (p.charCodeAt(n - 9) << 8);
  if (ver > RDB_VERSION) return false;
  if (skipCrc) return true;
  return crc64(p, n - 8) === p.slice(n - 8);
}

/**
 * What Redis does instead of loading a value that would break it later: its report lines
 * (serverAssert's or serverPanic's), with `pre` logged before the bug report starts.
 */
export interface CrashInfo {
  pre: string[];
  lines: string[];
  /** For a stream: what commands that first look for its last ID (XREAD, XSETID) meet instead. */
  lastId?: CrashInfo;
}

function assertion(where: string, expr: string): CrashInfo {
  return { pre: [], lines: ['=== ASSERTION FAILED ===', `==> ${where} '${expr}' is not true`] };
}

function panic(msg: string, where: string, pre: string[] = []): CrashInfo {
  return { pre, lines: ['------------------------------------------------', '!!! Software Failure. Press left mouse button to continue', `Guru Meditation: ${msg} #${where}`] };
}

/** The assertion lpNext/lpFirst hit on a malformed listpack entry. */
const LP_ASSERT = (): CrashInfo => assertion('listpack.c:1276', 'lpValidateNext(lp, &p, lpbytes)');

/**
 * Malformed RDB data. `reason` and `line` are what Redis's rdbReportError logs ("Internal
 * error in RDB reading ... rdb.c:<line> -> <reason>"), empty when it logs nothing; `eof` for
 * a short read; `empty` for a collection with no elements (skipped when loading a file);
 * `crash` where Redis, with the sanitization in force, would keep the value and crash on it.
 */
export class RdbFormatError extends Error {
  constructor(
    readonly eof = false,
    readonly reason = '',
    readonly line = 0,
    readonly empty = false,
    readonly crash: CrashInfo | null = null,
    /** With `crash`: the value Redis would have kept (what of it decodes), crashing on use. */
    readonly value: RedisValue | null = null,
  ) {
    super(reason !== '' ? reason : eof ? 'Unexpected EOF reading RDB file' : 'Bad data format');
  }
}
const Bad = RdbFormatError;

/** rdbReportCorruptRDB: refused with a log line. */
function corrupt(line: number, reason: string): RdbFormatError {
  return new RdbFormatError(false, reason, line);
}

function emptyKey(): RdbFormatError {
  return new RdbFormatError(false, '', 0, true);
}

function crashes(info: CrashInfo, value: RedisValue | null = null): RdbFormatError {
  return new RdbFormatError(false, '', 0, false, info, value);
}

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
    throw corrupt(236, `Unknown length encoding ${t} in rdbLoadLen()`);
  }

  /** rdbLoadLen: a string-encoding byte where a length belongs reads as its low 6 bits. */
  len(): number {
    const n = this.lenOrEnc();
    return n < 0 ? -n - 1 : n;
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
      if (r === null) throw corrupt(413, 'Invalid LZF compressed string');
      return r;
    }
    throw corrupt(529, `Unknown RDB string encoding type ${enc}`);
  }
}


function readLE(s: string, at: number, bytes: number, signed: boolean): bigint {
  let v = 0n;
  for (let k = bytes - 1; k >= 0; k--) v = (v << 8n) | BigInt(s.charCodeAt(at + k));
  return signed ? BigInt.asIntN(bytes * 8, v) : v;
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


/** Limits the restored value's encoding follows (config), and how deep to validate it. */
export interface EncodingLimits {
  hashMaxEntries: number;
  hashMaxValue: number;
  zsetMaxEntries: number;
  zsetMaxValue: number;
  setMaxIntset: number;
  /**
   * sanitize-dump-payload asks for deep integrity validation: every entry of a compact
   * encoding is checked, and a corrupt one refuses the value. Without it Redis checks only
   * headers, keeps the value, and crashes when it reaches the bad entry; redmoon decodes
   * everything anyway and reports that crash (RdbFormatError.crash) at load time.
   */
  deep?: boolean;
}

/** Parses a verified payload into a value, or the RdbFormatError that refuses it. */
export function restoreValue(p: string, lim: EncodingLimits): RedisValue | RdbFormatError {
  try {
    // Like Redis's rio over the whole payload: a (corrupt) value may read into the footer.
    const r = new RdbReader(p, p.length);
    const type = r.byte();
    if (!isObjectType(type)) return new Bad();
    return readObject(r, type, lim);
  } catch (e) {
    if (e instanceof RdbFormatError) return e;
    throw e;
  }
}

/** rdbIsObjectType: the value types 7.0 reads (module values aside). */
function isObjectType(t: number): boolean {
  return (t >= 0 && t <= 5) || (t >= 9 && t <= 19 && t !== 7 && t !== 8);
}

function rawID(k: string): StreamID {
  let ms = 0n;
  let seq = 0n;
  for (let i = 0; i < 8; i++) ms = (ms << 8n) | BigInt(k.charCodeAt(i));
  for (let i = 8; i < 16; i++) seq = (seq << 8n) | BigInt(k.charCodeAt(i));
  return { ms: normU64(ms), seq: normU64(seq) };
}

function lpInt(e: string[], i: number): number | null {
  const v = i < e.length ? parseInt64(e[i]) : null;
  return v === null || typeof v !== 'number' ? null : v;
}

function plusDelta(base: number | bigint, d: string | undefined): number | bigint | null {
  const v = d === undefined ? null : parseInt64(d);
  if (v === null) return null;
  return normU64(BigInt.asUintN(64, BigInt(base) + BigInt(v)));
}

/**
 * One stream node from the entries of its (validated) listpack; null when the node does not
 * hold together (counts, ID order), which Redis's checks do not look at.
 */
function streamNode(master: StreamID, e: string[]): StreamNode | null {
  const count = lpInt(e, 0);
  const deleted = lpInt(e, 1);
  const nmf = lpInt(e, 2);
  if (count === null || deleted === null || nmf === null || nmf < 0) return null;
  if (e.length < 4 + nmf || e[3 + nmf] !== '0') return null;
  const node = new StreamNode(master.ms, master.seq, e.slice(3, 3 + nmf));
  let p = 4 + nmf;
  while (p < e.length) {
    const flags = lpInt(e, p);
    const ms = plusDelta(master.ms, e[p + 1]);
    const seq = plusDelta(master.seq, e[p + 2]);
    if (flags === null || ms === null || seq === null) return null;
    p += 3;
    let pairs: string[];
    if ((flags & FLAG_SAMEFIELDS) !== 0) {
      pairs = [];
      for (let j = 0; j < nmf; j++) pairs.push(node.masterFields[j], e[p++]);
    } else {
      const nf = lpInt(e, p++);
      if (nf === null || nf < 0) return null;
      pairs = e.slice(p, p + 2 * nf);
      p += 2 * nf;
    }
    if (p >= e.length || pairs.length % 2 !== 0 || pairs.some((x) => x === undefined)) return null;
    p++; // lp-count
    const at = node.ms.length;
    if (at > 0 && cmpID({ ms: node.ms[at - 1], seq: node.seq[at - 1] }, { ms, seq }) >= 0) return null;
    if (at === 0 && cmpID(master, { ms, seq }) > 0) return null;
    node.append(ms, seq, pairs);
    if ((node.flags[at] & FLAG_SAMEFIELDS) !== (flags & FLAG_SAMEFIELDS)) return null;
    if ((flags & FLAG_DELETED) !== 0) {
      node.flags[at] |= FLAG_DELETED;
      node.count--;
      node.deleted++;
    }
  }
  if (node.count !== count || node.deleted !== deleted || node.count === 0) return null;
  return node;
}

/**
 * Whether a stream iterator finds a live entry within the entries a node's listpack holds
 * before its first malformed one: true when found, false when the node has none, null when
 * the walk needs an entry past them (where Redis's listpack iteration asserts).
 */
function firstLiveReachable(e: string[]): boolean | null {
  const nmf = lpInt(e, 2);
  if (nmf === null || nmf < 0) return null;
  let i = 4 + nmf;
  for (;;) {
    if (i >= e.length) return i === e.length ? false : null;
    const flags = lpInt(e, i);
    if (flags === null) return null;
    const same = (flags & FLAG_SAMEFIELDS) !== 0;
    // the ID is read, then the iterator steps onto the next entries (each one checked)
    if ((flags & FLAG_DELETED) === 0) return e.length >= i + (same ? 4 : 5) ? true : null;
    const nf = same ? nmf : lpInt(e, i + 3);
    if (nf === null || nf < 0) return null;
    i += 3 + (same ? nf : 1 + 2 * nf) + 1;
  }
}

/**
 * streamLastValidID on a stream kept unchecked: the assertion its reverse walk meets, or
 * its panic when no node holds a live entry though the stream's length says otherwise.
 */
function lastIdCrash(nodes: string[], length: number | bigint): CrashInfo | undefined {
  for (let k = nodes.length - 1; k >= 0; k--) {
    const r = reverseFindLive(nodes[k]);
    if (r === 'assert') return LP_ASSERT();
    if (r === 'found') return undefined;
  }
  return length !== 0 ? panic(`Corrupt stream, length is ${length}, but no max id`, 't_stream.c:1372') : undefined;
}

/** RDB_TYPE_STREAM_LISTPACKS(_2) back into nodes, metadata and consumer groups. */
function loadStream(r: RdbReader, v2: boolean, deep: boolean): Stream {
  const s = new Stream();
  const nodes = r.len();
  const keys = new Set<string>();
  // Redis keeps such a stream and crashes when a command walks the bad node: reported
  // once the whole value was read, as any refusal further on comes first.
  let later: CrashInfo | null = null;
  let inconsistent = false;
  let seenLive = false;
  const raw: string[] = [];
  for (let k = 0; k < nodes; k++) {
    const key = r.string();
    if (key.length !== 16) throw corrupt(2342, 'Stream node key entry is not the size of a stream ID');
    const lp = r.string();
    if (!lpHeaderValid(lp)) throw corrupt(2362, 'Stream listpack integrity check failed.');
    raw.push(lp);
    const w = lpWalk(lp);
    const valid = w.ok && streamNodeValid(w.entries);
    if (deep && !valid) throw corrupt(2362, 'Stream listpack integrity check failed.');
    if (lp.charCodeAt(6) === 0xff) throw corrupt(2373, 'Empty listpack inside stream');
    // lpFirst checks the first entry as it loads
    if (!w.ok && w.entries.length === 0) throw crashes(LP_ASSERT());
    if (keys.has(key)) throw corrupt(2386, 'Listpack re-added with existing key');
    keys.add(key);
    if (!valid) {
      later ??= !w.ok ? LP_ASSERT() : assertion('listpack.c:486', 'p');
      // a 6.x stream gets its first ID by walking to the first live entry right away
      if (!v2 && !seenLive && firstLiveReachable(w.entries) !== true) throw crashes(later);
      seenLive = true;
      continue;
    }
    if (!seenLive) seenLive = firstLiveReachable(w.entries) === true;
    const node = streamNode(rawID(key), w.entries);
    if (node === null) {
      inconsistent = true;
      continue;
    }
    if (s.nodes.length > 0) {
      const prev = s.nodes[s.nodes.length - 1];
      if (cmpID({ ms: prev.ms[prev.ms.length - 1], seq: prev.seq[prev.seq.length - 1] }, { ms: node.masterMs, seq: node.masterSeq }) >= 0) inconsistent = true;
    }
    s.nodes.push(node);
    s.length += node.count;
  }
  const length = r.len64();
  s.lastId = { ms: r.len64(), seq: r.len64() };
  if (v2) {
    s.firstId = { ms: r.len64(), seq: r.len64() };
    s.maxDeletedId = { ms: r.len64(), seq: r.len64() };
    s.entriesAdded = r.len64();
  } else {
    // As 7.0 upgrades a 6.x stream: entries added counted as its length, no deletions known.
    s.entriesAdded = length;
    s.firstId = firstLiveId(s);
  }
  if (length !== 0 && nodes === 0) throw corrupt(2430, 'Stream length inconsistent with rax entries');
  if (length !== s.length) inconsistent = true;
  if (s.length !== 0 && s.nodes.length !== 0) {
    const tail = s.nodes[s.nodes.length - 1];
    if (cmpID({ ms: tail.ms[tail.ms.length - 1], seq: tail.seq[tail.seq.length - 1] }, s.lastId) > 0) inconsistent = true;
  }
  const ngroups = r.len();
  for (let g = 0; g < ngroups; g++) {
    if (s.groups === null) s.groups = new Map();
    let name: string;
    try {
      name = r.string();
    } catch (e) {
      if (e instanceof RdbFormatError && e.crash === null) throw new RdbFormatError(e.eof, 'Error reading the consumer group name from Stream', 2449);
      throw e;
    }
    const lastId = { ms: r.len64(), seq: r.len64() };
    const er = v2 ? r.len64() : estimateEntriesRead(s, lastId);
    const group = new ConsumerGroup(name, lastId, typeof er === 'bigint' ? BigInt.asIntN(64, er) : er);
    if (typeof group.entriesRead === 'bigint' && group.entriesRead >= -(2n ** 53n) && group.entriesRead < 2n ** 53n) {
      group.entriesRead = Number(group.entriesRead);
    }
    if (s.groups.has(name)) throw corrupt(2479, `Duplicated consumer group name ${name}`);
    s.groups.set(name, group);
    const npel = r.len();
    for (let i = 0; i < npel; i++) {
      const id = rawID(r.bytes(16));
      const time = Number(readLE(r.bytes(8), 0, 8, true));
      const count = r.len();
      const key = formatID(id);
      if (group.pel.has(key)) throw corrupt(2515, 'Duplicated global PEL entry loading stream consumer group');
      group.pel.add(new Nack(id, key, null, time, count));
    }
    const ncons = r.len();
    for (let i = 0; i < ncons; i++) {
      const cname = r.string();
      if (group.consumers.has(cname)) throw corrupt(2543, 'Duplicate stream consumer detected.');
      const consumer = new Consumer(cname, Number(readLE(r.bytes(8), 0, 8, true)));
      group.consumers.set(cname, consumer);
      const n = r.len();
      for (let j = 0; j < n; j++) {
        const key = formatID(rawID(r.bytes(16)));
        const nack = group.pel.get(key);
        if (nack === undefined) throw corrupt(2573, 'Consumer entry not found in group global PEL');
        if (nack.consumer !== null) throw corrupt(2583, 'Stream consumer PEL entry already has a consumer assigned');
        nack.consumer = consumer;
        consumer.pel.add(nack);
      }
    }
    for (const n of group.pel.ordered()) {
      if (n.consumer !== null) continue;
      if (deep) throw corrupt(2611, 'Stream CG PEL entry without consumer');
      inconsistent = true;
    }
  }
  if (later !== null) {
    // XLEN answers from the header, as Redis's does for the value it keeps
    if (typeof length === 'number') s.length = length;
    throw crashes({ ...later, lastId: lastIdCrash(raw, length) }, s);
  }
  if (inconsistent) throw new Bad();
  return s;
}

/**
 * A listpack of a hash or zset (lpPairsValidateIntegrityAndDups): the header always; every
 * entry, an even count and unique fields when deep. Without deep validation a malformed
 * entry is the crash Redis meets when it walks there: at once when the value is converted
 * (`converts`), else later, on the pairs before it (`partial`).
 */
function pairsListpack(lp: string, deep: boolean, line: number, what: string, converts: (n: number) => boolean): { flat: string[]; later: CrashInfo | null } {
  if (!lpHeaderValid(lp)) throw corrupt(line, `${what} listpack integrity check failed.`);
  const w = lpWalk(lp);
  if (deep && (!w.ok || !w.countOk || !pairsValid(w.entries))) throw corrupt(line, `${what} listpack integrity check failed.`);
  if (w.ok) return { flat: w.entries, later: null };
  const count = lpHeaderCount(lp);
  if (w.entries.length < 2 || converts(count === 65535 ? w.entries.length / 2 : count / 2)) throw crashes(LP_ASSERT());
  const flat = w.entries.length % 2 === 0 ? w.entries : w.entries.slice(0, -1);
  return { flat, later: LP_ASSERT() };
}

/** Pairs (field, value) into a hash; false on a duplicate field. */
function fillHash(h: HashValue, flat: string[]): number {
  let maxLen = 0;
  for (let i = 0; i < flat.length; i += 2) {
    if (!h.set(flat[i], flat[i + 1])) return -1;
    const l = flat[i].length > flat[i + 1].length ? flat[i].length : flat[i + 1].length;
    if (l > maxLen) maxLen = l;
  }
  return maxLen;
}

/** zzlStrtod: a listpack score as strtod reads it (what does not parse is 0). */
function listpackScore(s: string): number {
  const d = parseDouble(s);
  if (d !== null) return d;
  const m = /^[ \t\n\v\f\r]*[+-]?(?:inf(?:inity)?|nan|(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)/i.exec(s.slice(0, 127));
  if (m === null) return 0;
  const v = Number(m[0].trim().replace(/^([+-]?)inf(inity)?$/i, '$1Infinity'));
  return Number.isNaN(v) ? 0 : v;
}

/** Reads one value of RDB type `type` (rdbLoadObject), converting old encodings to 7.0's. */
export function readObject(r: RdbReader, type: number, lim: EncodingLimits): RedisValue {
  const deep = lim.deep === true;
  switch (type) {
    case T_STREAM_LISTPACKS_2:
    case T_STREAM_LISTPACKS:
      return loadStream(r, type === T_STREAM_LISTPACKS_2, deep);
    case T_STRING:
      return r.string();
    case T_LIST: {
      const n = r.len();
      if (n === 0) throw emptyKey();
      const items: string[] = [];
      for (let i = 0; i < n; i++) items.push(r.string());
      return new List(items);
    }
    case T_LIST_ZIPLIST: {
      const e = zlWalk(r.string());
      if (e === null) throw corrupt(2189, 'List ziplist integrity check failed.');
      if (e.length === 0) throw emptyKey();
      return new List(e);
    }
    case T_LIST_QUICKLIST:
    case T_LIST_QUICKLIST_2: {
      const n = r.len();
      if (n === 0) throw emptyKey();
      const items: string[] = [];
      let later: CrashInfo | null = null;
      for (let i = 0; i < n; i++) {
        let container = 2;
        if (type === T_LIST_QUICKLIST_2) {
          container = r.len();
          if (container !== 1 && container !== 2) throw corrupt(2048, 'Quicklist integrity check failed.');
        }
        const blob = r.string();
        if (blob.length === 0) throw new Bad();
        if (container === 1) {
          items.push(blob);
          continue;
        }
        if (type === T_LIST_QUICKLIST) {
          const e = zlWalk(blob);
          if (e === null) throw corrupt(2081, 'Ziplist integrity check failed.');
          for (const x of e) items.push(x);
          continue;
        }
        if (!lpHeaderValid(blob)) throw corrupt(2071, 'Listpack integrity check failed.');
        const w = lpWalk(blob);
        if (deep && (!w.ok || !w.countOk)) throw corrupt(2071, 'Listpack integrity check failed.');
        if (!w.ok) later ??= LP_ASSERT();
        for (const x of w.entries) items.push(x);
      }
      if (later !== null) throw crashes(later, items.length !== 0 ? new List(items) : null);
      if (items.length === 0) throw emptyKey();
      return new List(items);
    }
    case T_SET:
    case T_SET_INTSET: {
      let members: string[];
      if (type === T_SET) {
        const n = r.len();
        if (n === 0) throw emptyKey();
        members = [];
        for (let i = 0; i < n; i++) members.push(r.string());
      } else {
        const w = isWalk(r.string());
        if (w === null || (deep && !w.sorted)) throw corrupt(2212, 'Intset integrity check failed.');
        members = w.members;
      }
      const s = new SetValue(type === T_SET_INTSET || members.length <= lim.setMaxIntset);
      for (const m of members) if (!s.add(m, lim.setMaxIntset)) throw type === T_SET ? corrupt(1828, 'Duplicate set members detected') : new Bad();
      if (type === T_SET && members.length > lim.setMaxIntset) s.convert();
      return s as unknown as RedisValue;
    }
    case T_HASH: {
      const n = r.len();
      if (n === 0) throw emptyKey();
      const h = new HashValue();
      const dupLine = deep && n <= lim.hashMaxEntries ? 1951 : 2019;
      const dupReason = dupLine === 1951 ? 'Hash with dup elements' : 'Duplicate hash fields detected';
      let maxLen = 0;
      for (let i = 0; i < n; i++) {
        const f = r.string();
        const v = r.string();
        if (!h.set(f, v)) throw corrupt(dupLine, dupReason);
        const l = f.length > v.length ? f.length : v.length;
        if (l > maxLen) maxLen = l;
      }
      h.listpack = h.size <= lim.hashMaxEntries && maxLen <= lim.hashMaxValue;
      h.checkEntries(lim.hashMaxEntries);
      h.checkLen(maxLen, lim.hashMaxValue);
      return h as unknown as RedisValue;
    }
    case T_HASH_ZIPMAP: {
      const flat = zmWalk(r.string());
      if (flat === null) throw corrupt(2130, 'Zipmap integrity check failed.');
      const h = new HashValue();
      let total = 0;
      for (let i = 0; i < flat.length; i += 2) {
        total += flat[i].length + flat[i + 1].length;
        // lpSafeToAdd: the converted listpack stays under 1 GB
        if (!h.set(flat[i], flat[i + 1]) || total > 1 << 30) throw corrupt(2154, `Hash zipmap with dup elements, or big length (${flat[i].length})`);
      }
      const maxLen = fillMax(flat);
      h.listpack = true;
      h.checkEntries(lim.hashMaxEntries);
      h.checkLen(maxLen, lim.hashMaxValue);
      return h as unknown as RedisValue;
    }
    case T_HASH_ZIPLIST:
    case T_HASH_LISTPACK: {
      let flat: string[];
      if (type === T_HASH_ZIPLIST) {
        const e = zlWalk(r.string());
        if (e === null || !pairsValid(e)) throw corrupt(2275, 'Hash ziplist integrity check failed.');
        flat = e;
      } else {
        const lp = r.string();
        const got = pairsListpack(lp, deep, 2301, 'Hash', (n) => n > lim.hashMaxEntries);
        flat = got.flat;
        if (got.later !== null) {
          const h = new HashValue();
          for (let i = 0; i < flat.length; i += 2) h.set(flat[i], flat[i + 1]);
          h.listpack = true;
          throw crashes(got.later, h as unknown as RedisValue);
        }
        if (flat.length / 2 > lim.hashMaxEntries && !pairsValid(flat)) {
          // hashTypeConvert meets the duplicate while building the dict
          throw crashes(panic('Listpack corruption detected', 't_hash.c:477', [`listpack with dup elements dump (hexdump of ${lp.length} bytes):`, hexdump(lp)]));
        }
      }
      if (flat.length === 0) throw emptyKey();
      const h = new HashValue();
      const maxLen = flat.length % 2 === 0 ? fillHash(h, flat) : -1;
      if (maxLen < 0) throw new Bad();
      h.listpack = true;
      h.checkEntries(lim.hashMaxEntries);
      return h as unknown as RedisValue;
    }
    case T_ZSET:
    case T_ZSET_2: {
      const n = r.len();
      if (n === 0) throw emptyKey();
      const z = new ZSet();
      let maxLen = 0;
      for (let i = 0; i < n; i++) {
        const m = r.string();
        let sc: number;
        if (type === T_ZSET_2) {
          sc = Buffer.from(r.bytes(8), 'latin1').readDoubleLE(0);
        } else {
          const l = r.byte();
          if (l === 253) sc = NaN;
          else if (l === 254) sc = Infinity;
          else if (l === 255) sc = -Infinity;
          else {
            const d = parseDouble(r.bytes(l));
            if (d === null) throw new Bad();
            sc = d;
          }
        }
        if (Number.isNaN(sc)) throw corrupt(1882, 'Zset with NAN score detected');
        if (!z.add(m, sc)) throw corrupt(1894, 'Duplicate zset fields detected');
        if (m.length > maxLen) maxLen = m.length;
      }
      z.skiplist = !(z.size <= lim.zsetMaxEntries && maxLen <= lim.zsetMaxValue);
      return z;
    }
    case T_ZSET_ZIPLIST:
    case T_ZSET_LISTPACK: {
      let flat: string[] = [];
      if (type === T_ZSET_ZIPLIST) {
        const e = zlWalk(r.string());
        if (e === null || !pairsValid(e)) throw corrupt(2229, 'Zset ziplist integrity check failed.');
        flat = e;
      }
      let later: CrashInfo | null = null;
      if (type === T_ZSET_LISTPACK) {
        const got = pairsListpack(r.string(), deep, 2255, 'Zset', (n) => n > lim.zsetMaxEntries);
        flat = got.flat;
        later = got.later;
      }
      if (flat.length === 0) throw emptyKey();
      if (flat.length % 2 !== 0) throw new Bad();
      const z = new ZSet();
      let maxLen = 0;
      for (let i = 0; i < flat.length; i += 2) {
        if (!z.add(flat[i], listpackScore(flat[i + 1])) && later === null) throw new Bad();
        if (flat[i].length > maxLen) maxLen = flat[i].length;
      }
      if (later !== null) throw crashes(later, z);
      z.convertIfNeeded(lim.zsetMaxEntries, Infinity, maxLen);
      return z;
    }
    default:
      throw new Bad();
  }
}

function fillMax(flat: string[]): number {
  let m = 0;
  for (const x of flat) if (x.length > m) m = x.length;
  return m;
}

/** serverLogHexDump's line: the bytes in hex, as the panic before a crash logs them. */
function hexdump(s: string): string {
  let out = '';
  for (let i = 0; i < s.length; i++) out += s.charCodeAt(i).toString(16).padStart(2, '0');
  return out;
}
