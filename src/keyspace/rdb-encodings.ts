/**
 * The compact encodings RDB values are stored in (listpack, ziplist, zipmap, intset), read
 * with the same bounds checks Redis 7.0's integrity validation applies, so a corrupt blob
 * is refused exactly where Redis refuses it. Blobs are byte strings (latin1); every walker
 * returns null where Redis's validator returns 0.
 */
import { parseInt64 } from '../util/numbers.ts';

function u32le(s: string, at: number): number {
  return (s.charCodeAt(at) | (s.charCodeAt(at + 1) << 8) | (s.charCodeAt(at + 2) << 16)) + s.charCodeAt(at + 3) * 0x1000000;
}

/** A little-endian signed integer of `w` bytes (2, 3, 4 or 8) as its decimal text. */
function intLE(s: string, at: number, w: number): string {
  if (w <= 4) {
    let v = 0;
    for (let k = w - 1; k >= 0; k--) v = v * 256 + s.charCodeAt(at + k);
    const half = 2 ** (w * 8 - 1);
    return String(v >= half ? v - 2 * half : v);
  }
  let v = 0n;
  for (let k = 7; k >= 0; k--) v = (v << 8n) | BigInt(s.charCodeAt(at + k));
  return BigInt.asIntN(64, v).toString();
}

// ---- listpack ------------------------------------------------------------------------------

/** lpEncodeBacklen's size for an entry of `l` bytes (Redis's own thresholds). */
export function lpBacklenSize(l: number): number {
  return l <= 127 ? 1 : l < 16383 ? 2 : l < 2097151 ? 3 : l < 268435455 ? 4 : 5;
}

/** The header's byte count matches the blob and it ends with EOF (the shallow check). */
export function lpHeaderValid(lp: string): boolean {
  const n = lp.length;
  return n >= 7 && u32le(lp, 0) === n && lp.charCodeAt(n - 1) === 0xff;
}

/** The header's element count (65535: unknown). */
export function lpHeaderCount(lp: string): number {
  return lp.charCodeAt(4) | (lp.charCodeAt(5) << 8);
}

/**
 * One entry at `p` as lpValidateNext checks it: its value goes to `out`; the offset of the
 * next entry is returned, -1 at EOF, -2 when the entry is malformed or reaches outside.
 */
function lpNext(lp: string, p: number, out: string[]): number {
  const last = lp.length - 1;
  if (p < 6 || p > last) return -2;
  const b = lp.charCodeAt(p);
  if (b === 0xff) return -1;
  let lenBytes: number;
  if (b < 0xe0) lenBytes = 1;
  else if (b < 0xf0) lenBytes = 2;
  else if (b === 0xf0) lenBytes = 5;
  else if (b <= 0xf4) lenBytes = 1;
  else return -2;
  if (p + lenBytes > last) return -2;
  let entryLen: number;
  let val: string;
  if (b < 0x80) {
    entryLen = 1;
    val = String(b);
  } else if (b < 0xc0) {
    entryLen = 1 + (b & 63);
    val = '';
  } else if (b < 0xe0) {
    entryLen = 2;
    const u = ((b & 31) << 8) | lp.charCodeAt(p + 1);
    val = String(u >= 4096 ? u - 8192 : u);
  } else if (b < 0xf0) {
    entryLen = 2 + (((b & 15) << 8) | lp.charCodeAt(p + 1));
    val = '';
  } else if (b === 0xf0) {
    entryLen = (5 + u32le(lp, p + 1)) >>> 0; // uint32 arithmetic, as Redis's
    val = '';
  } else {
    const w = b === 0xf1 ? 2 : b === 0xf2 ? 3 : b === 0xf3 ? 4 : 8;
    entryLen = 1 + w;
    val = '';
  }
  const backlen = lpBacklenSize(entryLen);
  const total = entryLen + backlen;
  if (p + total > last) return -2;
  // the backlen, read backwards from the entry's last byte, must give the entry's length
  const v = readBacklen(lp, p + total - 1);
  if (v < 0 || v + backlen !== total) return -2;
  if (b >= 0x80) {
    if (b < 0xc0) val = lp.slice(p + 1, p + entryLen);
    else if (b >= 0xe0 && b < 0xf0) val = lp.slice(p + 2, p + entryLen);
    else if (b === 0xf0) val = lp.slice(p + 5, p + entryLen);
    else if (b > 0xf0) val = intLE(lp, p + 1, entryLen - 1);
  }
  out.push(val);
  return p + total;
}

