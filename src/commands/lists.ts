import { rewriteCommand } from '../core/propagate.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { intArg, is, minLongArg, mpopCount } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { ListValue } from '../keyspace/list-value.ts';
import type { List } from '../keyspace/list.ts';

// Lists (Redis t_list.c). Every list is a `List` ring buffer; Redis 7.0 calls them all
// quicklists. Argument parsing happens in the order Redis does it, so which error wins when
// several apply matches the real server.


function getList(c: Client, key: string): List | undefined {
  return c.db.getTyped<List>(key, 'list');
}

/** getPositiveLongFromObjectOrReply without a message. */
function positiveLong(s: string): number {
  return minLongArg(s, 0, ERR.valueOutRange);
}

/** LEFT/RIGHT: true for LEFT (head). */
function whereArg(s: string): boolean {
  if (is(s, 'left')) return true;
  if (is(s, 'right')) return false;
  throw new ReplyError(ERR.syntax);
}

/** After elements were removed: pop event, delete when empty, dirty (listElementsRemoved). */
function elementsRemoved(c: Client, key: string, list: List, left: boolean, count: number): void {
  const server = c.server;
  const db = c.db;
  server.notifier.notify('l', left ? 'lpop' : 'rpop', key, db.id);
  if (list.length === 0) {
    db.delete(key);
    server.notifier.notify('g', 'del', key, db.id);
  } else {
    db.touch(key);
  }
  server.dirty += count;
}

// ---- internal API for the blocking layer ---------------------------------------------------

/**
 * Pops up to `count` elements from the head (`left`) or tail of the list at `key` in c's
 * database, in pop order, with Redis's events (lpop/rpop, then del when emptied) and dirty
 * accounting. Returns [] when the key does not exist; throws WRONGTYPE for other types.
 */
export function listPop(c: Client, key: string, left: boolean, count: number): string[] {
  const list = getList(c, key);
  if (list === undefined || list.length === 0 || count <= 0) return [];
  const n = count < list.length ? count : list.length;
  const out = new Array<string>(n);
  for (let i = 0; i < n; i++) out[i] = (left ? list.popFront() : list.popBack()) as string;
  elementsRemoved(c, key, list, left, n);
  return out;
}

/**
 * LMOVE semantics on c's database: pops from `src` (head if fromLeft), pushes to `dst` (head if
 * toLeft), emits the push event on dst, the pop event on src and del if src emptied. Returns
 * the moved element, or null when src does not exist. Throws WRONGTYPE (src or dst) before
 * changing anything.
 */
export function listMove(c: Client, src: string, dst: string, fromLeft: boolean, toLeft: boolean): string | null {
  const db = c.db;
  const server = c.server;
  const slist = getList(c, src);
  if (slist === undefined || slist.length === 0) return null;
  let dlist = getList(c, dst);
  const value = (fromLeft ? slist.popFront() : slist.popBack()) as string;
  if (dlist === undefined) {
    dlist = new ListValue();
    db.set(dst, dlist);
  } else {
    db.touch(dst);
  }
  if (toLeft) dlist.pushFront(value);
  else dlist.pushBack(value);
  server.notifier.notify('l', toLeft ? 'lpush' : 'rpush', dst, db.id);
  server.signalKeyAsReady(db, dst);
  server.notifier.notify('l', fromLeft ? 'lpop' : 'rpop', src, db.id);
  if (slist.length === 0) {
    db.delete(src);
    server.notifier.notify('g', 'del', src, db.id);
  } else {
    db.touch(src);
  }
  server.dirty++;
  return value;
}

/** Writes list elements [start, end] (0-based, valid) as an array, reversed if asked. */
function replyRange(out: ReplySink, list: List, start: number, end: number, reverse: boolean): void {
  out.array(end - start + 1);
  if (reverse) for (let i = end; i >= start; i--) out.bulk(list.get(i));
  else for (let i = start; i <= end; i++) out.bulk(list.get(i));
}

// ---- commands --------------------------------------------------------------------------------

function push(c: Client, argv: string[], out: ReplySink, left: boolean, xx: boolean): void {
  const db = c.db;
  const key = argv[1];
  let list = getList(c, key);
  if (list === undefined) {
    if (xx) {
      out.integer(0);
      return;
    }
    list = new ListValue();
    db.set(key, list);
  } else {
    db.touch(key);
  }
  const n = argv.length;
  if (left) for (let i = 2; i < n; i++) list.pushFront(argv[i]);
  else for (let i = 2; i < n; i++) list.pushBack(argv[i]);
  const server = c.server;
  server.dirty += n - 2;
  out.integer(list.length);
  server.notifier.notify('l', left ? 'lpush' : 'rpush', key, db.id);
  server.signalKeyAsReady(db, key);
}

