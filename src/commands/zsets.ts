import { rewriteCommand } from '../core/propagate.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { intArg, is, minLongArg, mpopCount } from './args.ts';
import { formatDouble17, parseDouble, parseInt64, strtodWhole } from '../util/numbers.ts';
import { ZSet, parseLexBound, type LexBound } from '../keyspace/zset.ts';
import type { SetValue } from '../keyspace/set.ts';
import { parseScanCursor, scanCursorBits } from '../keyspace/scan.ts';
import { parseScanOptions, replyScan, scanCollection } from './scan.ts';

// Sorted sets (Redis t_zset.c). Every zset is a `ZSet` (Map + order-statistic B+tree); the
// listpack/skiplist distinction only matters for OBJECT ENCODING and ZSCAN, and follows
// Redis's conversion rules (zset-max-listpack-entries/value) at the same moments.

const NAN_ERR = ERR.resultingScoreNot;
const MINMAX_FLOAT = ERR.minMaxNot;
const MINMAX_LEX = ERR.minMaxNotValid;

export function getZset(c: Client, key: string): ZSet | undefined {
  return c.db.getTyped<ZSet>(key, 'zset');
}

/** [zset-max-listpack-entries, zset-max-listpack-value]. */
export function zsetLimits(c: Client): [number, number] {
  const cfg = c.server.config;
  return [cfg.getInt('zset-max-listpack-entries'), cfg.getInt('zset-max-listpack-value')];
}

function notify(c: Client, event: string, key: string): void {
  c.server.notifier.notify('z', event, key, c.db.id);
}

function notifyDel(c: Client, key: string): void {
  c.server.notifier.notify('g', 'del', key, c.db.id);
}

// ---- argument parsing --------------------------------------------------------------------

export interface ScoreRange {
  min: number;
  max: number;
  minex: boolean;
  maxex: boolean;
}

function parseScoreBound(s: string): [number, boolean] | null {
  if (s.charCodeAt(0) === 40 /* ( */) {
    const v = strtodWhole(s.slice(1), true);
    return v === null ? null : [v, true];
  }
  const v = strtodWhole(s, true);
  return v === null ? null : [v, false];
}

/** zslParseRange; throws "min or max is not a float". */
export function parseScoreRange(minArg: string, maxArg: string): ScoreRange {
  const a = parseScoreBound(minArg);
  const b = parseScoreBound(maxArg);
  if (a === null || b === null) throw new ReplyError(MINMAX_FLOAT);
  return { min: a[0], minex: a[1], max: b[0], maxex: b[1] };
}

function lexBound(s: string): LexBound | null {
  // A C string: '+' or '-' followed by a NUL byte still counts as the bare sign.
  const nul = s.indexOf('\0');
  if (nul === 1 && (s[0] === '+' || s[0] === '-')) s = s[0];
  return parseLexBound(s);
}

/** zslParseLexRange; throws "min or max not valid string range item". */
export function parseLexRange(minArg: string, maxArg: string): [LexBound, LexBound] {
  const a = lexBound(minArg);
  const b = lexBound(maxArg);
  if (a === null || b === null) throw new ReplyError(MINMAX_LEX);
  return [a, b];
}

/** getDoubleFromObjectOrReply. */
function scoreArg(s: string, err: string = ERR.notFloat): number {
  const v = parseDouble(s);
  if (v === null || Number.isNaN(v)) throw new ReplyError(err);
  return v;
}

/** Ranks [first, last] of a score range. */
function scoreRanks(z: ZSet, r: ScoreRange): [number, number] {
  return z.scoreRangeRanks(r.min, r.minex, r.max, r.maxex);
}

// ---- ZADD / ZINCRBY -----------------------------------------------------------------------

const F_NX = 1;
const F_XX = 2;
const F_GT = 4;
const F_LT = 8;
const F_INCR = 16;
const F_CH = 32;

function zaddFlag(opt: string): number {
  if (opt.length > 4 || opt.length < 2) return 0;
  switch (opt.toLowerCase()) {
    case 'nx':
      return F_NX;
    case 'xx':
      return F_XX;
    case 'ch':
      return F_CH;
    case 'incr':
      return F_INCR;
    case 'gt':
      return F_GT;
    case 'lt':
      return F_LT;
    default:
      return 0;
  }
}

/**
 * zaddGenericCommand. `baseFlags` is F_INCR for ZINCRBY. `event` lets GEOADD reuse it
 * (Redis rewrites GEOADD into ZADD, so the event is "zadd" there too).
 */
