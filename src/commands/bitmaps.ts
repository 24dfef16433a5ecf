import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { parseInt64 } from '../util/numbers.ts';
import { intArg } from './args.ts';
import { keyword, protoMaxBulkLen, MAX_STRING_LENGTH } from './strings.ts';

/** Bits set in each byte value (read-only table). */
const POPCOUNT: Uint8Array = (() => {
  const t = new Uint8Array(256);
  for (let i = 1; i < 256; i++) t[i] = (i & 1) + t[i >> 1];
  return t;
})();

/**
 * Redis's getBitOffsetFromArgument: a bit offset, or with `#` (BITFIELD only) a field index
 * multiplied by the field width (64-bit wrapping like C). Must be below proto-max-bulk-len bytes.
 */
function bitOffsetArg(c: Client, s: string, hash: boolean, bits: number): number {
  const useHash = hash && bits > 0 && s.charCodeAt(0) === 35; // '#'
  const v = parseInt64(useHash ? s.slice(1) : s);
  if (v === null) throw new ReplyError(ERR.bitOffset);
  let off = BigInt(v);
  if (useHash) off = BigInt.asIntN(64, off * BigInt(bits));
  if (off < 0n || off >> 3n >= BigInt(protoMaxBulkLen(c))) throw new ReplyError(ERR.bitOffset);
  return Number(off);
}

/**
 * Redis's lookupStringForBitCommand: the string at key padded with zero bytes so that bit
 * `maxbit` exists (created when absent). `grown` tells whether it was created or extended.
 * Does not store anything: callers store the final value with `storeBits`.
 */
function stringForBits(c: Client, key: string, maxbit: number): { value: string; existed: boolean; grown: boolean } {
  const cur = c.db.getString(key);
  const need = Math.floor(maxbit / 8) + 1;
  // Values are JS strings: V8 cannot make one of (almost) 512 MB, which Redis allows.
  if (need > MAX_STRING_LENGTH) throw new ReplyError(ERR.stringTooLong);
  if (cur === undefined) return { value: '\0'.repeat(need), existed: false, grown: true };
  if (cur.length >= need) return { value: cur, existed: true, grown: false };
  return { value: cur + '\0'.repeat(need - cur.length), existed: true, grown: true };
}

/** Stores a bit command's result; Redis leaves such strings `raw` encoded. */
function storeBits(c: Client, key: string, value: string, existed: boolean): void {
  if (existed) c.db.update(key, value);
  else c.db.set(key, value);
  c.db.rawStrings.add(key);
}

// SETBIT key offset value
function setbit(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const offset = bitOffsetArg(c, argv[2], false, 0);
  const on = parseInt64(argv[3]);
  if (on !== 0 && on !== 1) throw new ReplyError(ERR.bitValue);
  const s = stringForBits(c, key, offset);
  const byte = Math.floor(offset / 8);
  const mask = 1 << (7 - (offset % 8));
  const byteval = s.value.charCodeAt(byte);
  const bitval = (byteval & mask) !== 0 ? 1 : 0;
  if (s.grown || bitval !== on) {
    const nb = on ? byteval | mask : byteval & ~mask;
    const v = s.value;
    storeBits(c, key, v.slice(0, byte) + String.fromCharCode(nb) + v.slice(byte + 1), s.existed);
    c.server.notifier.notify('$', 'setbit', key, c.db.id);
    c.server.dirty++;
  } else {
    c.db.rawStrings.add(key);
  }
  out.integer(bitval);
}

// GETBIT key offset
function getbit(c: Client, argv: string[], out: ReplySink): void {
  const offset = bitOffsetArg(c, argv[2], false, 0);
  const v = c.db.getString(argv[1]);
  if (v === undefined) {
    out.integer(0);
    return;
  }
  const byte = Math.floor(offset / 8);
  if (byte >= v.length) {
    out.integer(0);
    return;
  }
  out.integer((v.charCodeAt(byte) >> (7 - (offset % 8))) & 1);
}

/** Set bits of s between bit positions from and to, inclusive (valid positions). */
function countBits(s: string, from: number, to: number): number {
  const b0 = Math.floor(from / 8);
  const b1 = Math.floor(to / 8);
  let n = 0;
  for (let i = b0; i <= b1; i++) n += POPCOUNT[s.charCodeAt(i)];
  // Remove the bits outside [from, to] in the edge bytes.
  const headMask = (0xff << (8 - (from % 8))) & 0xff;
  const tailMask = (1 << (7 - (to % 8))) - 1;
  n -= POPCOUNT[s.charCodeAt(b0) & headMask];
  n -= POPCOUNT[s.charCodeAt(b1) & tailMask];
  return n;
}