/**
 * Walks every entry. `ok` is false when one is malformed or the walk misses the EOF; then
 * `entries` holds the entries before the bad one. `countOk` compares the header's count.
 */
export function lpWalk(lp: string): { entries: string[]; ok: boolean; countOk: boolean } {
  const out: string[] = [];
  let p = 6;
  for (;;) {
    const next = lpNext(lp, p, out);
    if (next === -1) break;
    if (next === -2) return { entries: out, ok: false, countOk: false };
    p = next;
  }
  if (p !== lp.length - 1) return { entries: out, ok: false, countOk: false };
  const hc = lpHeaderCount(lp);
  return { entries: out, ok: true, countOk: hc === 65535 || hc === out.length };
}

/** lpPairsValidateIntegrityAndDups's deep part: an even count and no field twice. */
export function pairsValid(entries: string[]): boolean {
  if (entries.length % 2 !== 0) return false;
  const seen = new Set<string>();
  for (let i = 0; i < entries.length; i += 2) {
    if (seen.has(entries[i])) return false;
    seen.add(entries[i]);
  }
  return true;
}

/** lpGetIntegerIfValid: an integer entry, or a string string2ll accepts. */
function lpInteger(e: string | undefined): number | bigint | null {
  return e === undefined ? null : parseInt64(e);
}

/**
 * streamValidateListpackIntegrity's deep pass over a listpack's entries: the master entry,
 * then every record (flags, ID deltas, fields, values, lp-count), nothing after the last.
 */
export function streamNodeValid(e: string[]): boolean {
  const end = e.length;
  let i = 0;
  const count = lpInteger(e[i++]);
  const deleted = lpInteger(e[i++]);
  const masterFields = lpInteger(e[i++]);
  if (count === null || deleted === null || masterFields === null) return false;
  const nmf = Number(masterFields);
  if (nmf > 0) i += nmf;
  if (i >= end || lpInteger(e[i]) !== 0) return false;
  i++;
  let records = Number(count) + Number(deleted);
  // a negative total never ends before the entries run out
  if (records < 0) return false;
  while (records-- > 0) {
    if (i >= end) return false;
    const flags = lpInteger(e[i++]);
    if (flags === null || lpInteger(e[i++]) === null || lpInteger(e[i++]) === null) return false;
    let fields = nmf;
    let extra = 3;
    if ((typeof flags === 'bigint' ? Number(flags & 2n) : flags & 2) === 0) {
      const f = lpInteger(e[i++]);
      if (f === null) return false;
      fields = Number(f);
      if (fields > 0) i += fields;
      extra += fields + 1;
    }
    if (fields > 0) i += fields;
    if (i >= end) return false;
    const lpCount = lpInteger(e[i++]);
    if (lpCount === null || Number(lpCount) !== fields + extra) return false;
  }
  return i === end;
}

// ---- ziplist (always validated in depth: it is converted entry by entry) -----------------