// LINSERT key BEFORE|AFTER pivot element
function linsert(c: Client, argv: string[], out: ReplySink): void {
  let after: boolean;
  if (is(argv[2], 'after')) after = true;
  else if (is(argv[2], 'before')) after = false;
  else throw new ReplyError(ERR.syntax);
  const list = getList(c, argv[1]);
  if (list === undefined) {
    out.integer(0);
    return;
  }
  const i = list.indexOf(argv[3]);
  if (i < 0) {
    out.integer(-1);
    return;
  }
  list.insert(after ? i + 1 : i, argv[4]);
  c.db.touch(argv[1]);
  c.server.notifier.notify('l', 'linsert', argv[1], c.db.id);
  c.server.dirty++;
  out.integer(list.length);
}

// LLEN key
function llen(c: Client, argv: string[], out: ReplySink): void {
  const list = getList(c, argv[1]);
  out.integer(list === undefined ? 0 : list.length);
}

// LINDEX key index
function lindex(c: Client, argv: string[], out: ReplySink): void {
  const list = getList(c, argv[1]);
  if (list === undefined) {
    out.null();
    return;
  }
  const i = list.normIndex(intArg(argv[2]));
  if (i < 0) out.null();
  else out.bulk(list.get(i));
}

// LSET key index element
function lset(c: Client, argv: string[], out: ReplySink): void {
  const list = getList(c, argv[1]);
  if (list === undefined) throw new ReplyError(ERR.noSuchKey);
  const i = list.normIndex(intArg(argv[2]));
  if (i < 0) throw new ReplyError(ERR.outOfRange);
  list.set(i, argv[3]);
  out.simple('OK');
  c.db.touch(argv[1]);
  c.server.notifier.notify('l', 'lset', argv[1], c.db.id);
  c.server.dirty++;
}

// LPOP/RPOP key [count]
function pop(c: Client, argv: string[], out: ReplySink, left: boolean): void {
  if (argv.length > 3) throw new ReplyError(ERR.wrongArgs(left ? 'lpop' : 'rpop'));
  const hasCount = argv.length === 3;
  const count = hasCount ? positiveLong(argv[2]) : 0;
  const key = argv[1];
  const list = getList(c, key);
  if (list === undefined) {
    if (hasCount) out.nullArray();
    else out.null();
    return;
  }
  if (hasCount && count === 0) {
    out.array(0);
    return;
  }
  if (!hasCount) {
    out.bulk((left ? list.popFront() : list.popBack()) as string);
    elementsRemoved(c, key, list, left, 1);
    return;
  }
  const len = list.length;
  const n = count > len ? len : count;
  out.array(n);
  if (left) for (let i = 0; i < n; i++) out.bulk(list.popFront() as string);
  else for (let i = 0; i < n; i++) out.bulk(list.popBack() as string);
  elementsRemoved(c, key, list, left, n);
}

// LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count]
function lmpop(c: Client, argv: string[], out: ReplySink): void {
  const parsed = parseMpop(argv, 1);
  for (let j = 2; j < 2 + parsed.numkeys; j++) {
    const key = argv[j];
    const list = getList(c, key);
    if (list === undefined || list.length === 0) continue;
    const elems = listPop(c, key, parsed.left, parsed.count);
    rewriteCommand(c, [parsed.left ? 'LPOP' : 'RPOP', key, String(elems.length)]);
    out.array(2);
    out.bulk(key);
    out.array(elems.length);
    for (let i = 0; i < elems.length; i++) out.bulk(elems[i]);
    return;
  }
  out.nullArray();
}

/**
 * Parses the LMPOP/BLMPOP tail starting at argv[numkeysIdx] (numkeys, keys, LEFT|RIGHT,
 * [COUNT n]) with Redis's errors. Exported for BLMPOP: keys are argv[numkeysIdx+1 ..
 * numkeysIdx+numkeys].
 */
export function parseMpop(argv: string[], numkeysIdx: number): { numkeys: number; left: boolean; count: number } {
  const numkeys = minLongArg(argv[numkeysIdx], 1, ERR.numkeysGreaterThan);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw new ReplyError(ERR.syntax);
  const left = whereArg(argv[whereIdx]);
  const count = mpopCount(argv, whereIdx + 1);
  return { numkeys, left, count };
}

/** Redis's (start, end) normalisation for LRANGE/LTRIM; null when the range is empty. */
function normRange(start: number, end: number, len: number): [number, number] | null {
  if (start < 0) start = len + start;
  if (end < 0) end = len + end;
  if (start < 0) start = 0;
  if (start > end || start >= len) return null;
  if (end >= len) end = len - 1;
  return [start, end];
}

// LRANGE key start stop
function lrange(c: Client, argv: string[], out: ReplySink): void {
  const start = intArg(argv[2]);
  const end = intArg(argv[3]);
  const list = getList(c, argv[1]);
  if (list === undefined) {
    out.array(0);
    return;
  }
  const r = normRange(start, end, list.length);
  if (r === null) out.array(0);
  else replyRange(out, list, r[0], r[1], false);
}

