import { rewriteCommand, preventPropagation } from '../core/propagate.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { intArg, is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { SetValue } from '../keyspace/set.ts';
import { parseScanCursor, scanCursorBits } from '../keyspace/scan.ts';
import { parseScanOptions, replyScan } from './scan.ts';

// Sets (Redis t_set.c): intset while every member is a canonical integer and there are at
// most set-max-intset-entries, hashtable otherwise (7.0 has no listpack sets). Result sets of
// SUNION/SDIFF/SINTER(STORE) are built like Redis builds them (starting as an intset), which
// decides both the stored encoding and the reply order.

function getSet(c: Client, key: string): SetValue | undefined {
  return c.db.getTyped<SetValue>(key, 'set');
}

function maxIntset(c: Client): number {
  return c.server.config.getInt('set-max-intset-entries');
}

function notify(c: Client, event: string, key: string): void {
  c.server.notifier.notify('s', event, key, c.db.id);
}

function notifyDel(c: Client, key: string): void {
  c.server.notifier.notify('g', 'del', key, c.db.id);
}

// SADD key member [member ...]
function sadd(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  let s = getSet(c, key);
  let created = false;
  if (s === undefined) {
    s = SetValue.forMember(argv[2]);
    created = true;
  }
  const max = s.hs === null ? maxIntset(c) : 0;
  let added = 0;
  const rz = c.server.resizeAllowed;
  for (let i = 2; i < argv.length; i++) if (s.add(argv[i], max, rz)) added++;
  // (a new set is stored filled: its memory is counted from its members)
  if (created) c.db.set(key, s);
  if (added !== 0) {
    if (!created) c.db.touch(key);
    notify(c, 'sadd', key);
  }
  c.server.dirty += added;
  out.integer(added);
}

// SREM key member [member ...]
function srem(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const s = getSet(c, key);
  if (s === undefined) {
    out.integer(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  const rz = c.server.resizeAllowed;
  for (let i = 2; i < argv.length; i++) {
    if (s.remove(argv[i], rz)) {
      deleted++;
      if (s.size === 0) {
        c.db.delete(key);
        removed = true;
        break;
      }
    }
  }
  if (deleted !== 0) {
    if (!removed) c.db.touch(key);
    notify(c, 'srem', key);
    if (removed) notifyDel(c, key);
    c.server.dirty += deleted;
  }
  out.integer(deleted);
}

// SMOVE source destination member
function smove(c: Client, argv: string[], out: ReplySink): void {
  const srcKey = argv[1];
  const dstKey = argv[2];
  const ele = argv[3];
  const db = c.db;
  if (db.get(srcKey) === undefined) {
    out.integer(0);
    return;
  }
  const src = getSet(c, srcKey) as SetValue;
  let dst = getSet(c, dstKey);
  const rz = c.server.resizeAllowed;
  if (src === dst) {
    out.integer(src.has(ele, rz) ? 1 : 0);
    return;
  }
  if (!src.remove(ele, rz)) {
    out.integer(0);
    return;
  }
  notify(c, 'srem', srcKey);
  if (src.size === 0) {
    db.delete(srcKey);
    notifyDel(c, srcKey);
  } else {
    db.touch(srcKey);
  }
  if (dst === undefined) {
    dst = SetValue.forMember(ele);
    db.set(dstKey, dst);
  }
  c.server.dirty++;
  if (dst.add(ele, maxIntset(c), rz)) {
    c.server.dirty++;
    db.touch(dstKey);
    notify(c, 'sadd', dstKey);
  }
  out.integer(1);
}

// SISMEMBER key member
function sismember(c: Client, argv: string[], out: ReplySink): void {
  const s = getSet(c, argv[1]);
  out.integer(s !== undefined && s.has(argv[2], c.server.resizeAllowed) ? 1 : 0);
}

// SMISMEMBER key member [member ...]
function smismember(c: Client, argv: string[], out: ReplySink): void {
  const s = getSet(c, argv[1]);
  out.array(argv.length - 2);
  const rz = c.server.resizeAllowed;
  for (let i = 2; i < argv.length; i++) out.integer(s !== undefined && s.has(argv[i], rz) ? 1 : 0);
}

// SCARD key
function scard(c: Client, argv: string[], out: ReplySink): void {
  const s = getSet(c, argv[1]);
  out.integer(s === undefined ? 0 : s.size);
}

/** Writes a set's members as a RESP set reply. */
function replyMembers(out: ReplySink, s: SetValue): void {
  out.set(s.size);
  for (const m of s.members()) out.bulk(m);
}

/** A fresh set built from members the way Redis builds result sets (createIntsetObject + adds). */
function buildSet(members: Iterable<string>, max: number): SetValue {
  const r = new SetValue(true);
  for (const m of members) r.add(m, max);
  return r;
}

// SPOP key [count]
function spop(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length === 3) {
    spopCount(c, argv, out);
    return;
  }
  if (argv.length > 3) throw new ReplyError(ERR.syntax);
  const key = argv[1];
  const s = getSet(c, key);
  if (s === undefined) {
    out.null();
    return;
  }
  const m = s.random(c.server.resizeAllowed);
  s.remove(m, c.server.resizeAllowed);
  notify(c, 'spop', key);
  // random choice is logged as its outcome
  rewriteCommand(c, ['SREM', key, m]);
  out.bulk(m);
  if (s.size === 0) {
    c.db.delete(key);
    notifyDel(c, key);
  } else {
    c.db.touch(key);
  }
  c.server.dirty++;
}

function spopCount(c: Client, argv: string[], out: ReplySink): void {
  const v = parseInt64(argv[2]);
  if (v === null || v < 0) throw new ReplyError(ERR.valueOutRange);
  const count = Number(v);
  const key = argv[1];
  const s = getSet(c, key);
  if (s === undefined || count === 0) {
    out.set(0);
    return;
  }
  const size = s.size;
  notify(c, 'spop', key);
  c.server.dirty += count >= size ? size : count;
  if (count >= size) {
    // Redis replies with SUNION of the key: a rebuilt set, so its order.
    replyMembers(out, buildSet(s.members(), maxIntset(c)));
    c.db.delete(key);
    notifyDel(c, key);
    rewriteCommand(c, ['DEL', key]);
    return;
  }
  // one SREM per popped member (alsoPropagate), the SPOP itself not at all
  const prop = c.server.propagator;
  const dbid = c.db.id;
  preventPropagation(c);
  out.set(count);
  const remaining = size - count;
  if (remaining * 5 > count) {
    for (let i = 0; i < count; i++) {
      const m = s.random(c.server.resizeAllowed);
      s.remove(m, c.server.resizeAllowed);
      out.bulk(m);
      prop.also(dbid, ['SREM', key, m]);
    }
    c.db.touch(key);
    return;
  }
  // Redis moves the survivors to a new set (setTypeCreate rules) and replies with the rest
  // in the old set's order.
  let keep: SetValue | null = null;
  const max = maxIntset(c);
  for (let i = 0; i < remaining; i++) {
    const m = s.random(c.server.resizeAllowed);
    if (keep === null) keep = SetValue.forMember(m);
    keep.add(m, max);
    s.remove(m, c.server.resizeAllowed);
  }
  for (const m of s.members()) {
    out.bulk(m);
    prop.also(dbid, ['SREM', key, m]);
  }
  c.db.set(key, keep as SetValue, true);
}

/** SRANDMEMBER count: getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX). */
function srandCount(s: string): number {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(ERR.notInteger);
  if (v === -9223372036854775808n) {
    throw new ReplyError(ERR.valueOutRangeValue);
  }
  return Number(v);
}

// SRANDMEMBER key [count]
function srandmember(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length === 3) {
    srandmemberCount(c, argv, out);
    return;
  }
  if (argv.length > 3) throw new ReplyError(ERR.syntax);
  const s = getSet(c, argv[1]);
  if (s === undefined) out.null();
  else out.bulk(s.random(c.server.resizeAllowed));
}

