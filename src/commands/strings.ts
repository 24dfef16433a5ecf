import { rewriteCommand } from '../core/propagate.ts';
import { ReplyError, ERR } from '../errors.ts';
import { constants as bufferConstants } from 'node:buffer';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { parseInt64 } from '../util/numbers.ts';
import { integerValueBytes } from '../keyspace/memsize.ts';
import { intArg } from './args.ts';
import {
  parseLongDouble,
  addLongDouble,
  formatLongDouble,
  isFiniteLongDouble,
  type LongDouble,
} from '../util/longdouble.ts';

/**
 * An option keyword as Redis compares it: C string semantics (the text stops at the first
 * NUL byte, so `NX\0junk` reads as `NX`), case-insensitive. Returns the lowercase keyword.
 */
export function keyword(s: string): string {
  const z = s.indexOf('\0');
  return (z < 0 ? s : s.slice(0, z)).toLowerCase();
}

/** V8's longest string (one char per byte): values beyond it cannot be held. */
export const MAX_STRING_LENGTH = bufferConstants.MAX_STRING_LENGTH;

/** proto-max-bulk-len: the largest string a command may build. */
export function protoMaxBulkLen(c: Client): number {
  return c.server.config.getInt('proto-max-bulk-len');
}

/**
 * Redis's checkStringLength: the string `size + append` bytes long would be too big. Values
 * are JS strings, so V8's maximum string length (just under 512 MB) is a limit too.
 */
export function checkStringLength(c: Client, size: number, append: number): void {
  if (size + append > protoMaxBulkLen(c) || size + append > MAX_STRING_LENGTH) throw new ReplyError(ERR.stringTooLong);
}

const MAX_I64 = 9223372036854775807n;
const MIN_I64 = -9223372036854775808n;
const MAX_SECONDS = MAX_I64 / 1000n;

// Flags of parseExtendedStringArgumentsOrReply.
const F_NX = 1;
const F_XX = 2;
const F_EX = 4;
const F_PX = 8;
const F_KEEPTTL = 16;
const F_GET = 32;
const F_EXAT = 64;
const F_PXAT = 128;
const F_PERSIST = 256;
const F_ANY_EXPIRE = F_EX | F_PX | F_EXAT | F_PXAT;

/** Parsed SET/GETEX options: flags plus the expire argument (null when none). */
interface ExtOptions {
  flags: number;
  expire: string | null;
}

/**
 * Parses SET (from argv[3]) or GETEX (from argv[2]) options with Redis's exact rules:
 * conflicting options are a syntax error, a repeated compatible option is fine.
 */
function parseExtended(argv: string[], isSet: boolean): ExtOptions {
  let flags = 0;
  let expire: string | null = null;
  for (let j = isSet ? 3 : 2; j < argv.length; j++) {
    const opt = keyword(argv[j]);
    const hasNext = j < argv.length - 1;
    if (opt === 'nx' && isSet && !(flags & F_XX)) {
      flags |= F_NX;
    } else if (opt === 'xx' && isSet && !(flags & F_NX)) {
      flags |= F_XX;
    } else if (opt === 'get' && isSet) {
      flags |= F_GET;
    } else if (opt === 'keepttl' && isSet && !(flags & (F_PERSIST | F_ANY_EXPIRE))) {
      flags |= F_KEEPTTL;
    } else if (opt === 'persist' && !isSet && !(flags & (F_ANY_EXPIRE | F_KEEPTTL))) {
      flags |= F_PERSIST;
    } else if (opt === 'ex' && hasNext && !(flags & (F_KEEPTTL | F_PERSIST | F_EXAT | F_PX | F_PXAT))) {
      flags |= F_EX;
      expire = argv[++j];
    } else if (opt === 'px' && hasNext && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PXAT))) {
      flags |= F_PX;
      expire = argv[++j];
    } else if (opt === 'exat' && hasNext && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_PX | F_PXAT))) {
      flags |= F_EXAT;
      expire = argv[++j];
    } else if (opt === 'pxat' && hasNext && !(flags & (F_KEEPTTL | F_PERSIST | F_EX | F_EXAT | F_PX))) {
      flags |= F_PXAT;
      expire = argv[++j];
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  return { flags, expire };
}

/**
 * Redis's getExpireMillisecondsOrReply: the absolute expiry in ms for an EX/PX/EXAT/PXAT
 * argument, with its overflow and sign checks done in exact 64-bit arithmetic.
 */
