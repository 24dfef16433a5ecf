/**
 * HyperLogLog exactly as Redis 7.0 stores it in a string value, so the bytes of a key
 * (GET after PFADD/PFMERGE/PFCOUNT) and PFCOUNT results are identical to Redis's.
 *
 * Layout: 16-byte header "HYLL", encoding (0 dense, 1 sparse), 3 unused bytes, 8-byte
 * little-endian cached cardinality whose top bit set means "stale". Dense: 16384 6-bit
 * registers packed LSB first (12288 bytes). Sparse: ZERO (00xxxxxx, 1-64 zero registers),
 * XZERO (01xxxxxx xxxxxxxx, 1-16384 zero registers), VAL (1vvvvvxx, 1-4 registers of value
 * 1-32) opcodes. A sparse HLL becomes dense when a register would exceed 32 or the string
 * would grow past `hll-sparse-max-bytes`.
 *
 * Values are byte strings (latin1). Reads work on the string directly; writes go through a
 * scratch Buffer and come back as a new string, since strings are immutable.
 *
 * Error texts for handlers: HLL_WRONGTYPE_ERR when `hllIsValid` fails, HLL_INVALID_ERR when a
 * function reports corruption.
 */
import { ERR } from '../errors.ts';

/** Reply for a string value that is not an HLL (isHLLObjectOrReply). */
export const HLL_WRONGTYPE_ERR = ERR.wrongtypeKeyNotValid;
/** Reply for a sparse HLL whose opcodes do not cover exactly 16384 registers. */
export const HLL_INVALID_ERR = ERR.invalidobjCorruptedHllObject;
/** Default of the hll-sparse-max-bytes config. */
export const HLL_SPARSE_MAX_BYTES_DEFAULT = 3000;

const HLL_P = 14;
const HLL_Q = 64 - HLL_P;
/** Number of registers (2^14). */
export const HLL_REGISTERS = 1 << HLL_P;
const HLL_P_MASK = HLL_REGISTERS - 1;
const HLL_REGISTER_MAX = 63;
const HDR = 16;
const DENSE_SIZE = HDR + Math.floor((HLL_REGISTERS * 6 + 7) / 8); // 12304
const ENC_DENSE = 0;
const ENC_SPARSE = 1;
const VAL_MAX_VALUE = 32;
const VAL_MAX_LEN = 4;
const ZERO_MAX_LEN = 64;
const ALPHA_INF = 0.72134752044448170368; // 0.5/ln(2)

// ======================= MurmurHash64A (64-bit via 32-bit halves) =======================

const M_LO = 0x5bd1e995;
const M_HI = 0xc6a4a793 | 0;

/** High 32 bits of the unsigned 32x32 product a*b. */
function umulh(a: number, b: number): number {
  const a0 = a & 0xffff;
  const a1 = a >>> 16;
  const b0 = b & 0xffff;
  const b1 = b >>> 16;
  const p00 = a0 * b0;
  const p01 = a0 * b1;
  const p10 = a1 * b0;
  const mid = (p00 >>> 16) + (p01 & 0xffff) + (p10 & 0xffff);
  return (a1 * b1 + (p01 >>> 16) + (p10 >>> 16) + (mid >>> 16)) >>> 0;
}

/**
 * Redis's MurmurHash64A of byte string `s` (little-endian reads) with a 32-bit seed;
 * returns the hash as [hi, lo] unsigned 32-bit halves (allocates; for tests and tools).
 */
export function murmurHash64A(s: string, seed = 0xadc83b19): [number, number] {
  const r = hashParts(s, seed);
  return [r.hi >>> 0, r.lo >>> 0];
}

interface Parts {
  hi: number;
  lo: number;
}