export function zaddGeneric(c: Client, argv: string[], out: ReplySink, baseFlags: number): void {
  let flags = baseFlags;
  let scoreidx = 2;
  while (scoreidx < argv.length) {
    const f = zaddFlag(argv[scoreidx]);
    if (f === 0) break;
    flags |= f;
    scoreidx++;
  }
  const incr = (flags & F_INCR) !== 0;
  const nx = (flags & F_NX) !== 0;
  const xx = (flags & F_XX) !== 0;
  const gt = (flags & F_GT) !== 0;
  const lt = (flags & F_LT) !== 0;
  const ch = (flags & F_CH) !== 0;
  let elements = argv.length - scoreidx;
  if (elements % 2 !== 0 || elements === 0) throw new ReplyError(ERR.syntax);
  elements /= 2;
  if (nx && xx) throw new ReplyError(ERR.xxNxOptions);
  if ((gt && nx) || (lt && nx) || (gt && lt)) {
    throw new ReplyError(ERR.gtLtNx);
  }
  if (incr && elements > 1) throw new ReplyError(ERR.incrOptionSupports);
  const scores = new Array<number>(elements);
  for (let j = 0; j < elements; j++) scores[j] = scoreArg(argv[scoreidx + j * 2]);

  const db = c.db;
  const key = argv[1];
  let z = getZset(c, key);
  let added = 0;
  let updated = 0;
  let processed = 0;
  let score = 0;
  if (z === undefined) {
    if (xx) {
      replyZadd(out, incr, processed, score, ch, added, updated);
      return;
    }
    z = new ZSet();
    db.set(key, z);
  }
  const [maxEntries, maxValue] = zsetLimits(c);
  let error = false;
  for (let j = 0; j < elements; j++) {
    score = scores[j];
    const ele = argv[scoreidx + 1 + j * 2];
    const cur = z.score(ele);
    if (cur !== undefined) {
      if (nx) continue;
      if (incr) {
        score += cur;
        if (Number.isNaN(score)) {
          error = true;
          break;
        }
      }
      if ((lt && score >= cur) || (gt && score <= cur)) continue;
      processed++;
      if (score !== cur) {
        z.add(ele, score === 0 && !z.skiplist ? 0 : score);
        updated++;
      }
    } else if (!xx) {
      if (!z.skiplist && (z.size + 1 > maxEntries || ele.length > maxValue)) z.skiplist = true;
      // A listpack stores "-0" as the integer 0.
      z.add(ele, score === 0 && !z.skiplist ? 0 : score);
      added++;
      processed++;
    }
  }
  if (error) out.error(NAN_ERR);
  else {
    c.server.dirty += added + updated;
    replyZadd(out, incr, processed, score, ch, added, updated);
  }
  if (added !== 0 || updated !== 0) {
    db.touch(key);
    notify(c, incr ? 'zincr' : 'zadd', key);
    if (added !== 0) c.server.signalKeyAsReady(db, key);
  }
}

function replyZadd(out: ReplySink, incr: boolean, processed: number, score: number, ch: boolean, added: number, updated: number): void {
  if (incr) {
    if (processed !== 0) out.double(score);
    else out.null();
  } else {
    out.integer(ch ? added + updated : added);
  }
}

// ZREM key member [member ...]
function zrem(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const z = getZset(c, key);
  if (z === undefined) {
    out.integer(0);
    return;
  }
  let deleted = 0;
  let removed = false;
  for (let j = 2; j < argv.length; j++) {
    if (z.remove(argv[j])) deleted++;
    if (z.size === 0) {
      c.db.delete(key);
      removed = true;
      break;
    }
  }
  if (deleted !== 0) {
    notify(c, 'zrem', key);
    if (removed) notifyDel(c, key);
    else c.db.touch(key);
    c.server.dirty += deleted;
  }
  out.integer(deleted);
}

// ZREMRANGEBYRANK / ZREMRANGEBYSCORE / ZREMRANGEBYLEX
function zremrange(c: Client, argv: string[], out: ReplySink, type: 'rank' | 'score' | 'lex'): void {
  let start = 0;
  let end = 0;
  let range: ScoreRange | null = null;
  let lex: [LexBound, LexBound] | null = null;
  if (type === 'rank') {
    start = intArg(argv[2]);
    end = intArg(argv[3]);
  } else if (type === 'score') {
    range = parseScoreRange(argv[2], argv[3]);
  } else {
    lex = parseLexRange(argv[2], argv[3]);
  }
  const key = argv[1];
  const z = getZset(c, key);
  if (z === undefined) {
    out.integer(0);
    return;
  }
  if (type === 'rank') {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) {
      out.integer(0);
      return;
    }
    if (end >= llen) end = llen - 1;
  } else if (range !== null) {
    [start, end] = scoreRanks(z, range);
  } else {
    const l = lex as [LexBound, LexBound];
    [start, end] = z.lexRangeRanks(l[0], l[1]);
  }
  const deleted = start <= end ? z.removeRankRange(start, end) : 0;
  if (deleted !== 0) {
    notify(c, 'zremrangeby' + type, key);
    if (z.size === 0) {
      c.db.delete(key);
      notifyDel(c, key);
    } else {
      c.db.touch(key);
    }
  }
  c.server.dirty += deleted;
  out.integer(deleted);
}

