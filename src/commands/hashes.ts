import { rewriteCommand } from '../core/propagate.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { intArg, is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { HashValue } from '../keyspace/hash.ts';
import { PackedPairs } from '../util/packed-pairs.ts';
import { parseScanCursor, scanCursorBits } from '../keyspace/scan.ts';
import { parseScanOptions, replyScan, scanCollection } from './scan.ts';
import { parseLongDouble, longDoubleFromInt, isFiniteLongDouble, addLongDouble, formatLongDouble } from '../util/longdouble.ts';

const ZERO = longDoubleFromInt(0);

// Hashes (Redis t_hash.c). Encoding bookkeeping follows hashTypeTryConversion/hashTypeSet:
// a listpack hash becomes a hashtable once a field or value is longer than
// hash-max-listpack-value or it has more than hash-max-listpack-entries fields.

const I64_MAX = 9223372036854775807n;
const I64_MIN = -9223372036854775808n;

function getHash(c: Client, key: string): HashValue | undefined {
  return c.db.getTyped<HashValue>(key, 'hash');
}

/** hashTypeLookupWriteOrCreate: the hash at key, created (empty) when missing. */
function getOrCreate(c: Client, key: string): HashValue {
  let h = getHash(c, key);
  if (h === undefined) {
    h = new HashValue();
    c.db.set(key, h);
  }
  return h;
}

function maxValue(c: Client): number {
  return c.server.config.getInt('hash-max-listpack-value');
}

function maxEntries(c: Client): number {
  return c.server.config.getInt('hash-max-listpack-entries');
}

/** hashTypeSet with its conversion checks; true when the field was new. */
function hashSet(c: Client, h: HashValue, field: string, value: string): boolean {
  if (h.listpack) {
    const mv = maxValue(c);
    h.checkLen(field.length, mv);
    h.checkLen(value.length, mv);
  }
  const created = h.set(field, value);
  if (h.listpack && created) h.checkEntries(maxEntries(c));
  return created;
}

function modified(c: Client, key: string, event: string): void {
  c.db.touch(key);
  c.server.notifier.notify('h', event, key, c.db.id);
}

// HSET key field value [field value ...] / HMSET
function hsetGeneric(c: Client, argv: string[], out: ReplySink, hmset: boolean): void {
  const n = argv.length;
  if ((n & 1) === 1) throw new ReplyError(ERR.wrongArgs(hmset ? 'hmset' : 'hset'));
  const key = argv[1];
  const h = getOrCreate(c, key);
  if (h.listpack) {
    // hashTypeTryConversion: any argument too long converts before inserting.
    const mv = maxValue(c);
    for (let i = 2; i < n; i++) {
      if (argv[i].length > mv) {
        h.listpack = false;
        break;
      }
    }
  }
  let created = 0;
  if (h.listpack) {
    for (let i = 2; i < n; i += 2) if (h.set(argv[i], argv[i + 1])) created++;
    h.checkEntries(maxEntries(c));
  } else {
    const m = h.map;
    for (let i = 2; i < n; i += 2) {
      const before = m.size;
      h.set(argv[i], argv[i + 1]);
      if (m.size !== before) created++;
    }
  }
  if (hmset) out.simple('OK');
  else out.integer(created);
  modified(c, key, 'hset');
  c.server.dirty += (n - 2) / 2;
}

// HSETNX key field value
function hsetnx(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const h = getOrCreate(c, key);
  if (h.has(argv[2])) {
    out.integer(0);
    return;
  }
  hashSet(c, h, argv[2], argv[3]);
  out.integer(1);
  modified(c, key, 'hset');
  c.server.dirty++;
}

// HGET key field
function hget(c: Client, argv: string[], out: ReplySink): void {
  const h = getHash(c, argv[1]);
  const v = h === undefined ? undefined : h.get(argv[2]);
  if (v === undefined) out.null();
  else out.bulk(v);
}

// HMGET key field [field ...]
function hmget(c: Client, argv: string[], out: ReplySink): void {
  const h = getHash(c, argv[1]);
  out.array(argv.length - 2);
  for (let i = 2; i < argv.length; i++) {
    const v = h === undefined ? undefined : h.get(argv[i]);
    if (v === undefined) out.null();
    else out.bulk(v);
  }
}

