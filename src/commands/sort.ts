import { aclCanReadAnyKey } from '../core/acl.ts';
import { ReplyError, ERR, cstr } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import type { Database, RedisValue } from '../keyspace/db.ts';
import { is } from './args.ts';
import { parseInt64, parseDouble, strtodWhole } from '../util/numbers.ts';
import { List } from '../keyspace/list.ts';
import type { ZSet } from '../keyspace/zset.ts';

/** One element being sorted: the element, its numeric weight or its BY comparison string. */
interface SortItem {
  obj: string;
  score: number;
  cmp: string | null;
}

/** What SORT needs from a hash value (HashValue) and a set value (SetValue). */
interface HashLike {
  get(field: string): string | undefined;
}
interface SetLike {
  readonly size: number;
  members(): Iterable<string>;
}


/**
 * lookupKeyByPattern: `#` is the element itself; otherwise the first `*` is replaced by the
 * element and the key looked up (a string, or with `->field` a hash field). Undefined when
 * the pattern has no `*`, the key is missing or of the wrong type.
 */
function lookupByPattern(db: Database, pattern: string, subst: string): string | undefined {
  if (pattern === '#') return subst;
  const cp = cstr(pattern);
  const star = cp.indexOf('*');
  if (star < 0) return undefined;
  const arrow = cp.indexOf('->', star + 1);
  let fieldLen = 0;
  let field: string | null = null;
  if (arrow >= 0 && arrow + 2 < cp.length) {
    fieldLen = pattern.length - arrow - 2;
    field = pattern.slice(arrow + 2);
  }
  const key = pattern.slice(0, star) + subst + pattern.slice(star + 1, pattern.length - (field !== null ? fieldLen + 2 : 0));
  const o = db.get(key);
  if (o === undefined) return undefined;
  if (field !== null) {
    if (typeof o === 'string' || o.type !== 'hash') return undefined;
    return (o as unknown as HashLike).get(field);
  }
  return typeof o === 'string' ? o : undefined;
}

/** SORT weights: Redis's strtod check (whole string, no NaN, ERANGE rejected). */
function sortWeight(s: string): number | null {
  return strtodWhole(s, false);
}

function byteCmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function sortGeneric(c: Client, argv: string[], out: ReplySink, readonly: boolean): void {
  let desc = false;
  let alpha = false;
  let limitStart = 0;
  let limitCount = -1;
  let storeKey: string | null = null;
  let sortBy: string | null = null;
  let dontSort = false;
  const gets: string[] = [];
  let fullKeyRead: boolean | null = null;
  const mayReadAnyKey = (): boolean => (fullKeyRead ??= aclCanReadAnyKey(c, argv[0].toLowerCase(), argv));
  for (let j = 2; j < argv.length; j++) {
    const a = argv[j];
    const left = argv.length - j - 1;
    if (is(a, 'asc')) desc = false;
    else if (is(a, 'desc')) desc = true;
    else if (is(a, 'alpha')) alpha = true;
    else if (is(a, 'limit') && left >= 2) {
      limitStart = longArg(argv[j + 1]);
      limitCount = longArg(argv[j + 2]);
      j += 2;
    } else if (!readonly && is(a, 'store') && left >= 1) {
      storeKey = argv[++j];
    } else if (is(a, 'by') && left >= 1) {
      sortBy = argv[++j];
      if (cstr(sortBy).indexOf('*') < 0) dontSort = true;
      else if (!mayReadAnyKey()) throw new ReplyError(ERR.sortByDenied);
    } else if (is(a, 'get') && left >= 1) {
      if (!mayReadAnyKey()) throw new ReplyError(ERR.sortGetDenied);
      gets.push(argv[++j]);
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }

  const db = c.db;
  const val = db.get(argv[1]);
  if (val !== undefined && (typeof val === 'string' || (val.type !== 'list' && val.type !== 'set' && val.type !== 'zset'))) {
    throw new ReplyError(ERR.wrongType);
  }
  const kind = val === undefined ? 'list' : val.type;

  // Unsorted sets must still give a deterministic result when stored (or run from scripts).
  if (dontSort && kind === 'set' && (storeKey !== null || c.flags.has('script'))) {
    dontSort = false;
    alpha = true;
    sortBy = null;
  }
  // Like Redis, SORT leaves a listpack-encoded sorted set converted to a skiplist.
  if (kind === 'zset') (val as ZSet).skiplist = true;

  let vectorLen = size(val);
  let start = Math.min(Math.max(limitStart, 0), vectorLen);
  limitCount = Math.min(Math.max(limitCount, -1), vectorLen);
  let end = limitCount < 0 ? vectorLen - 1 : start + limitCount - 1;
  if (start >= vectorLen) {
    start = vectorLen - 1;
    end = vectorLen - 2;
  }
  if (end >= vectorLen) end = vectorLen - 1;

  // Load the elements; lists and zsets with nothing to sort load just the LIMIT range.
  const items: SortItem[] = [];
  if (val !== undefined && dontSort && (kind === 'list' || kind === 'zset')) {
    if (end >= start) {
      const n = size(val);
      if (kind === 'list') {
        const l = val as List;
        if (desc) for (let i = n - 1 - start, k = 0; k <= end - start; i--, k++) items.push(item(l.get(i)));
        else for (let i = start; i <= end; i++) items.push(item(l.get(i)));
      } else {
        const z = val as ZSet;
        const r = desc ? z.rangeByRank(n - 1 - end, n - 1 - start, true) : z.rangeByRank(start, end);
        for (const m of r.members) items.push(item(m));
      }
      end -= start;
      start = 0;
    }
  } else if (val !== undefined) {
    if (kind === 'list') {
      const l = val as List;
      const n = l.length;
      for (let i = 0; i < n; i++) items.push(item(l.get(i)));
    } else if (kind === 'set') {
      for (const m of (val as unknown as SetLike).members()) items.push(item(m));
    } else {
      for (const m of (val as ZSet).dict.keys()) items.push(item(m));
    }
  }

  let conversionError = false;
  if (!dontSort) {
    for (const it of items) {
      let by: string | undefined;
      if (sortBy !== null) {
        by = lookupByPattern(db, sortBy, it.obj);
        if (by === undefined) continue;
      } else {
        by = it.obj;
      }
      if (alpha) {
        if (sortBy !== null) it.cmp = by;
      } else {
        const w = sortWeight(by);
        if (w === null) conversionError = true;
        else it.score = w;
      }
    }
    const store = storeKey !== null;
    const byPattern = sortBy !== null;
    items.sort((x, y) => {
      let r: number;
      if (!alpha) {
        r = x.score > y.score ? 1 : x.score < y.score ? -1 : byteCmp(x.obj, y.obj);
      } else if (byPattern) {
        if (x.cmp === null || y.cmp === null) r = x.cmp === y.cmp ? 0 : x.cmp === null ? -1 : 1;
        else r = store ? byteCmp(x.cmp, y.cmp) : byteCmp(cstr(x.cmp), cstr(y.cmp));
      } else {
        r = store ? byteCmp(x.obj, y.obj) : byteCmp(cstr(x.obj), cstr(y.obj));
      }
      return desc ? -r : r;
    });
  }

  const outputLen = gets.length !== 0 ? gets.length * (end - start + 1) : end - start + 1;
  if (conversionError) throw new ReplyError(ERR.oneMoreScores);

  if (storeKey === null) {
    out.array(outputLen);
    for (let j = start; j <= end; j++) {
      const obj = items[j].obj;
      if (gets.length === 0) {
        out.bulk(obj);
        continue;
      }
      for (const g of gets) {
        const v = lookupByPattern(db, g, obj);
        if (v === undefined) out.null();
        else out.bulk(v);
      }
    }
    return;
  }

  const result: string[] = [];
  for (let j = start; j <= end; j++) {
    const obj = items[j].obj;
    if (gets.length === 0) result.push(obj);
    else for (const g of gets) result.push(lookupByPattern(db, g, obj) ?? '');
  }
  if (outputLen > 0) {
    const existed = db.get(storeKey) !== undefined;
    db.set(storeKey, new List(result));
    if (!existed) c.server.signalKeyAsReady(db, storeKey);
    c.server.notifier.notify('l', 'sortstore', storeKey, db.id);
    c.server.dirty += outputLen;
  } else if (db.delete(storeKey)) {
    c.server.notifier.notify('g', 'del', storeKey, db.id);
    c.server.dirty++;
  }
  out.integer(outputLen);
}

function item(obj: string): SortItem {
  return { obj, score: 0, cmp: null };
}

function size(v: RedisValue | undefined): number {
  if (v === undefined || typeof v === 'string') return 0;
  return v.size;
}

/** getLongFromObjectOrReply. */
function longArg(s: string): number {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(ERR.notInteger);
  return typeof v === 'number' ? v : Number(v);
}

export const commands: HandlerTable = {
  sort: (c, argv, out) => sortGeneric(c, argv, out, false),
  sort_ro: (c, argv, out) => sortGeneric(c, argv, out, true),
};