/** BIT/BYTE unit keyword: true for BIT. */
function unitArg(s: string): boolean {
  const k = keyword(s);
  if (k === 'bit') return true;
  if (k === 'byte') return false;
  throw new ReplyError(ERR.syntax);
}

// BITCOUNT key [start end [BYTE|BIT]]
function bitcount(c: Client, argv: string[], out: ReplySink): void {
  const v = c.db.getString(argv[1]);
  if (v === undefined) {
    out.integer(0);
    return;
  }
  const len = v.length;
  const argc = argv.length;
  if (argc === 2) {
    out.integer(len === 0 ? 0 : countBits(v, 0, len * 8 - 1));
    return;
  }
  if (argc !== 4 && argc !== 5) throw new ReplyError(ERR.syntax);
  let start = intArg(argv[2]);
  let end = intArg(argv[3]);
  if (start < 0 && end < 0 && start > end) {
    out.integer(0);
    return;
  }
  const isbit = argc === 5 ? unitArg(argv[4]) : false;
  const total = isbit ? len * 8 : len;
  if (start < 0) start = total + start;
  if (end < 0) end = total + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= total) end = total - 1;
  if (start > end) {
    out.integer(0);
    return;
  }
  out.integer(isbit ? countBits(v, start, end) : countBits(v, start * 8, end * 8 + 7));
}

/** First bit equal to `bit` in positions [from, to], or -1. */
function findBit(s: string, bit: number, from: number, to: number): number {
  const skip = bit ? 0 : 0xff; // bytes that cannot contain the bit
  for (let p = from; p <= to; ) {
    if (p % 8 === 0 && p + 7 <= to) {
      const byte = s.charCodeAt(p / 8);
      if (byte === skip) {
        p += 8;
        continue;
      }
    }
    if (((s.charCodeAt(Math.floor(p / 8)) >> (7 - (p % 8))) & 1) === bit) return p;
    p++;
  }
  return -1;
}

// BITPOS key bit [start [end [BYTE|BIT]]]
function bitpos(c: Client, argv: string[], out: ReplySink): void {
  const bit = intArg(argv[2]);
  if (bit !== 0 && bit !== 1) throw new ReplyError(ERR.bitArgument);
  const v = c.db.getString(argv[1]);
  if (v === undefined) {
    out.integer(bit ? -1 : 0);
    return;
  }
  const len = v.length;
  const argc = argv.length;
  let isbit = false;
  let endGiven = false;
  let start: number;
  let end: number;
  if (argc === 3) {
    start = 0;
    end = len - 1;
  } else if (argc <= 6) {
    start = intArg(argv[3]);
    if (argc === 6) isbit = unitArg(argv[5]);
    if (argc >= 5) {
      end = intArg(argv[4]);
      endGiven = true;
    } else {
      end = isbit ? len * 8 + 7 : len - 1;
    }
    const total = isbit ? len * 8 : len;
    if (start < 0) start = total + start;
    if (end < 0) end = total + end;
    if (start < 0) start = 0;
    if (end < 0) end = 0;
    if (end >= total) end = total - 1;
  } else {
    throw new ReplyError(ERR.syntax);
  }
  if (start > end) {
    out.integer(-1);
    return;
  }
  const from = isbit ? start : start * 8;
  const to = isbit ? end : end * 8 + 7;
  const pos = findBit(v, bit, from, to);
  if (pos >= 0 || bit === 1) out.integer(pos);
  else out.integer(endGiven ? -1 : to + 1);
}

const BITOP_AND = 0;
const BITOP_OR = 1;
const BITOP_XOR = 2;
const BITOP_NOT = 3;