// HDEL key field [field ...]
function hdel(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const h = getHash(c, key);
  if (h === undefined) {
    out.integer(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let i = 2; i < argv.length; i++) {
    if (h.delete(argv[i])) {
      deleted++;
      if (h.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted !== 0) {
    if (!removed) c.db.touch(key);
    c.server.notifier.notify('h', 'hdel', key, c.db.id);
    if (removed) c.server.notifier.notify('g', 'del', key, c.db.id);
    c.server.dirty += deleted;
  }
  out.integer(deleted);
}

// HLEN key
function hlen(c: Client, argv: string[], out: ReplySink): void {
  const h = getHash(c, argv[1]);
  out.integer(h === undefined ? 0 : h.size);
}

// HSTRLEN key field
function hstrlen(c: Client, argv: string[], out: ReplySink): void {
  const h = getHash(c, argv[1]);
  const v = h === undefined ? undefined : h.get(argv[2]);
  out.integer(v === undefined ? 0 : v.length);
}

// HEXISTS key field
function hexists(c: Client, argv: string[], out: ReplySink): void {
  const h = getHash(c, argv[1]);
  out.integer(h !== undefined && h.has(argv[2]) ? 1 : 0);
}

// HKEYS / HVALS / HGETALL
function hgetallGeneric(c: Client, argv: string[], out: ReplySink, keys: boolean, vals: boolean): void {
  const h = getHash(c, argv[1]);
  const both = keys && vals;
  if (h === undefined) {
    if (both) out.map(0);
    else out.array(0);
    return;
  }
  const m = h.map;
  if (m instanceof PackedPairs) {
    // The listpack representation walked in place: no iterator objects.
    if (both) out.map(m.size);
    else out.array(m.size);
    m.forEach((v, f) => {
      if (keys) out.bulk(f);
      if (vals) out.bulk(v);
    });
    return;
  }
  if (both) {
    out.map(m.size);
    for (const [f, v] of m) {
      out.bulk(f);
      out.bulk(v);
    }
  } else {
    out.array(m.size);
    if (keys) for (const f of m.keys()) out.bulk(f);
    else for (const v of m.values()) out.bulk(v);
  }
}

// HINCRBY key field increment
function hincrby(c: Client, argv: string[], out: ReplySink): void {
  const incr = parseInt64(argv[3]);
  if (incr === null) throw new ReplyError(ERR.notInteger);
  const key = argv[1];
  const h = getOrCreate(c, key);
  const cur = h.get(argv[2]);
  let old: number | bigint = 0;
  if (cur !== undefined) {
    const v = parseInt64(cur);
    if (v === null) throw new ReplyError(ERR.hashValueNot);
    old = v;
  }
  let result: number | bigint;
  if (typeof old === 'number' && typeof incr === 'number' && Number.isSafeInteger(old + incr)) {
    result = old + incr;
  } else {
    const r = BigInt(old) + BigInt(incr);
    if (r > I64_MAX || r < I64_MIN) throw new ReplyError(ERR.overflow);
    result = r;
  }
  hashSet(c, h, argv[2], String(result));
  out.integer(result);
  modified(c, key, 'hincrby');
  c.server.dirty++;
}

// HINCRBYFLOAT key field increment (x87 long double arithmetic and %.17Lf, as Redis)
function hincrbyfloat(c: Client, argv: string[], out: ReplySink): void {
  const incr = parseLongDouble(argv[3]);
  if (incr === null) throw new ReplyError(ERR.notFloat);
  if (!isFiniteLongDouble(incr)) throw new ReplyError(ERR.valueNanInfinity);
  const key = argv[1];
  const h = getOrCreate(c, key);
  const cur = h.get(argv[2]);
  let value = ZERO;
  if (cur !== undefined) {
    const v = parseLongDouble(cur);
    if (v === null) throw new ReplyError(ERR.hashValueNotFloat);
    value = v;
  }
  const sum = addLongDouble(value, incr);
  if (!isFiniteLongDouble(sum)) throw new ReplyError(ERR.incrementWouldProduce);
  const s = formatLongDouble(sum);
  hashSet(c, h, argv[2], s);
  out.bulk(s);
  modified(c, key, 'hincrbyfloat');
  c.server.dirty++;
  rewriteCommand(c, ['HSET', key, argv[2], s]);
}

/** HRANDFIELD count: getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX). */
function randCount(s: string): number {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(ERR.notInteger);
  if (v === I64_MIN) {
    throw new ReplyError(ERR.valueOutRangeValue);
  }
  return Number(v);
}

// HRANDFIELD key [count [WITHVALUES]]
function hrandfield(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length >= 3) {
    const raw = parseInt64(argv[2]);
    const l = randCount(argv[2]);
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withvalues'))) throw new ReplyError(ERR.syntax);
    const withValues = argv.length === 4;
    if (withValues && raw !== null && (raw < -4611686018427387903n || raw > 4611686018427387903n)) {
      throw new ReplyError(ERR.valueIsOutOfRange);
    }
    hrandfieldCount(c, argv[1], l, withValues, out);
    return;
  }
  const h = getHash(c, argv[1]);
  if (h === undefined) {
    out.null();
    return;
  }
  out.bulk(h.randomField());
}

function hrandfieldCount(c: Client, key: string, l: number, withValues: boolean, out: ReplySink): void {
  const h = getHash(c, key);
  if (h === undefined) {
    out.array(0);
    return;
  }
  const size = h.size;
  const uniq = l >= 0;
  let count = uniq ? l : -l;
  if (count === 0) {
    out.array(0);
    return;
  }
  const resp3 = out.resp === 3;
  const m = h.map;
  if (!uniq || count === 1) {
    out.array(withValues && !resp3 ? count * 2 : count);
    // (a client closed for its output buffer stops here, as Redis checks CLIENT_CLOSE_ASAP)
    while (count-- > 0 && !c.closeAsap) {
      const f = h.randomField();
      if (withValues && resp3) out.array(2);
      out.bulk(f);
      if (withValues) out.bulk(m.get(f) as string);
    }
    return;
  }
  const n = count < size ? count : size;
  out.array(withValues && !resp3 ? n * 2 : n);
  if (count >= size) {
    for (const [f, v] of m) {
      if (withValues && resp3) out.array(2);
      out.bulk(f);
      if (withValues) out.bulk(v);
    }
    return;
  }
  // Distinct random fields. Listpack hashes answer in hash order, like lpRandomPairsUnique.
  const picked = new Set<string>();
  if (count * 3 > size) {
    const all = [...m.keys()];
    for (let i = all.length - 1; i > 0 && all.length - i <= count; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    for (let i = all.length - count; i < all.length; i++) picked.add(all[i]);
  } else {
    while (picked.size < count) picked.add(h.randomField());
  }
  if (h.listpack) {
    for (const [f, v] of m) {
      if (!picked.has(f)) continue;
      if (withValues && resp3) out.array(2);
      out.bulk(f);
      if (withValues) out.bulk(v);
    }
  } else {
    for (const f of picked) {
      if (withValues && resp3) out.array(2);
      out.bulk(f);
      if (withValues) out.bulk(m.get(f) as string);
    }
  }
}

// HSCAN key cursor [MATCH pattern] [COUNT count]
function hscan(c: Client, argv: string[], out: ReplySink): void {
  const cursor = parseScanCursor(argv[2]);
  const h = getHash(c, argv[1]);
  if (h === undefined) {
    replyScan(out, 0, []);
    return;
  }
  const opts = parseScanOptions(argv, 3, false);
  const m = h.map;
  if (h.listpack) {
    const r = scanCollection<[string, string]>(c.db.scanCursors, h, cursor, opts, m, () => m.entries(), (e) => e[0], (e, into) => {
      into.push(e[0], e[1]);
    });
    replyScan(out, r.cursor, r.items);
    return;
  }
  // Redis's bucket-order cursor over the dict at its natural size (keyspace/dict-shape.ts)
  const reg = c.db.scanCursors;
  const shape = reg.naturalShape(h, m.size);
  const fields: string[] = [];
  const next = shape.scan(m, scanCursorBits(argv[2], cursor), opts.count, fields);
  reg.holdOrder(shape, next !== 0);
  const items: string[] = [];
  for (const f of fields) if (opts.match === null || opts.match(f)) items.push(f, m.get(f) as string);
  replyScan(out, next, items);
}

export const commands: HandlerTable = {
  hset: (c, argv, out) => hsetGeneric(c, argv, out, false),
  hmset: (c, argv, out) => hsetGeneric(c, argv, out, true),
  hsetnx,
  hget,
  hmget,
  hdel,
  hlen,
  hstrlen,
  hexists,
  hkeys: (c, argv, out) => hgetallGeneric(c, argv, out, true, false),
  hvals: (c, argv, out) => hgetallGeneric(c, argv, out, false, true),
  hgetall: (c, argv, out) => hgetallGeneric(c, argv, out, true, true),
  hincrby,
  hincrbyfloat,
  hrandfield,
  hscan,
};