// ---- simple reads -------------------------------------------------------------------------

function zcard(c: Client, argv: string[], out: ReplySink): void {
  const z = getZset(c, argv[1]);
  out.integer(z === undefined ? 0 : z.size);
}

function zscore(c: Client, argv: string[], out: ReplySink): void {
  const z = getZset(c, argv[1]);
  const s = z === undefined ? undefined : z.score(argv[2]);
  if (s === undefined) out.null();
  else out.double(s);
}

function zmscore(c: Client, argv: string[], out: ReplySink): void {
  const z = getZset(c, argv[1]);
  out.array(argv.length - 2);
  for (let j = 2; j < argv.length; j++) {
    const s = z === undefined ? undefined : z.score(argv[j]);
    if (s === undefined) out.null();
    else out.double(s);
  }
}

function zrank(c: Client, argv: string[], out: ReplySink, reverse: boolean): void {
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    out.null();
    return;
  }
  const r = z.rank(argv[2]);
  if (r < 0) out.null();
  else out.integer(reverse ? z.size - 1 - r : r);
}

function zcount(c: Client, argv: string[], out: ReplySink): void {
  const range = parseScoreRange(argv[2], argv[3]);
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    out.integer(0);
    return;
  }
  const [a, b] = scoreRanks(z, range);
  out.integer(a <= b ? b - a + 1 : 0);
}

function zlexcount(c: Client, argv: string[], out: ReplySink): void {
  const [min, max] = parseLexRange(argv[2], argv[3]);
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    out.integer(0);
    return;
  }
  const [a, b] = z.lexRangeRanks(min, max);
  out.integer(a <= b ? b - a + 1 : 0);
}

// ---- ZRANGE family ------------------------------------------------------------------------

type RangeType = 'auto' | 'rank' | 'score' | 'lex';
type Direction = 'auto' | 'fwd' | 'rev';

/** Writes elements of ranks [a, b] (a <= b, valid), in order or reversed, with scores if asked. */
function replyRanks(out: ReplySink, z: ZSet, a: number, b: number, reverse: boolean, withscores: boolean): void {
  const n = b - a + 1;
  const nested = withscores && out.resp === 3;
  out.array(withscores && !nested ? n * 2 : n);
  if (!withscores) {
    z.forEachInRankRange(a, b, reverse, (m) => {
      out.bulk(m);
    });
  } else {
    z.forEachInRankRange(a, b, reverse, (m, s) => {
      if (nested) out.array(2);
      out.bulk(m);
      out.double(s);
    });
  }
}

/**
 * The selection a ZRANGE-like command made: ranks [a, b] of z (empty if a > b), visited
 * ascending or descending.
 */
interface Selection {
  a: number;
  b: number;
  reverse: boolean;
}

/** Applies LIMIT offset count to ranks [first, last] (Redis's offset/limit walk). */
function applyLimit(first: number, last: number, reverse: boolean, size: number, offset: number, limit: number): Selection {
  if (first > last || offset < 0 || (offset > 0 && offset >= size)) return { a: 0, b: -1, reverse };
  const avail = last - first + 1 - offset;
  if (avail <= 0) return { a: 0, b: -1, reverse };
  const n = limit < 0 || limit > avail ? avail : limit;
  if (!reverse) return { a: first + offset, b: first + offset + n - 1, reverse };
  return { a: last - offset - n + 1, b: last - offset, reverse };
}