/** Entries of a ziplist as ziplistValidateIntegrity checks them; null where it fails. */
export function zlWalk(zl: string): string[] | null {
  const n = zl.length;
  if (n < 11 || u32le(zl, 0) !== n || zl.charCodeAt(n - 1) !== 0xff) return null;
  const tail = u32le(zl, 4);
  if (tail > n - 1) return null;
  const headerCount = zl.charCodeAt(8) | (zl.charCodeAt(9) << 8);
  const first = 10;
  const last = n - 1;
  const out: string[] = [];
  let p = first;
  let prev = -1;
  let prevRawSize = 0;
  while (zl.charCodeAt(p) !== 0xff) {
    if (p < first || p > last) return null;
    const pl = zl.charCodeAt(p) < 254 ? 1 : 5;
    if (p + pl > last) return null;
    const prevLen = pl === 1 ? zl.charCodeAt(p) : u32le(zl, p + 1);
    const q = p + pl;
    const b = zl.charCodeAt(q);
    let lenSize: number;
    let len: number;
    let isInt = false;
    if (b < 0xc0) {
      const t = b & 0xc0;
      lenSize = t === 0 ? 1 : t === 0x40 ? 2 : 5;
      if (q + lenSize > last) return null;
      len = t === 0 ? b & 63 : t === 0x40 ? ((b & 63) << 8) | zl.charCodeAt(q + 1) : u32be(zl, q + 1);
    } else {
      lenSize = 1;
      isInt = true;
      if (b === 0xc0) len = 2;
      else if (b === 0xd0) len = 4;
      else if (b === 0xe0) len = 8;
      else if (b === 0xf0) len = 3;
      else if (b === 0xfe) len = 1;
      else if (b >= 0xf1 && b <= 0xfd) len = 0;
      else return null;
    }
    const header = pl + lenSize;
    if (p + header + len > last) return null;
    if (p - prevLen < first) return null;
    if (prevLen !== prevRawSize) return null;
    const data = p + header;
    if (!isInt) out.push(zl.slice(data, data + len));
    else if (len === 0) out.push(String((b & 15) - 1));
    else if (len === 1) out.push(String((zl.charCodeAt(data) << 24) >> 24));
    else out.push(intLE(zl, data, len));
    prevRawSize = header + len;
    prev = p;
    p += header + len;
  }
  if (p !== n - 1) return null;
  if (prev !== -1 && prev !== tail) return null;
  if (headerCount !== 65535 && out.length !== headerCount) return null;
  return out;
}

function u32be(s: string, at: number): number {
  return s.charCodeAt(at) * 0x1000000 + ((s.charCodeAt(at + 1) << 16) | (s.charCodeAt(at + 2) << 8) | s.charCodeAt(at + 3));
}

// ---- zipmap (hashes of RDB files older than version 4) ------------------------------------

/** Field/value pairs of a zipmap as zipmapValidateIntegrity checks it; null where it fails. */
export function zmWalk(zm: string): string[] | null {
  const n = zm.length;
  if (n < 2 || zm.charCodeAt(n - 1) !== 0xff) return null;
  const out = (p: number): boolean => p < 2 || p > n - 1;
  const pairs: string[] = [];
  let p = 1;
  // a length: one byte under 254, else 254 and 4 little-endian bytes (which must need them)
  const length = (at: number): [number, number] | null => {
    const b = zm.charCodeAt(at);
    const s = b < 254 ? 1 : 5;
    if (out(at + s)) return null;
    if (s === 1) return [b, 1];
    const l = u32le(zm, at + 1);
    if (l < 254) return null;
    return [l, 5];
  };
  while (zm.charCodeAt(p) !== 0xff) {
    const f = length(p);
    if (f === null) return null;
    p += f[1];
    const field = zm.slice(p, p + f[0]);
    p += f[0];
    if (out(p)) return null;
    const v = length(p);
    if (v === null) return null;
    p += v[1];
    const free = zm.charCodeAt(p++);
    const value = zm.slice(p, p + v[0]);
    p += v[0] + free;
    if (out(p)) return null;
    pairs.push(field, value);
  }
  const count = pairs.length / 2;
  if (count === 0) return null;
  const hc = zm.charCodeAt(0);
  if (hc !== 254 && hc !== count) return null;
  return pairs;
}

// ---- intset -------------------------------------------------------------------------------

/**
 * An intset's members; null when its header is invalid (intsetValidateIntegrity's shallow
 * checks). `sorted` tells whether the deep check (strictly ascending) holds.
 */
export function isWalk(blob: string): { members: string[]; sorted: boolean } | null {
  if (blob.length < 8) return null;
  const width = u32le(blob, 0);
  if (width !== 2 && width !== 4 && width !== 8) return null;
  const count = u32le(blob, 4);
  if (8 + count * width !== blob.length || count === 0) return null;
  const members: string[] = [];
  let sorted = true;
  if (width === 8) {
    let prev: bigint | null = null;
    for (let i = 0; i < count; i++) {
      const t = intLE(blob, 8 + i * 8, 8);
      const v = BigInt(t);
      if (prev !== null && v <= prev) sorted = false;
      prev = v;
      members.push(t);
    }
  } else {
    let prev = -Infinity;
    for (let i = 0; i < count; i++) {
      const t = intLE(blob, 8 + i * width, width);
      const v = Number(t);
      if (v <= prev) sorted = false;
      prev = v;
      members.push(t);
    }
  }
  return { members, sorted };
}

