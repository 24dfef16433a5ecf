import { rewriteCommand, forcePropagation } from '../core/propagate.ts';
import { ReplyError, ERR, cstr } from '../errors.ts';
import { Persistence } from '../persistence/persistence.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { idleSecondsOf, restoredField, type Database, type RedisValue } from '../keyspace/db.ts';
import { is } from './args.ts';
import { parseInt64 } from '../util/numbers.ts';
import { globMatcher } from '../util/glob.ts';
import { parseScanCursor } from '../keyspace/scan.ts';
import { parseScanOptions, replyScan, scanStep } from './scan.ts';
import { dumpValue, restoreValue, verifyPayload, RdbFormatError } from '../keyspace/rdb.ts';
import { freeEffort, LAZYFREE_THRESHOLD } from '../keyspace/lazyfree.ts';
import { markCorrupt } from '../core/corrupt-values.ts';

const INT_MAX = 2147483647;
const INT_MIN = -2147483648;
/** Redis's int64 limits as doubles (exact checks use BigInt where the doubles are too coarse). */
const LLONG_MAX_BIG = 9223372036854775807n;
const LLONG_MIN_BIG = -9223372036854775808n;

/** getIntFromObjectOrReply: a 32-bit int, or the given error (Redis's own texts by default). */
function int32Arg(s: string, err?: string): number {
  const v = parseInt64(s);
  if (v === null) throw new ReplyError(err ?? ERR.notInteger);
  if (typeof v !== 'number' || v > INT_MAX || v < INT_MIN) {
    throw new ReplyError(err ?? ERR.valueOutRangeValueBetween);
  }
  return v;
}

function dbAt(c: Client, id: number): Database {
  const dbs = c.server.dbs;
  if (id < 0 || id >= dbs.length) throw new ReplyError(ERR.dbIndex);
  return dbs[id];
}

/** Type name as TYPE / SCAN TYPE report it. */
export function typeName(v: RedisValue | undefined): string {
  if (v === undefined) return 'none';
  return typeof v === 'string' ? 'string' : v.type;
}

/**
 * OBJECT ENCODING of a value: strings follow tryObjectEncoding (canonical int64 of at most
 * 20 bytes is `int`, up to 44 bytes `embstr`, else `raw`; in-place edits leave `raw`).
 */
export function encodingOf(db: Database, key: string, v: RedisValue): string {
  if (typeof v !== 'string') return v.encoding();
  if (db.rawStrings.size !== 0 && db.rawStrings.has(key)) return 'raw';
  const plain = db.plainStrings.size !== 0 ? db.plainStrings.get(key) : undefined;
  if (plain !== 'embstr' && v.length <= 20 && parseInt64(v) !== null) return 'int';
  return v.length <= 44 ? 'embstr' : 'raw';
}

/** How a string key's object differs from what its value alone implies (kept by RENAME/MOVE/COPY). */
export interface StringFlags {
  raw: boolean;
  plain: 'embstr' | 'unshared' | undefined;
}

function stringFlags(db: Database, key: string): StringFlags {
  return {
    raw: db.rawStrings.size !== 0 && db.rawStrings.has(key),
    plain: db.plainStrings.size !== 0 ? db.plainStrings.get(key) : undefined,
  };
}

function notify(c: Client, event: string, key: string, dbid: number): void {
  c.server.notifier.notify('g', event, key, dbid);
}

/** Puts a value at a new key of `dst` with an expire and raw-string flag, as dbAdd + setExpire. */
export function addWith(c: Client, dst: Database, key: string, value: RedisValue, expire: number | undefined, raw: StringFlags | null): void {
  dst.set(key, value);
  if (expire !== undefined) dst.setExpire(key, expire);
  if (typeof value === 'string') {
    if (raw !== null && raw.raw) dst.rawStrings.add(key);
    if (raw !== null && raw.plain !== undefined) dst.plainStrings.set(key, raw.plain);
  } else if (value.type === 'list' || value.type === 'zset' || value.type === 'stream') {
    c.server.signalKeyAsReady(dst, key);
  }
}