function expireMillis(arg: string, flags: number, cmd: string, now: number): number {
  const v = parseInt64(arg);
  if (v === null) throw new ReplyError(ERR.notInteger);
  let ms = BigInt(v);
  const seconds = (flags & (F_EX | F_EXAT)) !== 0;
  if (ms <= 0n || (seconds && ms > MAX_SECONDS)) throw new ReplyError(ERR.invalidExpire(cmd));
  if (seconds) ms *= 1000n;
  if (flags & (F_EX | F_PX)) ms = BigInt.asIntN(64, ms + BigInt(now));
  if (ms <= 0n) throw new ReplyError(ERR.invalidExpire(cmd));
  return Number(ms);
}

/** Replies like getGenericCommand: null, the string, or WRONGTYPE. */
function replyGet(c: Client, key: string, out: ReplySink): string | undefined {
  const v = c.db.getString(key);
  if (v === undefined) out.null();
  else out.bulk(v);
  return v;
}

const REPLY_OK = 0;
const REPLY_INT = 1;

/** Redis's setGenericCommand (SET, SETNX, SETEX, PSETEX). */
function setGeneric(
  c: Client,
  flags: number,
  key: string,
  val: string,
  expire: string | null,
  cmd: string,
  replies: number,
  out: ReplySink,
): void {
  let when = 0;
  if (expire !== null) when = expireMillis(expire, flags, cmd, c.server.clock.now());
  if (flags & F_GET) replyGet(c, key, out);
  const db = c.db;
  const found = db.lookupForWrite(key);
  if ((flags & F_NX && found) || (flags & F_XX && !found)) {
    if (!(flags & F_GET)) {
      if (replies === REPLY_INT) out.integer(0);
      else out.null();
    }
    return;
  }
  db.set(key, val, (flags & F_KEEPTTL) !== 0);
  const server = c.server;
  server.dirty++;
  server.notifier.notify('$', 'set', key, db.id);
  if (expire !== null) {
    db.setExpire(key, when);
    // relative or not, the expiry is logged as an absolute time
    rewriteCommand(c, ['SET', key, val, 'PXAT', String(when)]);
    server.notifier.notify('g', 'expire', key, db.id);
  }
  if (!(flags & F_GET)) {
    if (replies === REPLY_INT) out.integer(1);
    else out.simple('OK');
  }
}

// GET key
function get(c: Client, argv: string[], out: ReplySink): void {
  const v = c.db.getString(argv[1]);
  if (v === undefined) out.null();
  else out.bulk(v);
}

// SET key value [NX|XX] [GET] [EX s|PX ms|EXAT ts|PXAT ms-ts|KEEPTTL]
function set(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length === 3) {
    const db = c.db;
    const key = argv[1];
    // setKey's lookupKeyWrite: under LFU an existing key's counter counts this access, and
    // the new value inherits it (under LRU the new value's time is now either way)
    if (db.lfu) db.lookupForWrite(key);
    db.set(key, argv[2]);
    c.server.dirty++;
    c.server.notifier.notify('$', 'set', key, db.id);
    out.simple('OK');
    return;
  }
  const o = parseExtended(argv, true);
  setGeneric(c, o.flags, argv[1], argv[2], o.expire, 'set', REPLY_OK, out);
  // logged without GET (a replay needs no reply); an expiry already rewrote the whole command
  if (o.flags & F_GET && o.expire === null && c.server.propagator.active) {
    rewriteCommand(c, argv.filter((a, j) => j < 3 || a.length !== 3 || a.toLowerCase() !== 'get'));
  }
}

// SETNX key value
function setnx(c: Client, argv: string[], out: ReplySink): void {
  setGeneric(c, F_NX, argv[1], argv[2], null, 'setnx', REPLY_INT, out);
}

// SETEX key seconds value
function setex(c: Client, argv: string[], out: ReplySink): void {
  setGeneric(c, F_EX, argv[1], argv[3], argv[2], 'setex', REPLY_OK, out);
}

// PSETEX key milliseconds value
function psetex(c: Client, argv: string[], out: ReplySink): void {
  setGeneric(c, F_PX, argv[1], argv[3], argv[2], 'psetex', REPLY_OK, out);
}

// GETSET key value
function getset(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  replyGet(c, key, out);
  c.db.set(key, argv[2]);
  c.server.notifier.notify('$', 'set', key, c.db.id);
  c.server.dirty++;
  rewriteCommand(c, ['SET', key, argv[2]]);
}