function hashParts(s: string, seed: number): Parts {
  const len = s.length;
  let lo = Math.imul(len, M_LO);
  let hi = (umulh(len, M_LO) + Math.imul(len, M_HI)) | 0;
  lo = (lo ^ seed) | 0;
  const end = len - (len & 7);
  let i = 0;
  while (i < end) {
    let klo =
      s.charCodeAt(i) | (s.charCodeAt(i + 1) << 8) | (s.charCodeAt(i + 2) << 16) | (s.charCodeAt(i + 3) << 24);
    let khi =
      s.charCodeAt(i + 4) | (s.charCodeAt(i + 5) << 8) | (s.charCodeAt(i + 6) << 16) | (s.charCodeAt(i + 7) << 24);
    // k *= m
    let t = (umulh(klo, M_LO) + Math.imul(klo, M_HI) + Math.imul(khi, M_LO)) | 0;
    klo = Math.imul(klo, M_LO);
    khi = t;
    // k ^= k >> 47
    klo ^= khi >>> 15;
    // k *= m
    t = (umulh(klo, M_LO) + Math.imul(klo, M_HI) + Math.imul(khi, M_LO)) | 0;
    klo = Math.imul(klo, M_LO);
    khi = t;
    // h ^= k; h *= m
    lo ^= klo;
    hi ^= khi;
    t = (umulh(lo, M_LO) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) | 0;
    lo = Math.imul(lo, M_LO);
    hi = t;
    i += 8;
  }
  const rem = len & 7;
  if (rem) {
    switch (rem) {
      case 7:
        hi ^= s.charCodeAt(i + 6) << 16;
      // falls through
      case 6:
        hi ^= s.charCodeAt(i + 5) << 8;
      // falls through
      case 5:
        hi ^= s.charCodeAt(i + 4);
      // falls through
      case 4:
        lo ^= s.charCodeAt(i + 3) << 24;
      // falls through
      case 3:
        lo ^= s.charCodeAt(i + 2) << 16;
      // falls through
      case 2:
        lo ^= s.charCodeAt(i + 1) << 8;
      // falls through
      default:
        lo ^= s.charCodeAt(i);
    }
    const t = (umulh(lo, M_LO) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) | 0;
    lo = Math.imul(lo, M_LO);
    hi = t;
  }
  lo ^= hi >>> 15;
  let t = (umulh(lo, M_LO) + Math.imul(lo, M_HI) + Math.imul(hi, M_LO)) | 0;
  lo = Math.imul(lo, M_LO);
  hi = t;
  lo ^= hi >>> 15;
  return { hi, lo };
}

function ctz32(x: number): number {
  return 31 - Math.clz32(x & -x);
}

/** hllPatLen: register index (low 14 bits) and run length (bits 14+) of element `ele`. */
function patLen(ele: string): number {
  const h = hashParts(ele, 0xadc83b19);
  const index = h.lo & HLL_P_MASK;
  const rlo = (h.lo >>> HLL_P) | (h.hi << (32 - HLL_P));
  const rhi = (h.hi >>> HLL_P) | (1 << (HLL_Q - 32));
  const count = rlo !== 0 ? 1 + ctz32(rlo) : 33 + ctz32(rhi);
  return (count << HLL_P) | index;
}

// ============================== Dense registers ==============================

/** Dense register `r` read from a byte source (string or buffer) whose registers start at HDR. */
function denseGetStr(s: string, r: number): number {
  const bit = r * 6;
  const byte = HDR + (bit >>> 3);
  const fb = bit & 7;
  const b0 = s.charCodeAt(byte);
  const b1 = byte + 1 < s.length ? s.charCodeAt(byte + 1) : 0;
  return ((b0 >>> fb) | (b1 << (8 - fb))) & HLL_REGISTER_MAX;
}

function denseGet(p: Uint8Array, r: number): number {
  const bit = r * 6;
  const byte = HDR + (bit >>> 3);
  const fb = bit & 7;
  return ((p[byte] >>> fb) | (p[byte + 1] << (8 - fb))) & HLL_REGISTER_MAX;
}

