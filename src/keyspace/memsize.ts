/**
 * Memory in Redis's terms: what redis-server 7.0 (jemalloc, 64-bit) would allocate for a
 * key and its value, so used_memory, maxmemory and MEMORY USAGE mean what they mean in
 * Redis whatever V8 does underneath. The figures follow Redis's structures: dictEntry
 * (24 bytes, a 32-byte jemalloc class), robj (16), sds headers (1, 3, 5 or 9 bytes), dict
 * tables of 8-byte buckets, listpack entries, intsets, skiplist nodes, quicklist nodes.
 */
import type { RObject } from './db.ts';
import { parseInt64 } from '../util/numbers.ts';

const ROBJ = 16;
/** sizeof(dictEntry) and the jemalloc class it is allocated in. */
const DICT_ENTRY = 24;
const DICT_ENTRY_ALLOC = 32;
/** sizeof(dict) in 7.0 */
const DICT = 56;
const QUICKLIST = 40;
const QUICKLIST_NODE = 32;
/** list-max-listpack-size -2: quicklist nodes hold up to 8 KB of listpack. */
const LIST_NODE_BYTES = 8192;
const ZSET = 16;
const ZSKIPLIST = 32;
/** The skiplist header node: 32 levels, in its jemalloc class. */
const ZSL_HEADER_ALLOC = 640;
/** A stream's robj, stream struct, rax and rax nodes, besides its listpacks. */
const STREAM_FIXED = 632;
/** Elements MEMORY USAGE samples by default (and what the O(1) estimates sample). */
export const DEFAULT_SAMPLES = 5;

/** jemalloc's size class for a request of n bytes (4 classes per doubling above 64). */
export function jemallocSize(n: number): number {
  if (n <= 8) return 8;
  if (n <= 16) return 16;
  if (n <= 32) return 32;
  if (n <= 64) return (n + 15) & ~15;
  const p = 2 ** Math.ceil(Math.log2(n));
  const step = p / 8;
  return Math.ceil(n / step) * step;
}

/** Bytes an sds of this length occupies (header by length type, NUL, jemalloc class). */
export function sdsAlloc(len: number): number {
  const hdr = len < 32 ? 1 : len < 256 ? 3 : len < 65536 ? 5 : 9;
  return jemallocSize(hdr + len + 1);
}

/** A dict table's buckets for n entries: the smallest power of two holding them, 4 at least. */
export function dictBuckets(n: number): number {
  if (n === 0) return 0;
  return n <= 4 ? 4 : 2 ** Math.ceil(Math.log2(n));
}

/** True when s is the canonical text of a 64-bit integer (what Redis stores as an int). */
export function isInt64Text(s: string): boolean {
  const len = s.length;
  if (len === 0 || len > 20) return false;
  const c0 = s.charCodeAt(0);
  if (!((c0 >= 48 && c0 <= 57) || c0 === 45)) return false;
  return parseInt64(s) !== null;
}

/** The bytes of a string value's object (objectComputeSize): int 16, embstr one block, raw robj + sds. */
export function stringObjectBytes(s: string): number {
  const len = s.length;
  if (len <= 20 && isInt64Text(s)) return ROBJ;
  if (len <= 44) return jemallocSize(ROBJ + 3 + len + 1);
  return ROBJ + sdsAlloc(len);
}

/**
 * What a string value adds to used_memory: like stringObjectBytes, except that the
 * integers 0..9999 are shared objects and cost nothing.
 */
export function stringValueBytes(s: string): number {
  const len = s.length;
  if (len <= 4 && isInt64Text(s) && s.charCodeAt(0) !== 45) return 0;
  return stringObjectBytes(s);
}

/**
 * stringValueBytes of a string that is not an integer's text (longer than 20 bytes, or not
 * starting with a digit or '-'), from its length alone.
 */
export function textStringValueBytes(len: number): number {
  return len <= 44 ? jemallocSize(ROBJ + 3 + len + 1) : ROBJ + sdsAlloc(len);
}

/** stringValueBytes of an integer's canonical text, without reading the text. */
export function integerValueBytes(n: number | bigint): number {
  return n >= 0 && n < 10000 ? 0 : ROBJ;
}

/** What a key adds to a database's used_memory besides its value: dictEntry and key sds. */
export function keyBytes(key: string): number {
  return DICT_ENTRY_ALLOC + sdsAlloc(key.length);
}

// ---- listpack ------------------------------------------------------------------------------

/** Bytes a listpack element takes for an integer (encoding + backlen). */
export function lpIntSize(v: number | bigint): number {
  if (v >= 0 && v <= 127) return 2;
  if (v >= -4096 && v <= 4095) return 3;
  if (v >= -32768 && v <= 32767) return 4;
  if (v >= -8388608 && v <= 8388607) return 5;
  if (v >= -2147483648 && v <= 2147483647) return 6;
  return 10;
}

function backlenSize(l: number): number {
  if (l <= 127) return 1;
  if (l < 16383) return 2;
  if (l < 2097151) return 3;
  if (l < 268435455) return 4;
  return 5;
}

/** Bytes a listpack element takes for a string (integer-looking strings are stored as ints). */
export function lpStrSize(s: string): number {
  const len = s.length;
  if (len > 0 && len < 21) {
    const c0 = s.charCodeAt(0);
    if ((c0 >= 48 && c0 <= 57) || c0 === 45) {
      const v = parseInt64(s);
      if (v !== null) return lpIntSize(v);
    }
  }
  const enc = len < 64 ? 1 + len : len < 4096 ? 2 + len : 5 + len;
  return enc + backlenSize(enc);
}