/** zrangeGenericCommand: parses, selects and replies (or stores into dst). */
function zrangeGeneric(
  c: Client,
  argv: string[],
  out: ReplySink,
  argcStart: number,
  dst: string | null,
  rangeType: RangeType,
  direction: Direction,
): void {
  const key = argv[argcStart];
  let minidx = argcStart + 1;
  let maxidx = argcStart + 2;
  let withscores = false;
  let offset = 0;
  let limit = -1;
  let hasLimit = false;
  for (let j = argcStart + 3; j < argv.length; j++) {
    const left = argv.length - j - 1;
    const a = argv[j];
    if (dst === null && is(a, 'withscores')) withscores = true;
    else if (is(a, 'limit') && left >= 2) {
      offset = intArg(argv[j + 1]);
      limit = intArg(argv[j + 2]);
      hasLimit = true;
      j += 2;
    } else if (direction === 'auto' && is(a, 'rev')) direction = 'rev';
    else if (rangeType === 'auto' && is(a, 'bylex')) rangeType = 'lex';
    else if (rangeType === 'auto' && is(a, 'byscore')) rangeType = 'score';
    else throw new ReplyError(ERR.syntax);
  }
  if (direction === 'auto') direction = 'fwd';
  if (rangeType === 'auto') rangeType = 'rank';
  // Redis tests opt_limit != -1: "LIMIT 0 -1" counts as no LIMIT.
  if (hasLimit && limit !== -1 && rangeType === 'rank') {
    throw new ReplyError(ERR.syntaxErrorLimitOnly);
  }
  if (withscores && rangeType === 'lex') {
    throw new ReplyError(ERR.syntaxErrorWithscores);
  }
  const reverse = direction === 'rev';
  if (reverse && rangeType !== 'rank') {
    const t = maxidx;
    maxidx = minidx;
    minidx = t;
  }
  let start = 0;
  let end = 0;
  let range: ScoreRange | null = null;
  let lex: [LexBound, LexBound] | null = null;
  if (rangeType === 'rank') {
    start = intArg(argv[minidx]);
    end = intArg(argv[maxidx]);
  } else if (rangeType === 'score') {
    range = parseScoreRange(argv[minidx], argv[maxidx]);
  } else {
    lex = parseLexRange(argv[minidx], argv[maxidx]);
  }
  const z = getZset(c, key);
  if (z === undefined) {
    if (dst !== null) storeRange(c, dst, null, { a: 0, b: -1, reverse }, out);
    else out.array(0);
    return;
  }
  let sel: Selection;
  if (rangeType === 'rank') {
    const llen = z.size;
    if (start < 0) start = llen + start;
    if (end < 0) end = llen + end;
    if (start < 0) start = 0;
    if (start > end || start >= llen) sel = { a: 0, b: -1, reverse };
    else {
      if (end >= llen) end = llen - 1;
      // Rank ranges count from the end when reversed.
      sel = reverse ? { a: llen - 1 - end, b: llen - 1 - start, reverse } : { a: start, b: end, reverse };
    }
  } else {
    const [first, last] = range !== null ? scoreRanks(z, range) : z.lexRangeRanks((lex as [LexBound, LexBound])[0], (lex as [LexBound, LexBound])[1]);
    sel = applyLimit(first, last, reverse, z.size, offset, limit);
  }
  if (dst !== null) {
    storeRange(c, dst, z, sel, out);
    return;
  }
  if (sel.a > sel.b) out.array(0);
  else replyRanks(out, z, sel.a, sel.b, reverse, withscores);
}

/** zrangeResultFinalizeStore. */
function storeRange(c: Client, dst: string, z: ZSet | null, sel: Selection, out: ReplySink): void {
  const db = c.db;
  if (z === null || sel.a > sel.b) {
    out.integer(0);
    if (db.delete(dst)) {
      notifyDel(c, dst);
      c.server.dirty++;
    }
    return;
  }
  const { members, scores } = z.rangeByRank(sel.a, sel.b, false);
  const r = buildStored(c, members, scores);
  db.set(dst, r);
  c.server.signalKeyAsReady(db, dst);
  out.integer(members.length);
  notify(c, 'zrangestore', dst);
  c.server.dirty++;
}

/**
 * A result zset for a STORE variant from members in Redis order: listpack when it has at
 * most zset-max-listpack-entries members none longer than zset-max-listpack-value bytes
 * (zsetConvertToListpackIfNeeded), where -0 scores become 0 as in a listpack.
 */
export function buildStored(c: Client, members: string[], scores: number[], maxlen = -1): ZSet {
  if (maxlen < 0) {
    maxlen = 0;
    for (let i = 0; i < members.length; i++) if (members[i].length > maxlen) maxlen = members[i].length;
  }
  const [maxEntries, maxValue] = zsetLimits(c);
  const skiplist = !(members.length <= maxEntries && maxlen <= maxValue);
  if (!skiplist) for (let i = 0; i < scores.length; i++) if (scores[i] === 0) scores[i] = 0;
  const r = ZSet.fromSorted(members, scores);
  r.skiplist = skiplist;
  return r;
}

// ---- ZPOPMIN / ZPOPMAX / ZMPOP ------------------------------------------------------------

/**
 * Pops up to `count` elements from the min (or max) end of the zset at `key` with Redis's
 * side effects (zpopmin/zpopmax event, del when emptied, dirty). Returns [member, score]
 * pairs in pop order; [] when the key is missing. WRONGTYPE for other types.
 */