// ---- a stream's last ID, as Redis's reverse iterator finds it in raw listpacks -----------

/** What streamLastValidID meets walking listpacks backwards (Redis keeps them unchecked). */
export type ReverseWalk = 'found' | 'none' | 'assert';

class Halt {
  constructor(readonly what: ReverseWalk) {}
}

/**
 * One node's listpack walked as streamIteratorGetID does in reverse (lpLast, lpPrev, the
 * lp-count fields), looking for a live entry: 'found', 'none' (down to the master entry),
 * or 'assert' where one of lpPrev/lpNext/lpGetInteger's assertions would stop Redis.
 */
export function reverseFindLive(lp: string): ReverseWalk {
  const scratch: string[] = [];
  const valid = (p: number): boolean => lpNext(lp, p, scratch) !== -2;
  const size = (p: number): number => {
    const b = lp.charCodeAt(p);
    let l: number;
    if (b < 0x80) l = 1;
    else if (b < 0xc0) l = 1 + (b & 63);
    else if (b < 0xe0) l = 2;
    else if (b < 0xf0) l = 2 + (((b & 15) << 8) | lp.charCodeAt(p + 1));
    else if (b === 0xf0) l = (5 + u32le(lp, p + 1)) >>> 0;
    else l = b === 0xf1 ? 3 : b === 0xf2 ? 4 : b === 0xf3 ? 5 : 9;
    return l + lpBacklenSize(l);
  };
  const stop = (): never => {
    throw new Halt('assert');
  };
  const check = (p: number): number => (valid(p) ? p : stop());
  const next = (p: number): number => {
    if (p < 0) stop();
    const q = p + size(p);
    return lp.charCodeAt(q) === 0xff ? -1 : check(q);
  };
  const prev = (p: number): number => {
    if (p < 0) stop();
    if (p === 6) return -1;
    const v = readBacklen(lp, p - 1);
    if (v < 0) stop();
    return check(p - 1 - (v + lpBacklenSize(v) - 1));
  };
  const int = (p: number): number => {
    if (p < 0) stop();
    scratch.length = 0;
    lpNext(lp, p, scratch);
    const v = scratch.length === 1 ? parseInt64(scratch[0]) : null;
    return v === null ? stop() : Number(v);
  };
  try {
    if (lp.charCodeAt(6) === 0xff) stop();
    let e = next(next(check(6)));
    const masterFields = int(e);
    e = lp.length - 1;
    e = prev(e);
    for (let guard = 0; guard < lp.length; guard++) {
      let count = int(e);
      if (count === 0) return 'none';
      // a negative count steps back until lpPrev runs out of entries
      if (count < 0) stop();
      while (count-- > 0) e = prev(e);
      const flags = int(e);
      e = next(e);
      int(e);
      e = next(e);
      int(e);
      e = next(e);
      const same = (flags & 2) !== 0;
      let fields = masterFields;
      if (!same) {
        fields = int(e);
        e = next(e);
      }
      if (fields < 0) stop();
      if ((flags & 1) === 0) return 'found';
      for (let k = same ? 4 : 5; k > 0; k--) e = prev(e);
    }
    return 'assert';
  } catch (x) {
    if (x instanceof Halt) return x.what;
    throw x;
  }
}

/**
 * A listpack entry's back-length, read backwards from its last byte at `q` (7 bits a byte,
 * the high bit saying more follow); -1 when it runs past the five bytes a length can take.
 */
function readBacklen(lp: string, q: number): number {
  let v = 0;
  let shift = 0;
  for (;;) {
    const c = lp.charCodeAt(q);
    v += (c & 127) * 2 ** shift;
    if ((c & 128) === 0) return v;
    shift += 7;
    q--;
    if (shift > 28) return -1;
  }
}