/** Set dense register r (buffer must have one spare byte after the registers). */
function denseSetRaw(p: Uint8Array, r: number, val: number): void {
  const bit = r * 6;
  const byte = HDR + (bit >>> 3);
  const fb = bit & 7;
  const fb8 = 8 - fb;
  p[byte] = (p[byte] & ~(HLL_REGISTER_MAX << fb)) | (val << fb);
  p[byte + 1] = (p[byte + 1] & ~(HLL_REGISTER_MAX >>> fb8)) | (val >>> fb8);
}

/** hllDenseSet: raise register r to count if larger; 1 if changed else 0. */
function denseSet(p: Uint8Array, r: number, count: number): number {
  if (count > denseGet(p, r)) {
    denseSetRaw(p, r, count);
    return 1;
  }
  return 0;
}

// ============================== Working buffer ==============================

/** A mutable HLL under edit: `buf[len]` is always 0 (the C string terminator). */
interface Work {
  buf: Buffer;
  len: number;
}

function load(s: string, extra: number): Work {
  const buf = Buffer.alloc(s.length + extra + 1);
  buf.latin1Write(s, 0);
  return { buf, len: s.length };
}

function ensureRoom(w: Work, extra: number): void {
  if (w.len + extra + 1 <= w.buf.length) return;
  const nb = Buffer.alloc(Math.max(w.buf.length * 2, w.len + extra + 1));
  w.buf.copy(nb, 0, 0, w.len);
  w.buf = nb;
}

function workString(w: Work): string {
  return w.buf.latin1Slice(0, w.len);
}

function invalidateCache(w: Work): void {
  w.buf[15] |= 0x80;
}

/** An empty HLL string as PFADD creates it: sparse, one XZERO opcode of 16384 registers. */
export function hllCreate(): string {
  return 'HYLL\x01\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x00\x7f\xff';
}

// ============================== Sparse encoding ==============================

/** hllSparseToDense in place on w; false if the sparse data is corrupt (w untouched). */
function sparseToDense(w: Work): boolean {
  const src = w.buf;
  if (src[4] === ENC_DENSE) return true;
  const dense = Buffer.alloc(DENSE_SIZE + 1);
  src.copy(dense, 0, 0, HDR);
  dense[4] = ENC_DENSE;
  const end = w.len;
  let idx = 0;
  let p = HDR;
  while (p < end) {
    const b = src[p];
    if ((b & 0xc0) === 0) {
      idx += (b & 0x3f) + 1;
      p++;
    } else if ((b & 0xc0) === 0x40) {
      idx += (((b & 0x3f) << 8) | src[p + 1]) + 1;
      p += 2;
    } else {
      let runlen = (b & 3) + 1;
      const regval = ((b >>> 2) & 0x1f) + 1;
      if (runlen + idx > HLL_REGISTERS) return false; // a VAL run past the last register
      while (runlen--) denseSetRaw(dense, idx++, regval);
      p++;
    }
  }
  if (idx !== HLL_REGISTERS) return false;
  w.buf = dense;
  w.len = DENSE_SIZE;
  return true;
}