export function zsetPop(c: Client, key: string, max: boolean, count: number): [string, number][] {
  const z = getZset(c, key);
  if (z === undefined || z.size === 0 || count <= 0) return [];
  const n = count < z.size ? count : z.size;
  const size = z.size;
  const res: [string, number][] = [];
  if (max) z.forEachInRankRange(size - n, size - 1, true, (m, s) => void res.push([m, s]));
  else z.forEachInRankRange(0, n - 1, false, (m, s) => void res.push([m, s]));
  for (let i = 0; i < res.length; i++) z.remove(res[i][0]);
  c.server.dirty += n;
  notify(c, max ? 'zpopmax' : 'zpopmin', key);
  if (z.size === 0) {
    c.db.delete(key);
    notifyDel(c, key);
  } else {
    c.db.touch(key);
  }
  return res;
}

/**
 * genericZpopCommand: finds the first existing key (WRONGTYPE stops the scan), pops and
 * replies in one of Redis's shapes: flat [m, s, ...] (ZPOPMIN/MAX in RESP2 or without count),
 * nested [[m, s], ...] (RESP3 with count), flat with the key first (BZPOPMIN/MAX), or
 * [key, [[m, s], ...]] (ZMPOP/BZMPOP). `count` -1 means a plain single pop. Returns true when
 * something was popped (for the blocking layer).
 */
export function zpopGeneric(
  c: Client,
  keys: readonly string[],
  max: boolean,
  emitKey: boolean,
  count: number,
  nested: boolean,
  nilWhenEmpty: boolean,
  out: ReplySink,
  popped?: (key: string, n: number) => void,
): boolean {
  let key = '';
  let z: ZSet | undefined;
  for (let i = 0; i < keys.length; i++) {
    key = keys[i];
    z = getZset(c, key);
    if (z !== undefined) break;
  }
  if (z === undefined) {
    if (nilWhenEmpty) out.nullArray();
    else out.array(0);
    return false;
  }
  if (count === 0) {
    out.array(0);
    return false;
  }
  if (count === -1) count = 1;
  const pairs = zsetPop(c, key, max, count);
  const n = pairs.length;
  if (popped !== undefined) popped(key, n);
  if (!nested && !emitKey) out.array(n * 2);
  else if (nested && !emitKey) out.array(n);
  else if (!nested && emitKey) {
    out.array(n * 2 + 1);
    out.bulk(key);
  } else {
    out.array(2);
    out.bulk(key);
    out.array(n);
  }
  for (let i = 0; i < n; i++) {
    if (nested) out.array(2);
    out.bulk(pairs[i][0]);
    out.double(pairs[i][1]);
  }
  return true;
}

function zpopMinMax(c: Client, argv: string[], out: ReplySink, max: boolean): void {
  if (argv.length > 3) throw new ReplyError(ERR.syntax);
  let count = -1;
  if (argv.length === 3) count = minLongArg(argv[2], 0, ERR.valueOutRange);
  zpopGeneric(c, [argv[1]], max, false, count, out.resp === 3 && count !== -1, false, out);
}

/**
 * Parses the ZMPOP/BZMPOP tail from argv[numkeysIdx] (numkeys, keys, MIN|MAX, [COUNT n])
 * with Redis's errors. Keys are argv[numkeysIdx+1 .. numkeysIdx+numkeys].
 */
export function parseZmpop(argv: string[], numkeysIdx: number): { numkeys: number; max: boolean; count: number } {
  const numkeys = minLongArg(argv[numkeysIdx], 1, ERR.numkeysGreaterThan);
  const whereIdx = numkeysIdx + numkeys + 1;
  if (whereIdx >= argv.length) throw new ReplyError(ERR.syntax);
  let max: boolean;
  if (is(argv[whereIdx], 'min')) max = false;
  else if (is(argv[whereIdx], 'max')) max = true;
  else throw new ReplyError(ERR.syntax);
  const count = mpopCount(argv, whereIdx + 1);
  return { numkeys, max, count };
}

function zmpop(c: Client, argv: string[], out: ReplySink): void {
  const p = parseZmpop(argv, 1);
  // logged as ZPOPMIN/ZPOPMAX key count, count clipped to what was there
  zpopGeneric(c, argv.slice(2, 2 + p.numkeys), p.max, true, p.count, true, true, out, (key, n) =>
    rewriteCommand(c, [p.max ? 'ZPOPMAX' : 'ZPOPMIN', key, String(n)]),
  );
}

// ---- ZRANDMEMBER --------------------------------------------------------------------------

function randInt(n: number): number {
  return Math.floor(Math.random() * n);
}