// BITOP AND|OR|XOR|NOT destkey key [key ...]
function bitop(c: Client, argv: string[], out: ReplySink): void {
  const name = keyword(argv[1]);
  let op: number;
  if (name === 'and') op = BITOP_AND;
  else if (name === 'or') op = BITOP_OR;
  else if (name === 'xor') op = BITOP_XOR;
  else if (name === 'not') op = BITOP_NOT;
  else throw new ReplyError(ERR.syntax);
  if (op === BITOP_NOT && argv.length !== 4) throw new ReplyError(ERR.bitopNotCalled);
  const db = c.db;
  const srcs: Buffer[] = [];
  let maxlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const v = db.getString(argv[j]);
    const b = v === undefined ? Buffer.alloc(0) : Buffer.from(v, 'latin1');
    srcs.push(b);
    if (b.length > maxlen) maxlen = b.length;
  }
  const dest = argv[2];
  if (maxlen > 0) {
    const res = Buffer.alloc(maxlen);
    const first = srcs[0];
    first.copy(res);
    if (op === BITOP_NOT) {
      for (let i = 0; i < maxlen; i++) res[i] = ~res[i] & 0xff;
    } else {
      for (let k = 1; k < srcs.length; k++) {
        const s = srcs[k];
        const sl = s.length;
        if (op === BITOP_AND) {
          for (let i = 0; i < maxlen; i++) res[i] &= i < sl ? s[i] : 0;
        } else if (op === BITOP_OR) {
          for (let i = 0; i < sl; i++) res[i] |= s[i];
        } else {
          for (let i = 0; i < sl; i++) res[i] ^= s[i];
        }
      }
    }
    db.set(dest, res.latin1Slice(0, maxlen));
    db.rawStrings.add(dest);
    c.server.notifier.notify('$', 'set', dest, db.id);
    c.server.dirty++;
  } else if (db.delete(dest)) {
    c.server.notifier.notify('g', 'del', dest, db.id);
    c.server.dirty++;
  }
  out.integer(maxlen);
}

const OP_GET = 0;
const OP_SET = 1;
const OP_INCRBY = 2;
const OW_WRAP = 0;
const OW_SAT = 1;
const OW_FAIL = 2;

interface BitfieldOp {
  opcode: number;
  offset: number;
  value: bigint;
  bits: number;
  signed: boolean;
  overflow: number;
}

const TYPE_ERR = ERR.invalidBitfieldType;

/** Parses `i<bits>` / `u<bits>` (lowercase only, as Redis). */
function bitfieldType(s: string): { signed: boolean; bits: number } {
  const c0 = s.charCodeAt(0);
  if (c0 !== 105 && c0 !== 117) throw new ReplyError(TYPE_ERR);
  const signed = c0 === 105;
  const z = s.indexOf('\0');
  const n = parseInt64(z < 0 ? s.slice(1) : s.slice(1, z));
  if (n === null || n < 1 || (signed && n > 64) || (!signed && n > 63)) throw new ReplyError(TYPE_ERR);
  return { signed, bits: Number(n) };
}

/** Reads `bits` bits at bit `offset` (MSB first); bytes past the end read as zero. */
function readField(buf: Buffer, offset: number, bits: number): bigint {
  let v = 0n;
  for (let i = 0; i < bits; i++) {
    const p = offset + i;
    const byte = Math.floor(p / 8);
    const b = byte < buf.length ? (buf[byte] >> (7 - (p % 8))) & 1 : 0;
    v = (v << 1n) | BigInt(b);
  }
  return v;
}

/** Writes the low `bits` bits of value at bit `offset` (buffer is large enough). */
function writeField(buf: Buffer, offset: number, bits: number, value: bigint): void {
  let v = BigInt.asUintN(bits, value);
  for (let i = bits - 1; i >= 0; i--) {
    const p = offset + i;
    const byte = Math.floor(p / 8);
    const mask = 1 << (7 - (p % 8));
    if (v & 1n) buf[byte] |= mask;
    else buf[byte] &= ~mask;
    v >>= 1n;
  }
}