// GETDEL key
function getdel(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const v = replyGet(c, key, out);
  if (v !== undefined && c.db.delete(key)) {
    rewriteCommand(c, [c.server.config.get('lazyfree-lazy-user-del') === 'yes' ? 'UNLINK' : 'DEL', key]);
    c.server.notifier.notify('g', 'del', key, c.db.id);
    c.server.dirty++;
  }
}

// GETEX key [EX s|PX ms|EXAT ts|PXAT ms-ts|PERSIST]
function getex(c: Client, argv: string[], out: ReplySink): void {
  const o = parseExtended(argv, false);
  const key = argv[1];
  const db = c.db;
  const v = db.getString(key);
  if (v === undefined) {
    out.null();
    return;
  }
  let when = 0;
  if (o.expire !== null) when = expireMillis(o.expire, o.flags, 'getex', c.server.clock.now());
  out.bulk(v);
  const server = c.server;
  // GETEX is never logged as such: DEL/UNLINK, PEXPIREAT or PERSIST
  if (o.flags & (F_EXAT | F_PXAT) && when <= c.server.clock.now() && !server.loading) {
    db.delete(key);
    rewriteCommand(c, [server.config.get('lazyfree-lazy-expire') === 'yes' ? 'UNLINK' : 'DEL', key]);
    server.notifier.notify('g', 'del', key, db.id);
    server.dirty++;
  } else if (o.expire !== null) {
    db.setExpire(key, when);
    rewriteCommand(c, ['PEXPIREAT', key, String(when)]);
    server.notifier.notify('g', 'expire', key, db.id);
    server.dirty++;
  } else if (o.flags & F_PERSIST) {
    if (db.persist(key)) {
      rewriteCommand(c, ['PERSIST', key]);
      server.notifier.notify('g', 'persist', key, db.id);
      server.dirty++;
    }
  }
}

// MGET key [key ...]
function mget(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  out.array(argv.length - 1);
  for (let j = 1; j < argv.length; j++) {
    const v = db.get(argv[j]);
    if (typeof v === 'string') out.bulk(v);
    else out.null();
  }
}

function msetGeneric(c: Client, argv: string[], nx: boolean, out: ReplySink): void {
  if (argv.length % 2 === 0) throw new ReplyError(ERR.wrongArgs(nx ? 'msetnx' : 'mset'));
  const db = c.db;
  if (nx) {
    for (let j = 1; j < argv.length; j += 2) {
      if (db.get(argv[j]) !== undefined) {
        out.integer(0);
        return;
      }
    }
  }
  const notifier = c.server.notifier;
  for (let j = 1; j < argv.length; j += 2) {
    db.set(argv[j], argv[j + 1]);
    notifier.notify('$', 'set', argv[j], db.id);
  }
  c.server.dirty += (argv.length - 1) / 2;
  if (nx) out.integer(1);
  else out.simple('OK');
}

// MSET key value [key value ...]
function mset(c: Client, argv: string[], out: ReplySink): void {
  msetGeneric(c, argv, false, out);
}

// MSETNX key value [key value ...]
function msetnx(c: Client, argv: string[], out: ReplySink): void {
  msetGeneric(c, argv, true, out);
}

// APPEND key value
function append(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const add = argv[2];
  const db = c.db;
  const len = db.stringLength(key);
  let total: number;
  if (len === undefined) {
    db.set(key, add);
    total = add.length;
  } else {
    checkStringLength(c, len, add.length);
    total = db.appendString(key, add);
    db.rawStrings.add(key);
  }
  c.server.notifier.notify('$', 'append', key, db.id);
  c.server.dirty++;
  out.integer(total);
}

// STRLEN key
function strlen(c: Client, argv: string[], out: ReplySink): void {
  out.integer(c.db.stringLength(argv[1]) ?? 0);
}

// GETRANGE key start end (and SUBSTR)
function getrange(c: Client, argv: string[], out: ReplySink): void {
  let start = intArg(argv[2]);
  let end = intArg(argv[3]);
  const v = c.db.getString(argv[1]);
  if (v === undefined) {
    out.bulk('');
    return;
  }
  const len = v.length;
  if (start < 0 && end < 0 && start > end) {
    out.bulk('');
    return;
  }
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (end < 0) end = 0;
  if (end >= len) end = len - 1;
  if (start > end || len === 0) out.bulk('');
  else out.bulk(v.slice(start, end + 1));
}