// LTRIM key start stop
function ltrim(c: Client, argv: string[], out: ReplySink): void {
  const start = intArg(argv[2]);
  const end = intArg(argv[3]);
  const key = argv[1];
  const list = getList(c, key);
  if (list === undefined) {
    out.simple('OK');
    return;
  }
  const len = list.length;
  const r = normRange(start, end, len);
  let removed: number;
  if (r === null) {
    removed = len;
    list.clear();
  } else {
    removed = len - (r[1] - r[0] + 1);
    if (removed !== 0) list.trim(r[0], r[1]);
  }
  const server = c.server;
  server.notifier.notify('l', 'ltrim', key, c.db.id);
  if (list.length === 0) {
    c.db.delete(key);
    server.notifier.notify('g', 'del', key, c.db.id);
  } else {
    c.db.touch(key);
  }
  server.dirty += removed;
  out.simple('OK');
}

// LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len]
function lpos(c: Client, argv: string[], out: ReplySink): void {
  const ele = argv[2];
  let rank = 1;
  let count = -1;
  let maxlen = 0;
  let rankMin = false;
  for (let j = 3; j < argv.length; j++) {
    const more = argv.length - 1 - j;
    const opt = argv[j];
    if (is(opt, 'rank') && more > 0) {
      j++;
      const v = parseInt64(argv[j]);
      if (v === null) throw new ReplyError(ERR.notInteger);
      if (v === 0) {
        throw new ReplyError(
          ERR.rankTZero,
        );
      }
      rankMin = v === -9223372036854775808n;
      rank = Number(v);
    } else if (is(opt, 'count') && more > 0) {
      j++;
      count = minLongArg(argv[j], 0, ERR.countCantNegative);
    } else if (is(opt, 'maxlen') && more > 0) {
      j++;
      maxlen = minLongArg(argv[j], 0, ERR.maxlenCantNegative);
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  let fromTail = false;
  if (rank < 0) {
    fromTail = true;
    // -LONG_MIN overflows in C and stays negative: every match then satisfies the rank.
    rank = rankMin ? 1 : -rank;
  }
  const list = getList(c, argv[1]);
  if (list === undefined) {
    if (count !== -1) out.array(0);
    else out.null();
    return;
  }
  const len = list.length;
  const limit = maxlen === 0 || maxlen > len ? len : maxlen;
  let matches = 0;
  if (count === -1) {
    for (let k = 0; k < limit; k++) {
      const i = fromTail ? len - 1 - k : k;
      if (list.get(i) === ele && ++matches >= rank) {
        out.integer(i);
        return;
      }
    }
    out.null();
    return;
  }
  const found: number[] = [];
  for (let k = 0; k < limit; k++) {
    const i = fromTail ? len - 1 - k : k;
    if (list.get(i) === ele && ++matches >= rank) {
      found.push(i);
      if (count !== 0 && found.length >= count) break;
    }
  }
  out.array(found.length);
  for (let k = 0; k < found.length; k++) out.integer(found[k]);
}

// LREM key count element
function lrem(c: Client, argv: string[], out: ReplySink): void {
  const toRemove = intArg(argv[2]);
  const key = argv[1];
  const list = getList(c, key);
  if (list === undefined) {
    out.integer(0);
    return;
  }
  const removed = list.removeValue(argv[3], toRemove);
  const server = c.server;
  if (removed !== 0) {
    server.dirty += removed;
    c.db.touch(key);
    server.notifier.notify('l', 'lrem', key, c.db.id);
  }
  if (list.length === 0) {
    c.db.delete(key);
    server.notifier.notify('g', 'del', key, c.db.id);
  }
  out.integer(removed);
}

function lmoveReply(c: Client, argv: string[], out: ReplySink, fromLeft: boolean, toLeft: boolean): void {
  const v = listMove(c, argv[1], argv[2], fromLeft, toLeft);
  if (v === null) out.null();
  else out.bulk(v);
}

// LMOVE source destination LEFT|RIGHT LEFT|RIGHT
function lmove(c: Client, argv: string[], out: ReplySink): void {
  const from = whereArg(argv[3]);
  const to = whereArg(argv[4]);
  lmoveReply(c, argv, out, from, to);
}

// RPOPLPUSH source destination
function rpoplpush(c: Client, argv: string[], out: ReplySink): void {
  lmoveReply(c, argv, out, false, true);
}

export const commands: HandlerTable = {
  lpush: (c, argv, out) => push(c, argv, out, true, false),
  rpush: (c, argv, out) => push(c, argv, out, false, false),
  lpushx: (c, argv, out) => push(c, argv, out, true, true),
  rpushx: (c, argv, out) => push(c, argv, out, false, true),
  lpop: (c, argv, out) => pop(c, argv, out, true),
  rpop: (c, argv, out) => pop(c, argv, out, false),
  linsert,
  llen,
  lindex,
  lset,
  lmpop,
  lrange,
  ltrim,
  lpos,
  lrem,
  lmove,
  rpoplpush,
};