/** A listpack element for a zset score: integral scores are ints, others their %.17g text. */
function lpScoreSize(score: number): number {
  if (Number.isInteger(score) && Math.abs(score) < 2 ** 53) return lpIntSize(score);
  // d2string gives up to 17 significant digits plus sign, point and exponent
  const text = String(score);
  return Math.min(24, text.length + 2) + 1;
}

/** Listpack header (total bytes, count) and end byte. */
const LP_OVERHEAD = 7;

// ---- per type ------------------------------------------------------------------------------

/** The structural views of each value type this model reads. */
interface HashLike {
  readonly map: Map<string, string>;
  listpack: boolean;
}
interface SetLike {
  ints: string[] | null;
  hs: Set<string> | null;
  /** Buckets of the modeled dict, both tables while rehashing (dict-shape.ts). */
  readonly buckets: number;
}
interface ZSetLike {
  readonly dict: Map<string, number>;
  skiplist: boolean;
}
interface ListLike {
  readonly length: number;
  get(i: number): string;
}
interface StreamLike {
  nodes: { bytes: number }[];
  length: number;
  groups: Map<string, { consumers: Map<string, unknown>; pel: { size: number } }> | null;
}

/**
 * Average of `measure` over up to `samples` items of `items` (all when samples is 0), as
 * Redis's sampling in objectComputeSize.
 */
function sampleAverage<T>(items: Iterable<T>, samples: number, measure: (x: T) => number): number {
  let total = 0;
  let n = 0;
  for (const x of items) {
    total += measure(x);
    if (++n === samples) break;
  }
  return n === 0 ? 0 : total / n;
}

/** Redis's objectComputeSize for a collection, sampling `samples` elements (0: all). */
export function objectBytes(v: RObject, samples = DEFAULT_SAMPLES): number {
  switch (v.type) {
    case 'hash': {
      const h = v as unknown as HashLike;
      const n = h.map.size;
      if (h.listpack) {
        let lp = LP_OVERHEAD;
        for (const [f, val] of h.map) lp += lpStrSize(f) + lpStrSize(val);
        return ROBJ + lp;
      }
      const avg = sampleAverage(h.map, samples, ([f, val]) => sdsAlloc(f.length) + sdsAlloc(val.length) + DICT_ENTRY);
      return ROBJ + DICT + 8 * dictBuckets(n) + avg * n;
    }
    case 'set': {
      const s = v as unknown as SetLike;
      if (s.ints !== null) {
        const ints = s.ints;
        let width = 2;
        for (const m of ints) {
          const x = Number(m);
          if (x < -2147483648 || x > 2147483647) {
            width = 8;
            break;
          }
          if (x < -32768 || x > 32767) width = 4;
        }
        return ROBJ + jemallocSize(8 + width * ints.length);
      }
      const hs = s.hs as Set<string>;
      const avg = sampleAverage(hs, samples, (m) => sdsAlloc(m.length) + DICT_ENTRY);
      return ROBJ + DICT + 8 * s.buckets + avg * hs.size;
    }
    case 'zset': {
      const z = v as unknown as ZSetLike;
      const n = z.dict.size;
      if (!z.skiplist) {
        let lp = LP_OVERHEAD;
        for (const [m, score] of z.dict) lp += lpStrSize(m) + lpScoreSize(score);
        return ROBJ + lp;
      }
      // Skiplist nodes have 1.33 levels on average (p = 1/4): 24 + 16 * level bytes.
      const avg = sampleAverage(z.dict.keys(), samples, (m) => sdsAlloc(m.length) + DICT_ENTRY + 48);
      return ROBJ + ZSET + ZSKIPLIST + DICT + 8 * dictBuckets(n) + ZSL_HEADER_ALLOC + avg * n;
    }
    case 'list': {
      const l = v as unknown as ListLike;
      const n = l.length;
      // elements spread over the list, as Redis's samples are whole nodes along it
      const probe = samples === 0 ? n : Math.min(n, samples * 16);
      let bytes = 0;
      for (let k = 0; k < probe; k++) bytes += lpStrSize(l.get(Math.floor((k * n) / probe)));
      const entries = probe === 0 ? 0 : (bytes / probe) * n;
      const nodes = Math.max(1, Math.ceil(entries / (LIST_NODE_BYTES - LP_OVERHEAD)));
      return ROBJ + QUICKLIST + nodes * (QUICKLIST_NODE + jemallocSize(LP_OVERHEAD + entries / nodes));
    }
    case 'stream': {
      const st = v as unknown as StreamLike;
      // robj, stream and rax structs; listpacks start preallocated at stream-node-max-bytes
      // (4 KB) and are shrunk to fit once full, so only the last node keeps its 4 KB.
      let bytes = STREAM_FIXED;
      const nodes = st.nodes;
      for (let i = 0; i < nodes.length; i++) {
        const b = jemallocSize(nodes[i].bytes);
        bytes += i === nodes.length - 1 ? Math.max(b, 4096) : b;
      }
      if (st.groups !== null) {
        for (const g of st.groups.values()) bytes += 64 + g.consumers.size * 96 + g.pel.size * 80;
      }
      return bytes;
    }
  }
}