// SETRANGE key offset value
function setrange(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const offset = intArg(argv[2]);
  const value = argv[3];
  if (offset < 0) throw new ReplyError(ERR.offsetOutRange);
  const db = c.db;
  const cur = db.getString(key);
  let result: string;
  if (cur === undefined) {
    if (value.length === 0) {
      out.integer(0);
      return;
    }
    checkStringLength(c, offset, value.length);
    result = '\0'.repeat(offset) + value;
    db.set(key, result);
  } else {
    if (value.length === 0) {
      out.integer(cur.length);
      return;
    }
    checkStringLength(c, offset, value.length);
    if (offset >= cur.length) result = cur + '\0'.repeat(offset - cur.length) + value;
    else result = cur.slice(0, offset) + value + cur.slice(offset + value.length);
    db.update(key, result);
  }
  db.rawStrings.add(key);
  c.server.notifier.notify('$', 'setrange', key, db.id);
  c.server.dirty++;
  out.integer(result.length);
}

/** Shared by INCR/DECR/INCRBY/DECRBY: exact 64-bit arithmetic, BigInt only past 2^53. */
function incrDecr(c: Client, key: string, incr: number | bigint, out: ReplySink): void {
  const db = c.db;
  const cur = db.getString(key);
  let value: number | bigint = 0;
  if (cur !== undefined) {
    const p = parseInt64(cur);
    if (p === null) throw new ReplyError(ERR.notInteger);
    value = p;
  }
  let result: number | bigint;
  if (typeof value === 'number' && typeof incr === 'number') {
    result = value + incr;
    if (result > Number.MAX_SAFE_INTEGER || result < Number.MIN_SAFE_INTEGER) result = BigInt(value) + BigInt(incr);
  } else {
    result = BigInt(value) + BigInt(incr);
  }
  if (typeof result === 'bigint') {
    if (result > MAX_I64 || result < MIN_I64) throw new ReplyError(ERR.overflow);
    if (result <= Number.MAX_SAFE_INTEGER && result >= Number.MIN_SAFE_INTEGER) result = Number(result);
  }
  const text = String(result);
  if (cur === undefined) db.set(key, text);
  else db.replaceString(key, text, integerValueBytes(value), integerValueBytes(result));
  c.server.notifier.notify('$', 'incrby', key, db.id);
  c.server.dirty++;
  out.integer(result);
}

/** The increment argument of INCRBY/DECRBY as an exact int64. */
function incrArg(s: string): number | bigint {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(ERR.notInteger);
  return v;
}

// INCR key
function incr(c: Client, argv: string[], out: ReplySink): void {
  incrDecr(c, argv[1], 1, out);
}

// DECR key
function decr(c: Client, argv: string[], out: ReplySink): void {
  incrDecr(c, argv[1], -1, out);
}

// INCRBY key increment
function incrby(c: Client, argv: string[], out: ReplySink): void {
  incrDecr(c, argv[1], incrArg(argv[2]), out);
}

// DECRBY key decrement
function decrby(c: Client, argv: string[], out: ReplySink): void {
  const v = incrArg(argv[2]);
  if (v === MIN_I64) throw new ReplyError(ERR.decrementWouldOverflow);
  incrDecr(c, argv[1], typeof v === 'number' ? -v : -(v as bigint), out);
}

const LD_ZERO = parseLongDouble('0') as LongDouble;

// INCRBYFLOAT key increment
function incrbyfloat(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const db = c.db;
  const cur = db.getString(key);
  const value = cur === undefined ? LD_ZERO : parseLongDouble(cur);
  if (value === null) throw new ReplyError(ERR.notFloat);
  const inc = parseLongDouble(argv[2]);
  if (inc === null) throw new ReplyError(ERR.notFloat);
  const sum = addLongDouble(value, inc);
  if (!isFiniteLongDouble(sum)) throw new ReplyError(ERR.incrementWouldProduce);
  const s = formatLongDouble(sum);
  db.update(key, s);
  // createStringObjectFromLongDouble: a plain string object even when it looks like an integer.
  db.plainStrings.set(key, 'embstr');
  c.server.notifier.notify('$', 'incrbyfloat', key, db.id);
  c.server.dirty++;
  out.bulk(s);
  // the result, not the increment: float formatting must not differ on replay
  rewriteCommand(c, ['SET', key, s, 'KEEPTTL']);
}

/** One LCS match range (IDX output). */
interface LcsRange {
  a0: number;
  a1: number;
  b0: number;
  b1: number;
  len: number;
}