function srandmemberCount(c: Client, argv: string[], out: ReplySink): void {
  const l = srandCount(argv[2]);
  const s = getSet(c, argv[1]);
  if (s === undefined) {
    out.array(0);
    return;
  }
  const uniq = l >= 0;
  let count = uniq ? l : -l;
  if (count === 0) {
    out.array(0);
    return;
  }
  const size = s.size;
  if (!uniq || count === 1) {
    out.array(count);
    // (a client closed for its output buffer stops here, as Redis checks CLIENT_CLOSE_ASAP)
    while (count-- > 0 && !c.closeAsap) out.bulk(s.random(c.server.resizeAllowed));
    return;
  }
  if (count >= size) {
    out.array(size);
    for (const m of s.members()) out.bulk(m);
    return;
  }
  const picked = new Set<string>();
  if (count * 3 > size) {
    const all = [...s.members()];
    for (let i = all.length - 1; i > 0 && all.length - i <= count; i--) {
      const j = Math.floor(Math.random() * (i + 1));
      const t = all[i];
      all[i] = all[j];
      all[j] = t;
    }
    for (let i = all.length - count; i < all.length; i++) picked.add(all[i]);
  } else {
    while (picked.size < count) picked.add(s.random(c.server.resizeAllowed));
  }
  out.array(count);
  for (const m of picked) out.bulk(m);
}

/** Looks up every key (missing: undefined), raising WRONGTYPE like Redis's loops. */
function lookupSets(c: Client, argv: string[], from: number, to: number): (SetValue | undefined)[] {
  const sets = new Array<SetValue | undefined>(to - from);
  for (let i = from; i < to; i++) sets[i - from] = getSet(c, argv[i]);
  return sets;
}

/** Members of the intersection, in the order Redis emits them, up to `limit` (0: all). */
function intersect(sets: SetValue[], limit: number): string[] {
  // Smallest first (stable, like glibc's merge-sort qsort).
  const order = sets.slice().sort((a, b) => a.size - b.size);
  const first = order[0];
  const res: string[] = [];
  outer: for (const m of first.members()) {
    for (let j = 1; j < order.length; j++) {
      if (order[j] === first) continue;
      if (!order[j].has(m)) continue outer;
    }
    res.push(m);
    if (limit !== 0 && res.length >= limit) break;
  }
  return res;
}