/** hllSparseSet: raise register `index` to `count`; 1 changed, 0 unchanged, -1 corrupt. May promote w to dense. */
function sparseSet(w: Work, index: number, count: number, maxBytes: number): number {
  if (count > VAL_MAX_VALUE) return promote(w, index, count);
  ensureRoom(w, 3);
  let buf = w.buf;
  let end = w.len;
  let p = HDR;
  let first = 0;
  let prev = -1;
  let span = 0;
  while (p < end) {
    const b = buf[p];
    let oplen = 1;
    if ((b & 0xc0) === 0) span = (b & 0x3f) + 1;
    else if (b & 0x80) span = (b & 3) + 1;
    else {
      span = (((b & 0x3f) << 8) | buf[p + 1]) + 1;
      oplen = 2;
    }
    if (index <= first + span - 1) break;
    prev = p;
    p += oplen;
    first += span;
  }
  if (span === 0 || p >= end) return -1;

  const op = buf[p];
  const isXzero = (op & 0xc0) === 0x40;
  let next = isXzero ? p + 2 : p + 1;
  if (next >= end) next = -1;
  const isZero = (op & 0xc0) === 0;
  const isVal = (op & 0x80) !== 0;
  const runlen = isZero ? (op & 0x3f) + 1 : isXzero ? (((op & 0x3f) << 8) | buf[p + 1]) + 1 : (op & 3) + 1;

  let simple = false;
  if (isVal) {
    const oldcount = ((op >>> 2) & 0x1f) + 1;
    if (oldcount >= count) return 0;
    if (runlen === 1) {
      buf[p] = ((count - 1) << 2) | 0x80;
      simple = true;
    }
  }
  if (!simple && isZero && runlen === 1) {
    buf[p] = ((count - 1) << 2) | 0x80;
    simple = true;
  }

  if (!simple) {
    // General case: split the opcode into up to three (at most 5 bytes).
    const seq = [0, 0, 0, 0, 0];
    let n = 0;
    const last = first + span - 1;
    if (isZero || isXzero) {
      if (index !== first) n = putZeros(seq, n, index - first);
      seq[n++] = ((count - 1) << 2) | 0x80;
      if (index !== last) n = putZeros(seq, n, last - index);
    } else {
      const curval = ((op >>> 2) & 0x1f) + 1;
      if (index !== first) seq[n++] = ((curval - 1) << 2) | (index - first - 1) | 0x80;
      seq[n++] = ((count - 1) << 2) | 0x80;
      if (index !== last) seq[n++] = ((curval - 1) << 2) | (last - index - 1) | 0x80;
    }
    const oldlen = isXzero ? 2 : 1;
    const delta = n - oldlen;
    if (delta > 0 && w.len + delta > maxBytes) return promote(w, index, count);
    if (delta !== 0 && next >= 0) buf.copyWithin(next + delta, next, end);
    w.len += delta;
    buf[w.len] = 0;
    for (let k = 0; k < n; k++) buf[p + k] = seq[k];
    end += delta;
  }

  // Merge adjacent VAL opcodes with the same value, scanning up to 5 opcodes from prev.
  p = prev >= 0 ? prev : HDR;
  let scan = 5;
  while (p < end && scan-- > 0) {
    const b = buf[p];
    if ((b & 0xc0) === 0x40) {
      p += 2;
      continue;
    }
    if ((b & 0xc0) === 0) {
      p++;
      continue;
    }
    if (p + 1 < end && buf[p + 1] & 0x80) {
      const v1 = ((b >>> 2) & 0x1f) + 1;
      const b2 = buf[p + 1];
      const v2 = ((b2 >>> 2) & 0x1f) + 1;
      if (v1 === v2) {
        const len = (b & 3) + 1 + (b2 & 3) + 1;
        if (len <= VAL_MAX_LEN) {
          buf[p + 1] = ((v1 - 1) << 2) | (len - 1) | 0x80;
          buf.copyWithin(p, p + 1, end + 1);
          w.len--;
          end--;
          continue;
        }
      }
    }
    p++;
  }
  invalidateCache(w);
  return 1;
}

/** Write a ZERO or XZERO opcode for `len` zero registers into seq at n; returns new n. */
function putZeros(seq: number[], n: number, len: number): number {
  if (len > ZERO_MAX_LEN) {
    const l = len - 1;
    seq[n++] = (l >>> 8) | 0x40;
    seq[n++] = l & 0xff;
  } else {
    seq[n++] = len - 1;
  }
  return n;
}

function promote(w: Work, index: number, count: number): number {
  if (!sparseToDense(w)) return -1;
  denseSet(w.buf, index, count);
  return 1;
}