function bitfieldGeneric(c: Client, argv: string[], out: ReplySink, readonlyCmd: boolean): void {
  const ops: BitfieldOp[] = [];
  let overflow = OW_WRAP;
  let readonly = true;
  let highest = 0;
  for (let j = 2; j < argv.length; j++) {
    const rem = argv.length - j - 1;
    const sub = keyword(argv[j]);
    let opcode: number;
    if (sub === 'get' && rem >= 2) opcode = OP_GET;
    else if (sub === 'set' && rem >= 3) opcode = OP_SET;
    else if (sub === 'incrby' && rem >= 3) opcode = OP_INCRBY;
    else if (sub === 'overflow' && rem >= 1) {
      const t = keyword(argv[++j]);
      if (t === 'wrap') overflow = OW_WRAP;
      else if (t === 'sat') overflow = OW_SAT;
      else if (t === 'fail') overflow = OW_FAIL;
      else throw new ReplyError(ERR.invalidOverflowType);
      continue;
    } else {
      throw new ReplyError(ERR.syntax);
    }
    const { signed, bits } = bitfieldType(argv[j + 1]);
    const offset = bitOffsetArg(c, argv[j + 2], true, bits);
    let value = 0n;
    if (opcode !== OP_GET) {
      readonly = false;
      if (highest < offset + bits - 1) highest = offset + bits - 1;
      const v = parseInt64(argv[j + 3]);
      if (v === null) throw new ReplyError(ERR.notInteger);
      value = BigInt(v);
    }
    ops.push({ opcode, offset, value, bits, signed, overflow });
    j += opcode === OP_GET ? 2 : 3;
  }
  const key = argv[1];
  let buf: Buffer;
  let grown = false;
  let existed = false;
  if (readonly) {
    const v = c.db.getString(key);
    buf = v === undefined ? Buffer.alloc(0) : Buffer.from(v, 'latin1');
  } else {
    if (readonlyCmd) throw new ReplyError(ERR.bitfieldRoOnly);
    const s = stringForBits(c, key, highest);
    buf = Buffer.from(s.value, 'latin1');
    grown = s.grown;
    existed = s.existed;
  }
  out.array(ops.length);
  let changes = 0;
  for (const op of ops) {
    const raw = readField(buf, op.offset, op.bits);
    const old = op.signed ? BigInt.asIntN(op.bits, raw) : raw;
    if (op.opcode === OP_GET) {
      out.integer(old);
      continue;
    }
    let target: bigint;
    let min: bigint;
    let max: bigint;
    if (op.signed) {
      max = (1n << BigInt(op.bits - 1)) - 1n;
      min = -max - 1n;
      target = op.opcode === OP_INCRBY ? old + op.value : op.value;
    } else {
      max = (1n << BigInt(op.bits)) - 1n;
      min = 0n;
      target = op.opcode === OP_INCRBY ? old + op.value : BigInt.asUintN(64, op.value);
    }
    // Overflow direction as Redis computes it: for signed fields its limits are int64
    // expressions that wrap, so SET of a very negative value counts as overflowing upwards.
    let dir = 0;
    if (op.signed) {
      const base = op.opcode === OP_INCRBY ? old : op.value;
      const incr = op.opcode === OP_INCRBY ? op.value : 0n;
      const maxincr = BigInt.asIntN(64, max - base);
      const minincr = BigInt.asIntN(64, min - base);
      const wide = op.bits !== 64;
      if (base > max || (wide && incr > maxincr) || (base >= 0n && incr > 0n && incr > maxincr)) dir = 1;
      else if (base < min || (wide && incr < minincr) || (base < 0n && incr < 0n && incr < minincr)) dir = -1;
    } else if (target > max) {
      dir = 1;
    } else if (target < min) {
      dir = -1;
    }
    let next = target;
    let failed = false;
    if (dir !== 0) {
      if (op.overflow === OW_FAIL) failed = true;
      else if (op.overflow === OW_SAT) next = dir > 0 ? max : min;
      else next = op.signed ? BigInt.asIntN(op.bits, target) : BigInt.asUintN(op.bits, target);
    }
    if (failed) {
      out.null();
      continue;
    }
    out.integer(op.opcode === OP_INCRBY ? next : old);
    writeField(buf, op.offset, op.bits, next);
    if (grown || old !== next) changes++;
  }
  if (!readonly) {
    if (grown || changes > 0) storeBits(c, key, buf.latin1Slice(0, buf.length), existed);
    else c.db.rawStrings.add(key);
    if (changes > 0) {
      c.server.notifier.notify('$', 'setbit', key, c.db.id);
      c.server.dirty += changes;
    }
  }
}

// BITFIELD key [GET type offset | SET type offset value | INCRBY type offset increment | OVERFLOW WRAP|SAT|FAIL ...]
function bitfield(c: Client, argv: string[], out: ReplySink): void {
  bitfieldGeneric(c, argv, out, false);
}

// BITFIELD_RO key [GET type offset ...]
function bitfieldRo(c: Client, argv: string[], out: ReplySink): void {
  bitfieldGeneric(c, argv, out, true);
}

export const commands: HandlerTable = {
  setbit,
  getbit,
  bitcount,
  bitpos,
  bitop,
  bitfield,
  bitfield_ro: bitfieldRo,
};