// ---- DEL / UNLINK / EXISTS / TYPE / TOUCH ---------------------------------------------------

function del(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  const server = c.server;
  // dbAsyncDelete: UNLINK (DEL with lazyfree-lazy-user-del) frees big values in the background
  const lazy = argv[0].length === 6 || server.config.get('lazyfree-lazy-user-del') === 'yes';
  let n = 0;
  for (let i = 1; i < argv.length; i++) {
    if (lazy) {
      const v = db.peek(argv[i]);
      if (v !== undefined && freeEffort(v, server.config.getInt('list-max-listpack-size')) > LAZYFREE_THRESHOLD) server.stats.lazyfreedObjects++;
    }
    if (db.delete(argv[i])) {
      notify(c, 'del', argv[i], db.id);
      c.server.dirty++;
      n++;
    }
  }
  out.integer(n);
}

function exists(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (db.peek(argv[i]) !== undefined) n++;
  out.integer(n);
}

function type(c: Client, argv: string[], out: ReplySink): void {
  out.simple(typeName(c.db.peek(argv[1])));
}

function touch(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  let n = 0;
  for (let i = 1; i < argv.length; i++) if (db.get(argv[i]) !== undefined) n++;
  out.integer(n);
}

// ---- RENAME / RENAMENX / MOVE / COPY / SWAPDB ----------------------------------------------

function renameGeneric(c: Client, argv: string[], out: ReplySink, nx: boolean): void {
  const db = c.db;
  const src = argv[1];
  const dst = argv[2];
  const o = db.get(src);
  if (o === undefined) throw new ReplyError(ERR.noSuchKey);
  if (src === dst) {
    if (nx) out.integer(0);
    else out.simple('OK');
    return;
  }
  const expire = db.getExpire(src);
  const raw = stringFlags(db, src);
  if (db.get(dst) !== undefined) {
    if (nx) {
      out.integer(0);
      return;
    }
    db.delete(dst);
  }
  // the same object under its new name: an LFU counter comes along (an LRU time is now either way)
  const field = db.lastAccess(src);
  addWith(c, db, dst, o, expire, raw);
  if (db.lfu) db.setAccessField(dst, field);
  db.delete(src);
  notify(c, 'rename_from', src, db.id);
  notify(c, 'rename_to', dst, db.id);
  c.server.dirty++;
  if (nx) out.integer(1);
  else out.simple('OK');
}