// ============================== Public API ==============================

/** isHLLObjectOrReply's checks: a string of >= 16 bytes, "HYLL" magic, known encoding, exact dense size. */
export function hllIsValid(s: string): boolean {
  if (s.length < HDR) return false;
  if (s.charCodeAt(0) !== 72 || s.charCodeAt(1) !== 89 || s.charCodeAt(2) !== 76 || s.charCodeAt(3) !== 76) return false;
  const enc = s.charCodeAt(4);
  if (enc > ENC_SPARSE) return false;
  if (enc === ENC_DENSE && s.length !== DENSE_SIZE) return false;
  return true;
}

/** True if the (valid) HLL string uses the dense encoding. */
export function hllIsDense(s: string): boolean {
  return s.charCodeAt(4) === ENC_DENSE;
}

/** Result of hllAdd: `value` is the string to store (=== input when unchanged). */
export interface HllAddResult {
  /** PFADD's reply: true if some register changed (or the key was created). */
  updated: boolean;
  /** True if a corrupt sparse HLL was found: reply HLL_INVALID_ERR, but still store `value` (earlier elements were applied, as in Redis). */
  corrupt: boolean;
  value: string;
}

/** PFADD on a valid HLL string (or null for a missing key, which creates one); elements are byte strings. */
export function hllAdd(s: string | null, elements: readonly string[], sparseMaxBytes = HLL_SPARSE_MAX_BYTES_DEFAULT): HllAddResult {
  const created = s === null;
  const src = s === null ? hllCreate() : s;
  const n = elements.length;
  if (src.charCodeAt(4) === ENC_DENSE) {
    // Dense: find out from the string itself whether anything changes before copying 12 KB.
    let firstChange = -1;
    for (let i = 0; i < n; i++) {
      const pl = patLen(elements[i]);
      if (pl >>> HLL_P > denseGetStr(src, pl & HLL_P_MASK)) {
        firstChange = i;
        break;
      }
    }
    if (firstChange < 0) return { updated: created, corrupt: false, value: src };
    const w = load(src, 0);
    for (let i = firstChange; i < n; i++) {
      const pl = patLen(elements[i]);
      denseSet(w.buf, pl & HLL_P_MASK, pl >>> HLL_P);
    }
    invalidateCache(w);
    return { updated: true, corrupt: false, value: workString(w) };
  }
  const w = load(src, 8);
  let updated = created;
  for (let i = 0; i < n; i++) {
    const pl = patLen(elements[i]);
    const index = pl & HLL_P_MASK;
    const count = pl >>> HLL_P;
    const r = w.buf[4] === ENC_DENSE ? denseSet(w.buf, index, count) : sparseSet(w, index, count, sparseMaxBytes);
    if (r === 1) updated = true;
    else if (r === -1) return { updated, corrupt: true, value: updated ? workString(w) : src };
  }
  if (!updated) return { updated: false, corrupt: false, value: src };
  invalidateCache(w);
  return { updated: true, corrupt: false, value: workString(w) };
}

/** Register histogram of a valid HLL string; null if a sparse HLL is corrupt. */
function histogram(s: string): Int32Array | null {
  const h = new Int32Array(64);
  if (s.charCodeAt(4) === ENC_DENSE) {
    let b = HDR;
    for (let j = 0; j < 1024; j++, b += 12) {
      // 16 registers live in 12 bytes; decode them two groups of 3 bytes at a time.
      for (let k = 0; k < 12; k += 3) {
        const x = s.charCodeAt(b + k) | (s.charCodeAt(b + k + 1) << 8) | (s.charCodeAt(b + k + 2) << 16);
        h[x & 63]++;
        h[(x >>> 6) & 63]++;
        h[(x >>> 12) & 63]++;
        h[(x >>> 18) & 63]++;
      }
    }
    return h;
  }
  let idx = 0;
  const end = s.length;
  let p = HDR;
  while (p < end) {
    const b = s.charCodeAt(p);
    if ((b & 0xc0) === 0) {
      const run = (b & 0x3f) + 1;
      idx += run;
      h[0] += run;
      p++;
    } else if ((b & 0xc0) === 0x40) {
      const run = (((b & 0x3f) << 8) | (p + 1 < end ? s.charCodeAt(p + 1) : 0)) + 1;
      idx += run;
      h[0] += run;
      p += 2;
    } else {
      const run = (b & 3) + 1;
      idx += run;
      h[((b >>> 2) & 0x1f) + 1] += run;
      p++;
    }
  }
  return idx === HLL_REGISTERS ? h : null;
}