/** Stores a computed result set (or deletes dst when empty), with Redis's events and reply. */
function storeResult(c: Client, dst: string, r: SetValue, event: string, out: ReplySink): void {
  const db = c.db;
  if (r.size > 0) {
    db.set(dst, r);
    out.integer(r.size);
    notify(c, event, dst);
    c.server.dirty++;
  } else {
    out.integer(0);
    if (db.delete(dst)) {
      c.server.dirty++;
      notifyDel(c, dst);
    }
  }
}

// SINTER / SMEMBERS / SINTERSTORE
function sinterGeneric(c: Client, argv: string[], from: number, dst: string | null, out: ReplySink): void {
  const sets = lookupSets(c, argv, from, argv.length);
  if (sets.includes(undefined)) {
    if (dst !== null) {
      if (c.db.delete(dst)) {
        notifyDel(c, dst);
        c.server.dirty++;
      }
      out.integer(0);
    } else {
      out.set(0);
    }
    return;
  }
  const res = intersect(sets as SetValue[], 0);
  if (dst === null) {
    out.set(res.length);
    for (let i = 0; i < res.length; i++) out.bulk(res[i]);
    return;
  }
  storeResult(c, dst, buildSet(res, maxIntset(c)), 'sinterstore', out);
}

// SINTERCARD numkeys key [key ...] [LIMIT limit]
function sintercard(c: Client, argv: string[], out: ReplySink): void {
  const nk = parseInt64(argv[1]);
  if (nk === null || nk < 1) throw new ReplyError(ERR.numkeysGreaterThan);
  const numkeys = Number(nk);
  if (numkeys > argv.length - 2) throw new ReplyError(ERR.numberKeysCant);
  let limit = 0;
  for (let j = 2 + numkeys; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    if (is(argv[j], 'limit') && more > 0) {
      j++;
      const v = parseInt64(argv[j]);
      if (v === null || v < 0) throw new ReplyError(ERR.limitCantNegative);
      limit = Number(v);
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const sets = lookupSets(c, argv, 2, 2 + numkeys);
  if (sets.includes(undefined)) {
    out.integer(0);
    return;
  }
  out.integer(intersect(sets as SetValue[], limit).length);
}

// SUNION / SDIFF (+STORE)
function sunionDiff(c: Client, argv: string[], from: number, dst: string | null, diff: boolean, out: ReplySink): void {
  const sets = lookupSets(c, argv, from, argv.length);
  const max = maxIntset(c);
  const r = new SetValue(true);
  if (!diff) {
    for (const s of sets) if (s !== undefined) for (const m of s.members()) r.add(m, max);
  } else {
    const first = sets[0];
    let same = false;
    for (let j = 1; j < sets.length; j++) if (first !== undefined && sets[j] === first) same = true;
    if (first !== undefined && !same) {
      outer: for (const m of first.members()) {
        for (let j = 1; j < sets.length; j++) {
          const o = sets[j];
          if (o !== undefined && o.has(m)) continue outer;
        }
        r.add(m, max);
      }
    }
  }
  if (dst === null) {
    replyMembers(out, r);
    return;
  }
  storeResult(c, dst, r, diff ? 'sdiffstore' : 'sunionstore', out);
}

// SSCAN key cursor [MATCH pattern] [COUNT count]
function sscan(c: Client, argv: string[], out: ReplySink): void {
  const cursor = parseScanCursor(argv[2]);
  const s = getSet(c, argv[1]);
  if (s === undefined) {
    replyScan(out, 0, []);
    return;
  }
  const opts = parseScanOptions(argv, 3, false);
  if (s.ints !== null) {
    const items = opts.match === null ? s.ints.slice() : s.ints.filter(opts.match);
    replyScan(out, 0, items);
    return;
  }
  // Redis's bucket-order cursor over the modeled dict (keyspace/dict-shape.ts)
  const found: string[] = [];
  const shape = s.dictShape();
  const next = shape.scan(s.hs as Set<string>, scanCursorBits(argv[2], cursor), opts.count, found);
  c.db.scanCursors.holdOrder(shape, next !== 0);
  replyScan(out, next, opts.match === null ? found : found.filter(opts.match));
}

export const commands: HandlerTable = {
  sadd,
  srem,
  smove,
  sismember,
  smismember,
  scard,
  smembers: (c, argv, out) => sinterGeneric(c, argv, 1, null, out),
  sinter: (c, argv, out) => sinterGeneric(c, argv, 1, null, out),
  sinterstore: (c, argv, out) => sinterGeneric(c, argv, 2, argv[1], out),
  sintercard,
  sunion: (c, argv, out) => sunionDiff(c, argv, 1, null, false, out),
  sunionstore: (c, argv, out) => sunionDiff(c, argv, 2, argv[1], false, out),
  sdiff: (c, argv, out) => sunionDiff(c, argv, 1, null, true, out),
  sdiffstore: (c, argv, out) => sunionDiff(c, argv, 2, argv[1], true, out),
  spop,
  srandmember,
  sscan,
};