// LCS key1 key2 [LEN] [IDX] [MINMATCHLEN len] [WITHMATCHLEN]
function lcs(c: Client, argv: string[], out: ReplySink): void {
  const va = c.db.get(argv[1]);
  const vb = c.db.get(argv[2]);
  if ((va !== undefined && typeof va !== 'string') || (vb !== undefined && typeof vb !== 'string')) {
    throw new ReplyError(ERR.specifiedKeysContain);
  }
  const sa = va ?? '';
  const sb = vb ?? '';
  let getlen = false;
  let getidx = false;
  let withmatchlen = false;
  let minmatchlen = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = keyword(argv[j]);
    const more = argv.length - 1 - j;
    if (opt === 'idx') getidx = true;
    else if (opt === 'len') getlen = true;
    else if (opt === 'withmatchlen') withmatchlen = true;
    else if (opt === 'minmatchlen' && more > 0) {
      minmatchlen = intArg(argv[j + 1]);
      if (minmatchlen < 0) minmatchlen = 0;
      j++;
    } else throw new ReplyError(ERR.syntax);
  }
  if (getidx && getlen) throw new ReplyError(ERR.ifWantBoth);
  const alen = sa.length;
  const blen = sb.length;
  if (alen >= 4294967294 || blen >= 4294967294) throw new ReplyError(ERR.stringTooLongLcs);
  const cells = (alen + 1) * (blen + 1);
  if (cells * 4 > protoMaxBulkLen(c)) {
    throw new ReplyError(ERR.insufficientMemoryTransient);
  }
  const a = Buffer.from(sa, 'latin1');
  const b = Buffer.from(sb, 'latin1');
  const w = blen + 1;
  const t = new Uint32Array(cells);
  for (let i = 1; i <= alen; i++) {
    const ai = a[i - 1];
    const row = i * w;
    const prev = row - w;
    for (let j = 1; j <= blen; j++) {
      if (ai === b[j - 1]) t[row + j] = t[prev + j - 1] + 1;
      else {
        const l1 = t[prev + j];
        const l2 = t[row + j - 1];
        t[row + j] = l1 > l2 ? l1 : l2;
      }
    }
  }
  const total = t[alen * w + blen];
  const computeLcs = getidx || !getlen;
  const result = computeLcs ? Buffer.alloc(total) : null;
  const ranges: LcsRange[] = [];
  let idx = total;
  let i = alen;
  let j = blen;
  let as = alen; // alen: no range in progress
  let ae = 0;
  let bs = 0;
  let be = 0;
  while (computeLcs && i > 0 && j > 0) {
    let emit = false;
    if (a[i - 1] === b[j - 1]) {
      (result as Buffer)[idx - 1] = a[i - 1];
      if (as === alen) {
        as = ae = i - 1;
        bs = be = j - 1;
      } else if (as === i && bs === j) {
        as--;
        bs--;
      } else {
        emit = true;
      }
      if (as === 0 || bs === 0) emit = true;
      idx--;
      i--;
      j--;
    } else {
      const l1 = t[(i - 1) * w + j];
      const l2 = t[i * w + j - 1];
      if (l1 > l2) i--;
      else j--;
      if (as !== alen) emit = true;
    }
    if (emit) {
      const mlen = ae - as + 1;
      if (minmatchlen === 0 || mlen >= minmatchlen) ranges.push({ a0: as, a1: ae, b0: bs, b1: be, len: mlen });
      as = alen;
    }
  }
  if (getidx) {
    out.map(2);
    out.bulk('matches');
    out.array(ranges.length);
    for (const r of ranges) {
      out.array(withmatchlen ? 3 : 2);
      out.array(2);
      out.integer(r.a0);
      out.integer(r.a1);
      out.array(2);
      out.integer(r.b0);
      out.integer(r.b1);
      if (withmatchlen) out.integer(r.len);
    }
    out.bulk('len');
    out.integer(total);
  } else if (getlen) {
    out.integer(total);
  } else {
    out.bulk((result as Buffer).latin1Slice(0, total));
  }
}

export const commands: HandlerTable = {
  get,
  set,
  setnx,
  setex,
  psetex,
  getset,
  getdel,
  getex,
  mget,
  mset,
  msetnx,
  append,
  strlen,
  getrange,
  substr: getrange,
  setrange,
  incr,
  decr,
  incrby,
  decrby,
  incrbyfloat,
  lcs,
};