function sigma(x: number): number {
  if (x === 1) return Infinity;
  let zPrime: number;
  let y = 1;
  let z = x;
  do {
    x *= x;
    zPrime = z;
    z += x * y;
    y += y;
  } while (zPrime !== z);
  return z;
}

function tau(x: number): number {
  if (x === 0 || x === 1) return 0;
  let zPrime: number;
  let y = 1.0;
  let z = 1 - x;
  do {
    x = Math.sqrt(x);
    zPrime = z;
    y *= 0.5;
    const t = 1 - x;
    z -= t * t * y;
  } while (zPrime !== z);
  return z / 3;
}

/** Ertl's improved estimator over a register histogram, as hllCount. */
function estimate(h: Int32Array): number {
  const m = HLL_REGISTERS;
  let z = m * tau((m - h[HLL_Q + 1]) / m);
  for (let j = HLL_Q; j >= 1; --j) {
    z += h[j];
    z *= 0.5;
  }
  z += m * sigma(h[0] / m);
  return Math.round((ALPHA_INF * m * m) / z);
}

/** Result of hllCount: `value` is the string to store (=== input when the cache was valid). */
export interface HllCountResult {
  count: number | bigint;
  value: string;
}

/** PFCOUNT of one valid HLL string: cached cardinality if valid, else computed and cached in `value`; null if corrupt. */
export function hllCount(s: string): HllCountResult | null {
  const c7 = s.charCodeAt(15);
  if ((c7 & 0x80) === 0) {
    const lo = (s.charCodeAt(8) | (s.charCodeAt(9) << 8) | (s.charCodeAt(10) << 16) | (s.charCodeAt(11) << 24)) >>> 0;
    const hi = (s.charCodeAt(12) | (s.charCodeAt(13) << 8) | (s.charCodeAt(14) << 16) | (c7 << 24)) >>> 0;
    const count = hi < 0x200000 ? hi * 0x100000000 + lo : (BigInt(hi) << 32n) | BigInt(lo);
    return { count, value: s };
  }
  const h = histogram(s);
  if (h === null) return null;
  const count = estimate(h);
  const w = load(s, 0);
  w.buf.writeUInt32LE(count % 0x100000000, 8);
  w.buf.writeUInt32LE(Math.floor(count / 0x100000000), 12);
  return { count, value: workString(w) };
}

/** A zeroed array of 16384 registers (one byte each) to merge HLLs into, for PFCOUNT k1 k2.. and PFMERGE. */
export function hllNewRegisters(): Uint8Array {
  return new Uint8Array(HLL_REGISTERS);
}