function move(c: Client, argv: string[], out: ReplySink): void {
  const src = c.db;
  const key = argv[1];
  const dst = dbAt(c, int32Arg(argv[2]));
  if (src === dst) throw new ReplyError(ERR.sameObject);
  const o = src.get(key);
  if (o === undefined) {
    out.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  if (dst.get(key) !== undefined) {
    out.integer(0);
    return;
  }
  const raw = stringFlags(src, key);
  const field = src.lastAccess(key);
  addWith(c, dst, key, o, expire, raw);
  if (dst.lfu) dst.setAccessField(key, field);
  src.delete(key);
  notify(c, 'move_from', key, src.id);
  notify(c, 'move_to', key, dst.id);
  c.server.dirty++;
  out.integer(1);
}

function copy(c: Client, argv: string[], out: ReplySink): void {
  const src = c.db;
  let dst = src;
  let replace = false;
  for (let j = 3; j < argv.length; j++) {
    if (is(argv[j], 'replace')) {
      replace = true;
    } else if (is(argv[j], 'db') && j + 1 < argv.length) {
      dst = dbAt(c, int32Arg(argv[++j]));
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const key = argv[1];
  const newkey = argv[2];
  if (src === dst && key === newkey) throw new ReplyError(ERR.sameObject);
  const o = src.get(key);
  if (o === undefined) {
    out.integer(0);
    return;
  }
  const expire = src.getExpire(key);
  let doDelete = false;
  if (dst.get(newkey) !== undefined) {
    if (!replace) {
      out.integer(0);
      return;
    }
    doDelete = true;
  }
  const dup = typeof o === 'string' ? o : o.clone();
  const raw = stringFlags(src, key);
  // dupStringObject: a copy of an int object is a new, unshared int object.
  if (typeof dup === 'string' && encodingOf(src, key, dup) === 'int') raw.plain = 'unshared';
  if (doDelete) dst.delete(newkey);
  addWith(c, dst, newkey, dup, expire, raw);
  notify(c, 'copy_to', newkey, dst.id);
  c.server.dirty++;
  out.integer(1);
}

function swapdb(c: Client, argv: string[], out: ReplySink): void {
  const id1 = int32Arg(argv[1], ERR.invalidFirstDb);
  const id2 = int32Arg(argv[2], ERR.invalidSecondDb);
  const dbs = c.server.dbs;
  if (id1 < 0 || id1 >= dbs.length || id2 < 0 || id2 >= dbs.length) throw new ReplyError(ERR.dbIndex);
  if (id1 !== id2) {
    const a = dbs[id1];
    const b = dbs[id2];
    // touchAllWatchedKeysInDb both ways, before the contents trade places
    const now = c.server.clock.now();
    const expiredIn = (db: Database) => (key: string) => {
      const when = db.expires.get(key);
      return when !== undefined && when <= now;
    };
    c.server.watches.touchAllInDb(a.id, a.data, b.data, expiredIn(b));
    c.server.watches.touchAllInDb(b.id, b.data, a.data, expiredIn(a));
    a.swapWith(b);
    // scanDatabaseForReadyKeys and scanDatabaseForDeletedStreams: every blocked client of
    // either database looks at what its keys hold now.
    c.server.blocking.signalAll(a);
    c.server.blocking.signalAll(b);
  }
  c.server.dirty++;
  out.simple('OK');
}

// ---- KEYS / SCAN / RANDOMKEY / DBSIZE / FLUSH* ---------------------------------------------

function keys(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  const pattern = argv[1];
  const all = pattern === '*';
  const match = all ? null : globMatcher(pattern);
  const now = c.server.scriptTimeSnapshot ?? c.server.clock.now(); // a script's frozen clock
  const expires = db.expires;
  const found: string[] = [];
  for (const key of db.data.keys()) {
    if (match !== null && !match(key)) continue;
    if (expires.size !== 0) {
      const when = expires.get(key);
      if (when !== undefined && when <= now) continue; // keyIsExpired: skipped, not deleted
    }
    found.push(key);
  }
  out.array(found.length);
  // (a client closed for its output buffer stops here, as Redis checks CLIENT_CLOSE_ASAP)
  for (let i = 0; i < found.length && !c.closeAsap; i++) out.bulk(found[i]);
}

function scan(c: Client, argv: string[], out: ReplySink): void {
  const cursor = parseScanCursor(argv[1]);
  const opts = parseScanOptions(argv, 2, true);
  const db = c.db;
  const data = db.data;
  const batch: string[] = [];
  const next = scanStep(db.scanCursors, data, cursor, () => data.keys(), opts.count, (k: string) => {
    batch.push(k);
  });
  const match = opts.match;
  const type = opts.type;
  let n = 0;
  for (let i = 0; i < batch.length; i++) {
    const k = batch[i];
    if (match !== null && !match(k)) continue;
    // As Redis: the TYPE lookup expires the key (then its type is "none"), and the expiry
    // check below only drops keys still present.
    if (type !== null && typeName(db.peek(k)) !== type) continue;
    if (db.expires.size !== 0 && db.data.has(k) && db.peek(k) === undefined) continue;
    batch[n++] = k;
  }
  replyScan(out, next, batch, n);
}

function randomkey(c: Client, _argv: string[], out: ReplySink): void {
  const k = c.db.randomKey();
  if (k === undefined) out.null();
  else out.bulk(k);
}

function dbsize(c: Client, _argv: string[], out: ReplySink): void {
  out.integer(c.db.size);
}

function checkFlushArgs(argv: string[]): void {
  if (argv.length > 2) throw new ReplyError(ERR.syntax);
  if (argv.length === 2 && !is(argv[1], 'sync') && !is(argv[1], 'async')) throw new ReplyError(ERR.syntax);
}

/** FLUSHDB/FLUSHALL ASYNC, or without a mode under lazyfree-lazy-user-flush. */
function flushIsAsync(c: Client, argv: string[]): boolean {
  if (argv.length === 2) return is(argv[1], 'async');
  return c.server.config.get('lazyfree-lazy-user-flush') === 'yes';
}

function flushdb(c: Client, argv: string[], out: ReplySink): void {
  checkFlushArgs(argv);
  const n = c.db.flush();
  c.server.dirty += n;
  // emptyDbAsync: every key's value is freed in the background
  if (flushIsAsync(c, argv)) c.server.stats.lazyfreedObjects += n;
  // logged even when the database was already empty
  forcePropagation(c);
  out.simple('OK');
}

function flushall(c: Client, argv: string[], out: ReplySink): void {
  checkFlushArgs(argv);
  let n = 0;
  const persistence = Persistence.of(c.server);
  persistence.beforeFlushall();
  for (const db of c.server.dbs) n += db.flush();
  c.server.dirty += n;
  if (flushIsAsync(c, argv)) c.server.stats.lazyfreedObjects += n;
  persistence.afterFlushall();
  forcePropagation(c);
  out.simple('OK');
}

// ---- EXPIRE family / TTL family / PERSIST ---------------------------------------------------

const EXPIRE_NX = 1;
const EXPIRE_XX = 2;
const EXPIRE_GT = 4;
const EXPIRE_LT = 8;

function expireGeneric(c: Client, argv: string[], out: ReplySink, relative: boolean, seconds: boolean): void {
  const key = argv[1];
  let flags = 0;
  for (let j = 3; j < argv.length; j++) {
    const opt = argv[j];
    if (is(opt, 'nx')) flags |= EXPIRE_NX;
    else if (is(opt, 'xx')) flags |= EXPIRE_XX;
    else if (is(opt, 'gt')) flags |= EXPIRE_GT;
    else if (is(opt, 'lt')) flags |= EXPIRE_LT;
    else throw new ReplyError(ERR.unsupportedOption(cstr(opt)));
  }
  if (flags & EXPIRE_NX && flags & (EXPIRE_XX | EXPIRE_GT | EXPIRE_LT)) {
    throw new ReplyError(ERR.nxXxGt);
  }
  if (flags & EXPIRE_GT && flags & EXPIRE_LT) {
    throw new ReplyError(ERR.gtLtOptions);
  }
  const cmd = argv[0].toLowerCase();
  const parsed = parseInt64(argv[2]);
  if (parsed === null) throw new ReplyError(ERR.notInteger);
  const now = c.server.clock.now();
  const base = relative ? now : 0;
  let when: number;
  let exact: bigint | null = null;
  if (typeof parsed === 'number' && Math.abs(parsed) < 9e12) {
    // Exact in doubles: |parsed*1000 + base| stays below 2^53.
    when = (seconds ? parsed * 1000 : parsed) + base;
  } else {
    let w = BigInt(parsed);
    if (seconds) {
      if (w > LLONG_MAX_BIG / 1000n || w < LLONG_MIN_BIG / 1000n) throw new ReplyError(ERR.invalidExpire(cmd));
      w *= 1000n;
    }
    if (w > LLONG_MAX_BIG - BigInt(base)) throw new ReplyError(ERR.invalidExpire(cmd));
    exact = w + BigInt(base);
    when = Number(exact);
  }
  const db = c.db;
  if (db.get(key) === undefined) {
    out.integer(0);
    return;
  }
  if (flags !== 0) {
    const cur = db.getExpire(key);
    if (flags & EXPIRE_NX && cur !== undefined) return out.integer(0);
    if (flags & EXPIRE_XX && cur === undefined) return out.integer(0);
    if (flags & EXPIRE_GT && (cur === undefined || when <= cur)) return out.integer(0);
    if (flags & EXPIRE_LT && cur !== undefined && when >= cur) return out.integer(0);
  }
  if (when <= now && !c.server.loading) {
    db.delete(key);
    rewriteCommand(c, [c.server.config.get('lazyfree-lazy-expire') === 'yes' ? 'UNLINK' : 'DEL', key]);
    c.server.dirty++;
    notify(c, 'del', key, db.id);
  } else {
    db.setExpire(key, when);
    if (c.server.propagator.active && (relative || seconds)) {
      // logged as PEXPIREAT with the absolute time in ms, options kept
      const abs = exact !== null ? String(exact) : String(when);
      rewriteCommand(c, ['PEXPIREAT', key, abs, ...argv.slice(3)]);
    }
    notify(c, 'expire', key, db.id);
    c.server.dirty++;
  }
  out.integer(1);
}

function ttlGeneric(c: Client, argv: string[], out: ReplySink, ms: boolean, abs: boolean): void {
  const db = c.db;
  if (db.peek(argv[1]) === undefined) {
    out.integer(-2);
    return;
  }
  const expire = db.getExpire(argv[1]);
  if (expire === undefined) {
    out.integer(-1);
    return;
  }
  if (expire > Number.MAX_SAFE_INTEGER) {
    // Beyond 2^53 doubles are coarse: do the arithmetic exactly on the stored value.
    const ttl = abs ? BigInt(expire) : BigInt(expire) - BigInt(c.server.clock.now());
    out.integer(ms ? ttl : (ttl + 500n) / 1000n);
    return;
  }
  let ttl = abs ? expire : expire - c.server.clock.now();
  if (ttl < 0) ttl = 0;
  out.integer(ms ? ttl : Math.floor((ttl + 500) / 1000));
}

function persist(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  const key = argv[1];
  if (db.get(key) !== undefined && db.persist(key)) {
    notify(c, 'persist', key, db.id);
    c.server.dirty++;
    out.integer(1);
  } else {
    out.integer(0);
  }
}

// ---- OBJECT ---------------------------------------------------------------------------------

const OBJECT_HELP = [
  'ENCODING <key>',
  '    Return the kind of internal representation used in order to store the value',
  '    associated with a <key>.',
  'FREQ <key>',
  '    Return the access frequency index of the <key>. The returned integer is',
  '    proportional to the logarithm of the recent access frequency of the key.',
  'IDLETIME <key>',
  '    Return the idle time of the <key>, that is the approximated number of',
  '    seconds elapsed since the last access to the key.',
  'REFCOUNT <key>',
  '    Return the number of references of the value associated with the specified',
  '    <key>.',
];

function objectHelp(_c: Client, _argv: string[], out: ReplySink): void {
  out.array(OBJECT_HELP.length + 3);
  out.simple('OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:');
  for (const l of OBJECT_HELP) out.simple(l);
  out.simple('HELP');
  out.simple('    Prints this help.');
}

function isLfu(c: Client): boolean {
  return c.server.config.get('maxmemory-policy').includes('lfu');
}

function objectEncoding(c: Client, argv: string[], out: ReplySink): void {
  const v = c.db.peek(argv[2]);
  if (v === undefined) return out.null();
  out.bulk(encodingOf(c.db, argv[2], v));
}

function objectRefcount(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  const v = db.peek(argv[2]);
  if (v === undefined) return out.null();
  // Small integers are Redis's shared objects unless an LRU/LFU policy forbids sharing.
  if (typeof v === 'string' && encodingOf(db, argv[2], v) === 'int' && db.plainStrings.get(argv[2]) !== 'unshared') {
    const n = parseInt64(v) as number;
    const maxmem = c.server.config.get('maxmemory');
    const policy = c.server.config.get('maxmemory-policy');
    const noShare = maxmem !== '0' && (policy.includes('lru') || policy.includes('lfu'));
    if (n >= 0 && n < 10000 && !noShare) return out.integer(INT_MAX);
  }
  out.integer(1);
}

function objectIdletime(c: Client, argv: string[], out: ReplySink): void {
  const db = c.db;
  const v = db.peek(argv[2]);
  if (v === undefined) return out.null();
  if (isLfu(c)) {
    throw new ReplyError(
      ERR.lfuMaxmemoryPolicy,
    );
  }
  out.integer(idleSeconds(db, argv[2]));
}

/** estimateObjectIdleTime in seconds, over the 24-bit wrapping LRU clock. */
export function idleSeconds(db: Database, key: string): number {
  return idleSecondsOf(db.lastAccess(key), db.lruClock());
}

function objectFreq(c: Client, argv: string[], out: ReplySink): void {
  const v = c.db.peek(argv[2]);
  if (v === undefined) return out.null();
  if (!isLfu(c)) {
    throw new ReplyError(
      ERR.lfuMaxmemoryPolicyNot,
    );
  }
  out.integer(c.db.lfuFreq(argv[2]));
}

// ---- DUMP / RESTORE -------------------------------------------------------------------------

function dump(c: Client, argv: string[], out: ReplySink): void {
  const v = c.db.get(argv[1]);
  if (v === undefined) return out.null();
  const cfg = c.server.config;
  const fill = cfg.getInt('list-max-listpack-size');
  const listBytes = fill >= 0 ? 8192 : [4096, 8192, 16384, 32768, 65536][Math.min(-fill, 5) - 1];
  const listCount = fill >= 0 ? Math.max(fill, 1) : Infinity;
  out.bulk(dumpValue(v, cfg.get('rdbcompression') !== 'no', listBytes, listCount));
}

/**
 * sanitize-dump-payload: `yes` validates every payload in depth; `clients` too, except while
 * loading and for users with skip-sanitize-payload; `no` checks headers only.
 */
function deepSanitize(c: Client): boolean {
  const mode = c.server.config.get('sanitize-dump-payload');
  if (mode === 'yes') return true;
  if (mode !== 'clients' || c.server.loading) return false;
  return c.aclUser.sanitize !== 1;
}

function restore(c: Client, argv: string[], out: ReplySink): void {
  let replace = false;
  let absttl = false;
  let idle = -1;
  let freq = -1;
  for (let j = 4; j < argv.length; j++) {
    const more = argv.length - j - 1;
    if (is(argv[j], 'replace')) replace = true;
    else if (is(argv[j], 'absttl')) absttl = true;
    else if (is(argv[j], 'idletime') && more >= 1 && freq === -1) {
      const v = parseInt64(argv[++j]);
      if (v === null) throw new ReplyError(ERR.notInteger);
      if (v < 0) throw new ReplyError(ERR.invalidIdletimeValue);
      idle = Number(v);
    } else if (is(argv[j], 'freq') && more >= 1 && idle === -1) {
      const v = parseInt64(argv[++j]);
      if (v === null) throw new ReplyError(ERR.notInteger);
      if (v < 0 || v > 255) throw new ReplyError(ERR.invalidFreqValue);
      freq = Number(v);
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  const db = c.db;
  const key = argv[1];
  if (!replace && db.get(key) !== undefined) throw new ReplyError(ERR.busykeyTargetKeyName);
  const ttlArg = parseInt64(argv[2]);
  if (ttlArg === null) throw new ReplyError(ERR.notInteger);
  if (ttlArg < 0) throw new ReplyError(ERR.invalidTtlValue);
  let ttl = Number(ttlArg);
  const server = c.server;
  if (!verifyPayload(argv[3], server.skipChecksumValidation)) throw new ReplyError(ERR.dumpPayloadVersion);
  const cfg = server.config;
  const v = restoreValue(argv[3], {
    hashMaxEntries: cfg.getInt('hash-max-listpack-entries'),
    hashMaxValue: cfg.getInt('hash-max-listpack-value'),
    zsetMaxEntries: cfg.getInt('zset-max-listpack-entries'),
    zsetMaxValue: cfg.getInt('zset-max-listpack-value'),
    setMaxIntset: cfg.getInt('set-max-intset-entries'),
    deep: deepSanitize(c),
  });
  let value: RedisValue;
  if (v instanceof RdbFormatError) {
    // rdbReportError in a RESTORE: logged at verbose level, and the command fails
    if (v.reason !== '') server.log('verbose', `Internal error in RDB reading offset 0, function at rdb.c:${v.line} -> ${v.reason}`);
    // An embedded server cannot crash: it refuses what Redis would crash on.
    if (v.crash === null || server.onCrash === null) throw new ReplyError(ERR.badDataFormat);
    if (v.value === null) {
      server.bugReport(v.crash.pre, v.crash.lines);
      return;
    }
    value = v.value;
    markCorrupt(c, value as object, v.crash);
  } else value = v;
  const deleted = replace && db.delete(key);
  if (ttl !== 0 && !absttl) ttl += c.server.clock.now();
  if (ttl !== 0 && ttl <= c.server.clock.now() && !c.server.loading) {
    if (deleted) {
      rewriteCommand(c, ['DEL', key]);
      notify(c, 'del', key, db.id);
      c.server.dirty++;
    }
    out.simple('OK');
    return;
  }
  addWith(c, db, key, value, ttl !== 0 ? ttl : undefined, null);
  // a relative TTL is logged as an absolute one
  if (ttl !== 0 && !absttl) rewriteCommand(c, [argv[0], key, String(ttl), ...argv.slice(3), 'ABSTTL']);
  // objectSetLRUOrLFU: IDLETIME counts under LRU (and random) policies, FREQ under LFU ones
  const lfu = isLfu(c);
  if ((lfu ? freq : idle) >= 0) db.setAccessField(key, restoredField(db.lruClock(), c.server.clock.now(), lfu, idle, freq, 0));
  notify(c, 'restore', key, db.id);
  c.server.dirty++;
  out.simple('OK');
}

export const commands: HandlerTable = {
  dump,
  restore,
  del,
  unlink: del,
  exists,
  type,
  touch,
  rename: (c, argv, out) => renameGeneric(c, argv, out, false),
  renamenx: (c, argv, out) => renameGeneric(c, argv, out, true),
  move,
  copy,
  swapdb,
  keys,
  scan,
  randomkey,
  dbsize,
  flushdb,
  flushall,
  expire: (c, argv, out) => expireGeneric(c, argv, out, true, true),
  pexpire: (c, argv, out) => expireGeneric(c, argv, out, true, false),
  expireat: (c, argv, out) => expireGeneric(c, argv, out, false, true),
  pexpireat: (c, argv, out) => expireGeneric(c, argv, out, false, false),
  ttl: (c, argv, out) => ttlGeneric(c, argv, out, false, false),
  pttl: (c, argv, out) => ttlGeneric(c, argv, out, true, false),
  expiretime: (c, argv, out) => ttlGeneric(c, argv, out, false, true),
  pexpiretime: (c, argv, out) => ttlGeneric(c, argv, out, true, true),
  persist,
  'object|help': objectHelp,
  'object|encoding': objectEncoding,
  'object|refcount': objectRefcount,
  'object|idletime': objectIdletime,
  'object|freq': objectFreq,
};