function zrandmember(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length >= 3) {
    const v = parseInt64(argv[2]);
    if (v === null) throw new ReplyError(ERR.notInteger);
    if (v === -9223372036854775808n) {
      throw new ReplyError(ERR.valueOutRangeValue);
    }
    let withscores = false;
    if (argv.length > 4 || (argv.length === 4 && !is(argv[3], 'withscores'))) throw new ReplyError(ERR.syntax);
    if (argv.length === 4) {
      withscores = true;
      const big = BigInt(v);
      if (big < -4611686018427387903n || big > 4611686018427387903n) throw new ReplyError(ERR.valueIsOutOfRange);
    }
    zrandmemberCount(c, argv, out, Number(v), withscores);
    return;
  }
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    out.null();
    return;
  }
  out.bulk(z.memberAt(randInt(z.size)));
}

function zrandmemberCount(c: Client, argv: string[], out: ReplySink, l: number, withscores: boolean): void {
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    out.array(0);
    return;
  }
  const size = z.size;
  const uniq = l >= 0;
  let count = uniq ? l : -l;
  if (count === 0) {
    out.array(0);
    return;
  }
  const nested = withscores && out.resp === 3;
  const emit = (m: string, s: number) => {
    if (nested) out.array(2);
    out.bulk(m);
    if (withscores) out.double(s);
  };
  if (!uniq || count === 1) {
    out.array(withscores && !nested ? count * 2 : count);
    // (a client closed for its output buffer stops here, as Redis checks CLIENT_CLOSE_ASAP)
    while (count-- > 0 && !c.closeAsap) {
      const r = randInt(size);
      const m = z.memberAt(r);
      emit(m, withscores ? (z.score(m) as number) : 0);
    }
    return;
  }
  const n = count < size ? count : size;
  out.array(withscores && !nested ? n * 2 : n);
  if (count >= size) {
    // zuiNext walks a zset from its tail.
    z.forEachInRankRange(0, size - 1, true, (m, s) => {
      emit(m, s);
    });
    return;
  }
  if (count * 3 > size) {
    // Partial Fisher-Yates over the ranks: the last `count` slots are a uniform sample.
    const ranks = new Array<number>(size);
    for (let i = 0; i < size; i++) ranks[i] = i;
    for (let i = size - 1; i >= size - count; i--) {
      const j = randInt(i + 1);
      const t = ranks[i];
      ranks[i] = ranks[j];
      ranks[j] = t;
    }
    for (let i = size - count; i < size; i++) {
      const m = z.memberAt(ranks[i]);
      emit(m, withscores ? (z.score(m) as number) : 0);
    }
    return;
  }
  const picked = new Set<number>();
  while (picked.size < count) {
    const r = randInt(size);
    if (picked.has(r)) continue;
    picked.add(r);
    const m = z.memberAt(r);
    emit(m, withscores ? (z.score(m) as number) : 0);
  }
}

// ---- ZUNION / ZINTER / ZDIFF (+STORE), ZINTERCARD -----------------------------------------

type SetOp = 'union' | 'inter' | 'diff';

/** A zunionInterDiff input: a zset, a plain set (scores 1) or a missing key. */
interface OpSrc {
  z: ZSet | null;
  s: SetValue | null;
  weight: number;
}

function srcSize(src: OpSrc): number {
  return src.z !== null ? src.z.size : src.s !== null ? src.s.size : 0;
}

function srcFind(src: OpSrc, m: string): number | undefined {
  if (src.z !== null) return src.z.score(m);
  if (src.s !== null) return src.s.has(m) ? 1 : undefined;
  return undefined;
}

function srcForEach(src: OpSrc, fn: (m: string, s: number) => boolean | void): void {
  if (src.z !== null) {
    for (const [m, s] of src.z.dict) if (fn(m, s) === false) return;
  } else if (src.s !== null) {
    for (const m of src.s.members()) if (fn(m, 1) === false) return;
  }
}

const AGG_SUM = 0;
const AGG_MIN = 1;
const AGG_MAX = 2;

function aggregate(target: number, val: number, agg: number): number {
  if (agg === AGG_SUM) {
    const r = target + val;
    return Number.isNaN(r) ? 0 : r;
  }
  if (agg === AGG_MIN) return val < target ? val : target;
  return val > target ? val : target;
}

function cmpEntry(a: [string, number], b: [string, number]): number {
  if (a[1] < b[1]) return -1;
  if (a[1] > b[1]) return 1;
  return a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0;
}