/** hllMerge: max[i] = max(max[i], register i of valid HLL string s); false if s is a corrupt sparse HLL. */
export function hllMergeInto(max: Uint8Array, s: string): boolean {
  if (s.charCodeAt(4) === ENC_DENSE) {
    let b = HDR;
    let r = 0;
    for (let j = 0; j < 4096; j++, b += 3) {
      const x = s.charCodeAt(b) | (s.charCodeAt(b + 1) << 8) | (s.charCodeAt(b + 2) << 16);
      let v = x & 63;
      if (v > max[r]) max[r] = v;
      v = (x >>> 6) & 63;
      if (v > max[r + 1]) max[r + 1] = v;
      v = (x >>> 12) & 63;
      if (v > max[r + 2]) max[r + 2] = v;
      v = (x >>> 18) & 63;
      if (v > max[r + 3]) max[r + 3] = v;
      r += 4;
    }
    return true;
  }
  const end = s.length;
  let i = 0;
  let p = HDR;
  while (p < end) {
    const b = s.charCodeAt(p);
    if ((b & 0xc0) === 0) {
      i += (b & 0x3f) + 1;
      p++;
    } else if ((b & 0xc0) === 0x40) {
      i += (((b & 0x3f) << 8) | (p + 1 < end ? s.charCodeAt(p + 1) : 0)) + 1;
      p += 2;
    } else {
      let run = (b & 3) + 1;
      const val = ((b >>> 2) & 0x1f) + 1;
      if (run + i > HLL_REGISTERS) return false; // a VAL run past the last register
      while (run--) {
        if (val > max[i]) max[i] = val;
        i++;
      }
      p++;
    }
  }
  return i === HLL_REGISTERS;
}

/** Cardinality estimate of merged registers (PFCOUNT with several keys). */
export function hllCountRegisters(max: Uint8Array): number {
  const h = new Int32Array(64);
  for (let i = 0; i < HLL_REGISTERS; i++) h[max[i]]++;
  return estimate(h);
}

/**
 * PFMERGE's write step: store merged registers into `dest` (valid HLL string, or null to
 * create one), first converting it to dense if `useDense` (some source was dense).
 * Returns the new string, or null if dest is a corrupt sparse HLL that had to become dense.
 */
export function hllStoreMerged(
  dest: string | null,
  max: Uint8Array,
  useDense: boolean,
  sparseMaxBytes = HLL_SPARSE_MAX_BYTES_DEFAULT,
): string | null {
  const w = load(dest === null ? hllCreate() : dest, 8);
  if (useDense && !sparseToDense(w)) return null;
  for (let j = 0; j < HLL_REGISTERS; j++) {
    const v = max[j];
    if (v === 0) continue;
    if (w.buf[4] === ENC_DENSE) denseSet(w.buf, j, v);
    else sparseSet(w, j, v, sparseMaxBytes);
  }
  invalidateCache(w);
  return workString(w);
}

// ============================== Debugging (PFDEBUG) ==============================

/** PFDEBUG TODENSE/GETREG conversion: the dense form of a valid HLL string (same string if already dense); null if corrupt. */
export function hllToDense(s: string): string | null {
  if (s.charCodeAt(4) === ENC_DENSE) return s;
  const w = load(s, 0);
  return sparseToDense(w) ? workString(w) : null;
}

/** The 16384 register values of a valid dense HLL string (PFDEBUG GETREG after hllToDense). */
export function hllDenseRegisters(s: string): number[] {
  const out = new Array<number>(HLL_REGISTERS);
  for (let r = 0; r < HLL_REGISTERS; r++) out[r] = denseGetStr(s, r);
  return out;
}

/** PFDEBUG DECODE text ("z:N Z:N v:V,L" opcodes) of a valid sparse HLL string. */
export function hllDecodeSparse(s: string): string {
  const parts: string[] = [];
  const end = s.length;
  let p = HDR;
  while (p < end) {
    const b = s.charCodeAt(p);
    if ((b & 0xc0) === 0) {
      parts.push(`z:${(b & 0x3f) + 1}`);
      p++;
    } else if ((b & 0xc0) === 0x40) {
      parts.push(`Z:${(((b & 0x3f) << 8) | (p + 1 < end ? s.charCodeAt(p + 1) : 0)) + 1}`);
      p += 2;
    } else {
      parts.push(`v:${((b >>> 2) & 0x1f) + 1},${(b & 3) + 1}`);
      p++;
    }
  }
  return parts.join(' ');
}