function zsetOpGeneric(c: Client, argv: string[], out: ReplySink, dst: string | null, numkeysIdx: number, op: SetOp, cardOnly: boolean, name: string): void {
  const setnum = intArg(argv[numkeysIdx]);
  if (setnum < 1) throw new ReplyError(ERR.leastInputKey(name));
  if (setnum > argv.length - (numkeysIdx + 1)) throw new ReplyError(ERR.syntax);
  const src: OpSrc[] = [];
  let j = numkeysIdx + 1;
  for (let i = 0; i < setnum; i++, j++) {
    const v = c.db.get(argv[j]);
    const item: OpSrc = { z: null, s: null, weight: 1 };
    if (v !== undefined) {
      if (typeof v === 'string' || (v.type !== 'zset' && v.type !== 'set')) throw new ReplyError(ERR.wrongType);
      if (v.type === 'zset') item.z = v as ZSet;
      else item.s = v as SetValue;
    }
    src.push(item);
  }
  let agg = AGG_SUM;
  let withscores = false;
  let limit = 0;
  let remaining = argv.length - j;
  while (remaining > 0) {
    const a = argv[j];
    if (op !== 'diff' && !cardOnly && remaining >= setnum + 1 && is(a, 'weights')) {
      j++;
      remaining--;
      for (let i = 0; i < setnum; i++, j++, remaining--) src[i].weight = scoreArg(argv[j], ERR.weightValueNot);
    } else if (op !== 'diff' && !cardOnly && remaining >= 2 && is(a, 'aggregate')) {
      j++;
      remaining--;
      const v = argv[j];
      if (is(v, 'sum')) agg = AGG_SUM;
      else if (is(v, 'min')) agg = AGG_MIN;
      else if (is(v, 'max')) agg = AGG_MAX;
      else throw new ReplyError(ERR.syntax);
      j++;
      remaining--;
    } else if (remaining >= 1 && dst === null && !cardOnly && is(a, 'withscores')) {
      j++;
      remaining--;
      withscores = true;
    } else if (cardOnly && remaining >= 2 && is(a, 'limit')) {
      j++;
      remaining--;
      limit = minLongArg(argv[j], 0, ERR.limitCantNegative);
      j++;
      remaining--;
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  // Smallest input first (a stable sort, like glibc's merge-sort qsort).
  const order = op !== 'diff' ? src.slice().sort((x, y) => srcSize(x) - srcSize(y)) : src;
  const result = new Map<string, number>();
  let cardinality = 0;
  if (op === 'inter') {
    const first = order[0];
    if (srcSize(first) > 0) {
      srcForEach(first, (m, s0) => {
        let score = first.weight * s0;
        if (Number.isNaN(score)) score = 0;
        let k = 1;
        for (; k < setnum; k++) {
          const o = order[k];
          let value: number | undefined;
          if (o.z === first.z && o.s === first.s) value = s0 * o.weight;
          else {
            value = srcFind(o, m);
            if (value === undefined) break;
            value *= o.weight;
          }
          score = aggregate(score, value, agg);
        }
        if (k !== setnum) return;
        if (cardOnly) {
          cardinality++;
          if (limit !== 0 && cardinality >= limit) return false;
        } else {
          result.set(m, score);
        }
      });
    }
  } else if (op === 'union') {
    for (let i = 0; i < setnum; i++) {
      const o = order[i];
      srcForEach(o, (m, s) => {
        let score = o.weight * s;
        if (Number.isNaN(score)) score = 0;
        const cur = result.get(m);
        result.set(m, cur === undefined ? score : aggregate(cur, score, agg));
      });
    }
  } else {
    const first = src[0];
    srcForEach(first, (m, s) => {
      for (let k = 1; k < setnum; k++) {
        const o = src[k];
        if ((o.z !== null && o.z === first.z) || (o.s !== null && o.s === first.s)) return;
        if (srcFind(o, m) !== undefined) return;
      }
      result.set(m, s);
    });
  }
  if (cardOnly) {
    out.integer(cardinality);
    return;
  }
  const entries = [...result];
  entries.sort(cmpEntry);
  if (dst !== null) {
    const db = c.db;
    if (entries.length !== 0) {
      const members = new Array<string>(entries.length);
      const scores = new Array<number>(entries.length);
      let maxlen = 0;
      for (let i = 0; i < entries.length; i++) {
        members[i] = entries[i][0];
        scores[i] = entries[i][1];
        if (members[i].length > maxlen) maxlen = members[i].length;
      }
      const r = buildStored(c, members, scores, maxlen);
      db.set(dst, r);
      c.server.signalKeyAsReady(db, dst);
      out.integer(entries.length);
      notify(c, op === 'union' ? 'zunionstore' : op === 'inter' ? 'zinterstore' : 'zdiffstore', dst);
      c.server.dirty++;
    } else {
      out.integer(0);
      if (db.delete(dst)) {
        notifyDel(c, dst);
        c.server.dirty++;
      }
    }
    return;
  }
  const nested = withscores && out.resp === 3;
  out.array(withscores && !nested ? entries.length * 2 : entries.length);
  for (let i = 0; i < entries.length; i++) {
    if (nested) out.array(2);
    out.bulk(entries[i][0]);
    if (withscores) out.double(entries[i][1]);
  }
}

// ---- ZSCAN --------------------------------------------------------------------------------

/** d2string: how a listpack stores a score (integers plainly, else %.17g). */
function listpackScore(d: number): string {
  if (Number.isNaN(d)) return 'nan';
  if (d === Infinity) return 'inf';
  if (d === -Infinity) return '-inf';
  if (d === 0) return Object.is(d, -0) ? '-0' : '0';
  if (Number.isInteger(d) && d >= -4611686018427387904 && d <= 4611686018427387904) return BigInt(d).toString();
  return formatDouble17(d);
}

function zscan(c: Client, argv: string[], out: ReplySink): void {
  const cursor = parseScanCursor(argv[2]);
  const z = getZset(c, argv[1]);
  if (z === undefined) {
    replyScan(out, 0, []);
    return;
  }
  const opts = parseScanOptions(argv, 3, false);
  const d = z.dict;
  if (!z.skiplist) {
    const r = scanCollection<[string, number]>(c.db.scanCursors, z, cursor, opts, z, () => d.entries(), (e) => e[0], (e, into) => {
      into.push(e[0], listpackScore(e[1]));
    });
    replyScan(out, r.cursor, r.items);
    return;
  }
  // Redis's bucket-order cursor over the dict at its natural size (keyspace/dict-shape.ts)
  const reg = c.db.scanCursors;
  const shape = reg.naturalShape(z, d.size);
  const members: string[] = [];
  const next = shape.scan(d, scanCursorBits(argv[2], cursor), opts.count, members);
  reg.holdOrder(shape, next !== 0);
  const items: string[] = [];
  for (const m of members) if (opts.match === null || opts.match(m)) items.push(m, formatDouble17(d.get(m) as number));
  replyScan(out, next, items);
}

// ---- table --------------------------------------------------------------------------------

export const commands: HandlerTable = {
  zadd: (c, argv, out) => zaddGeneric(c, argv, out, 0),
  zincrby: (c, argv, out) => zaddGeneric(c, argv, out, F_INCR),
  zrem,
  zcard,
  zscore,
  zmscore,
  zrank: (c, argv, out) => zrank(c, argv, out, false),
  zrevrank: (c, argv, out) => zrank(c, argv, out, true),
  zcount,
  zlexcount,
  zrange: (c, argv, out) => zrangeGeneric(c, argv, out, 1, null, 'auto', 'auto'),
  zrangestore: (c, argv, out) => zrangeGeneric(c, argv, out, 2, argv[1], 'auto', 'auto'),
  zrevrange: (c, argv, out) => zrangeGeneric(c, argv, out, 1, null, 'rank', 'rev'),
  zrangebyscore: (c, argv, out) => zrangeGeneric(c, argv, out, 1, null, 'score', 'fwd'),
  zrevrangebyscore: (c, argv, out) => zrangeGeneric(c, argv, out, 1, null, 'score', 'rev'),
  zrangebylex: (c, argv, out) => zrangeGeneric(c, argv, out, 1, null, 'lex', 'fwd'),
  zrevrangebylex: (c, argv, out) => zrangeGeneric(c, argv, out, 1, null, 'lex', 'rev'),
  zremrangebyrank: (c, argv, out) => zremrange(c, argv, out, 'rank'),
  zremrangebyscore: (c, argv, out) => zremrange(c, argv, out, 'score'),
  zremrangebylex: (c, argv, out) => zremrange(c, argv, out, 'lex'),
  zpopmin: (c, argv, out) => zpopMinMax(c, argv, out, false),
  zpopmax: (c, argv, out) => zpopMinMax(c, argv, out, true),
  zmpop,
  zrandmember,
  zunion: (c, argv, out) => zsetOpGeneric(c, argv, out, null, 1, 'union', false, 'zunion'),
  zinter: (c, argv, out) => zsetOpGeneric(c, argv, out, null, 1, 'inter', false, 'zinter'),
  zdiff: (c, argv, out) => zsetOpGeneric(c, argv, out, null, 1, 'diff', false, 'zdiff'),
  zunionstore: (c, argv, out) => zsetOpGeneric(c, argv, out, argv[1], 2, 'union', false, 'zunionstore'),
  zinterstore: (c, argv, out) => zsetOpGeneric(c, argv, out, argv[1], 2, 'inter', false, 'zinterstore'),
  zdiffstore: (c, argv, out) => zsetOpGeneric(c, argv, out, argv[1], 2, 'diff', false, 'zdiffstore'),
  zintercard: (c, argv, out) => zsetOpGeneric(c, argv, out, null, 1, 'inter', true, 'zintercard'),
  zscan,
};
