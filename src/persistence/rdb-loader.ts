/**
 * Reads RDB files of versions 1 to 10 (rdbLoadRio): Redis 7.0's own, and older ones with
 * ziplist, zipmap and quicklist-of-ziplist values, which become 7.0's encodings.
 *
 * The whole file is parsed and checked (checksum included) before anything is installed,
 * so a corrupt or truncated file leaves the dataset as it was: never a partial keyspace.
 */
import { BigMap } from '../util/bigmap.ts';
import type { ServerState, LogLevel } from '../core/state.ts';
import { freshField, lruClockAt, packValue, restoredField, type RedisValue, type Stored } from '../keyspace/db.ts';
import { RdbReader, RdbFormatError, readObject, Crc64, RDB_VERSION, type EncodingLimits } from '../keyspace/rdb.ts';
import { RDB_OP } from './rdb-format.ts';
import { perfNow } from '../util/clock.ts';
import fs from 'node:fs';

export interface RdbLoadOptions {
  /** The RDB preamble of an AOF: keys already expired are kept, as Redis keeps them there. */
  aofPreamble?: boolean;
  /** Keys (and libraries) already present are replaced (DEBUG RELOAD MERGE) instead of failing. */
  merge?: boolean;
  /** The loading log lines ("Loading RDB produced by version ..."); default: the server log. */
  log?: (level: LogLevel, msg: string) => void;
  /** DEBUG SET-SKIP-CHECKSUM-VALIDATION: load even when the CRC does not match. */
  skipChecksum?: boolean;
  /** Bytes of the file held as a string at a time (default 64 MB; it grows for a larger record). */
  windowBytes?: number;
}

/**
 * Where a parser reads a file from: a Buffer in memory, or an open file read a window at a
 * time, so files larger than V8's longest string (about 512 MB) or than one Buffer load too.
 */
export interface RdbSource {
  readonly size: number;
  read(offset: number, length: number): Buffer;
}

export function bufferSource(b: Buffer): RdbSource {
  return { size: b.length, read: (offset, length) => b.subarray(offset, offset + length) };
}

export function fileSource(fd: number, size: number): RdbSource {
  return {
    size,
    read(offset, length) {
      const b = Buffer.allocUnsafe(length);
      let got = 0;
      while (got < length) {
        const n = fs.readSync(fd, b, got, length - got, offset + got);
        if (n === 0) break;
        got += n;
      }
      return got === length ? b : b.subarray(0, got);
    },
  };
}

const DEFAULT_WINDOW = 64 << 20;
/** A window is moved on before fewer than this many bytes remain in it. */
const WINDOW_LOW_WATER = 1 << 20;
/** V8's longest string: no window (so no single record) can be larger. */
const MAX_WINDOW = 0x1fffffe8;

export interface RdbLoadResult {
  keysLoaded: number;
  keysExpired: number;
  emptyKeysSkipped: number;
  /** Offset just past the file's checksum (where an old-style AOF's commands start). */
  end: number;
  /** The aux fields (redis-ver, ctime, aof-base...). */
  aux: Map<string, string>;
}

/**
 * The file cannot be loaded. `lines` are what Redis logs in that case, word for word
 * (e.g. "Short read or OOM loading DB. Unrecoverable error, aborting now.").
 */
export class RdbLoadError extends Error {
  constructor(readonly lines: string[]) {
    super(lines.join('\n'));
  }
}

interface ParsedDb {
  /** Values as stored, with their access fields (Database's `Stored`). */
  data: Map<string, Stored>;
  expires: Map<string, number>;
}

function corrupt(reason: string, line = 0): RdbLoadError {
  return new RdbLoadError([`Internal error in RDB reading offset 0, function at rdb.c:${line} -> ${reason}`]);
}

/** Where the file was when a value failed: what redis-check-rdb's report says about it. */
interface ReadingKey {
  offset: number;
  key: string;
  type: number;
}

const TYPE_NAMES = ['string', 'list-linked', 'set-hashtable', 'zset-v1', 'hash-hashtable', 'zset-v2', 'module-pre-release', 'module-value', '', 'hash-zipmap', 'list-ziplist', 'set-intset', 'zset-ziplist', 'hash-ziplist', 'quicklist', 'stream', 'hash-listpack', 'zset-listpack', 'quicklist-v2', 'stream-v2'];

/**
 * A value the file cannot hold: Redis logs the error, runs its RDB checker over the file
 * (whose report repeats it with the key being read) and exits.
 */
function corruptValue(e: RdbFormatError, at: ReadingKey): RdbLoadError {
  const msg = `Internal error in RDB reading offset 0, function at rdb.c:${e.line} -> ${e.reason !== '' ? e.reason : e.message}`;
  if (e.crash !== null) return new RdbLoadError([...e.crash.pre, ...e.crash.lines]);
  return new RdbLoadError([
    msg,
    '--- RDB ERROR DETECTED ---',
    `[offset ${at.offset}] ${msg}`,
    '[additional info] While doing: read-object-value',
    `[additional info] Reading key '${at.key}'`,
    `[additional info] Reading type ${at.type} (${TYPE_NAMES[at.type] ?? 'unknown'})`,
    'Terminating server after rdb file reading failure.',
  ]);
}

function shortRead(): RdbLoadError {
  return new RdbLoadError([
    'Short read or OOM loading DB. Unrecoverable error, aborting now.',
    'Internal error in RDB reading offset 0, function at rdb.c:3249 -> Unexpected EOF reading RDB file',
  ]);
}

function readLE(s: string, at: number, n: number): number {
  let v = 0;
  for (let k = n - 1; k >= 0; k--) v = v * 256 + s.charCodeAt(at + k);
  return v;
}

/** Loads an RDB file's keys and function libraries into the server; throws RdbLoadError. */
export function loadRdb(state: ServerState, data: Buffer | RdbSource, opts: RdbLoadOptions = {}): RdbLoadResult {
  const p = new RdbParser(state, data, opts);
  while (!p.step(Infinity));
  return p.install();
}

/**
 * Reads a file a slice at a time (`step`), so a server can keep answering (LOADING) while a
 * large file loads; `install` then puts it all in place at once. Errors are RdbLoadErrors.
 */
export class RdbParser {
  /** The window of the file being read: `base` is its offset in the file. */
  private r: RdbReader;
  private base = 0;
  private window: number;
  private readonly source: RdbSource;
  /** The checksum of the bytes before `crcAt`, kept up as the window moves. */
  private readonly crc = new Crc64();
  private crcAt = 0;
  private readonly ver: number;
  private readonly lim: EncodingLimits;
  private readonly log: (level: LogLevel, msg: string) => void;
  private readonly dbs = new Map<number, ParsedDb>();
  /** The aux fields read so far. */
  readonly aux = new Map<string, string>();
  private readonly functions: string[] = [];
  private readonly now: number;
  /** Whether keys get LFU fields (an LFU maxmemory-policy) rather than LRU times. */
  private readonly lfu: boolean;
  private db: ParsedDb | null = null;
  private dbId = 0;
  private expireAt = -1;
  private idle = -1;
  private freq = -1;
  private done = false;
  keysLoaded = 0;
  keysExpired = 0;
  /** Empty collections left out (RDB files of older servers can hold them). */
  emptyKeysSkipped = 0;
  /** Where the value being read starts (-1 between records), its key and type. */
  private readingAt = -1;
  private readingKey = '';
  private readingType = 0;

  constructor(
    private readonly state: ServerState,
    data: Buffer | RdbSource,
    private readonly opts: RdbLoadOptions = {},
  ) {
    this.log = opts.log ?? ((level: LogLevel, msg: string) => state.log(level, msg));
    this.now = state.clock.now();
    this.lfu = state.config.get('maxmemory-policy').includes('lfu');
    this.source = Buffer.isBuffer(data) ? bufferSource(data) : data;
    this.window = Math.max(opts.windowBytes ?? DEFAULT_WINDOW, 16);
    this.r = this.load(0, this.window);
    const s = this.r.s;
    if (s.length < 9 || s.slice(0, 5) !== 'REDIS') {
      throw new RdbLoadError(['Wrong signature trying to load DB from file']);
    }
    this.ver = Number(s.slice(5, 9));
    if (!(this.ver >= 1 && this.ver <= RDB_VERSION)) throw new RdbLoadError([`Can't handle RDB format version ${s.slice(5, 9)}`]);
    const cfg = state.config;
    this.lim = {
      hashMaxEntries: cfg.getInt('hash-max-listpack-entries'),
      hashMaxValue: cfg.getInt('hash-max-listpack-value'),
      zsetMaxEntries: cfg.getInt('zset-max-listpack-entries'),
      zsetMaxValue: cfg.getInt('zset-max-listpack-value'),
      setMaxIntset: cfg.getInt('set-max-intset-entries'),
      // `clients` skips deep validation while loading
      deep: cfg.get('sanitize-dump-payload') === 'yes',
    };
    this.r.pos = 9;
  }

  /** Bytes read so far. */
  get position(): number {
    return this.base + this.r.pos;
  }

  /** A reader over `length` bytes of the file from `at` (fewer at its end). */
  private load(at: number, length: number): RdbReader {
    const b = this.source.read(at, Math.min(length, this.source.size - at));
    const s = b.latin1Slice(0, b.length);
    this.base = at;
    return new RdbReader(s, s.length);
  }

  /** True when the window does not reach the end of the file. */
  private get moreBeyond(): boolean {
    return this.base + this.r.end < this.source.size;
  }

  /** Moves the window to start at `at` (a file offset inside it), checksumming what it leaves. */
  private moveWindow(at: number): void {
    if (at > this.crcAt) {
      this.crc.update(Buffer.from(this.r.s.slice(this.crcAt - this.base, at - this.base), 'latin1'));
      this.crcAt = at;
    }
    this.r = this.load(at, this.window);
  }

  private selectDb(id: number): ParsedDb {
    let d = this.dbs.get(id);
    if (d === undefined) this.dbs.set(id, (d = { data: new BigMap(), expires: new BigMap() }));
    return d;
  }

  /** Reads for up to `budgetMs`; true once the whole file (checksum included) was read. */
  step(budgetMs: number): boolean {
    if (this.done) return true;
    try {
      this.done = this.readRecords(budgetMs);
      if (this.done) this.verifyChecksum();
    } catch (e) {
      if (e instanceof RdbFormatError) throw e.eof ? shortRead() : this.readingAt >= 0 ? corruptValue(e, { offset: this.readingAt, key: this.readingKey, type: this.readingType }) : corrupt(e.message, e.line);
      throw e;
    }
    return this.done;
  }

  private readRecords(budgetMs: number): boolean {
    const start = budgetMs === Infinity ? 0 : perfNow();
    let n = 0;
    for (;;) {
      if (budgetMs !== Infinity && (++n & 255) === 0 && perfNow() - start >= budgetMs) return false;
      if (this.r.end - this.r.pos < Math.min(WINDOW_LOW_WATER, this.window >> 2) && this.moreBeyond) this.moveWindow(this.position);
      const at = this.r.pos;
      try {
        if (this.readRecord()) return true;
      } catch (e) {
        // a record running past the window: read it again from a window that holds it
        if (!(e instanceof RdbFormatError && e.eof && this.moreBeyond)) throw e;
        if (at === 0) {
          if (this.window >= MAX_WINDOW) throw e;
          this.window = Math.min(this.window * 2, MAX_WINDOW);
        }
        this.moveWindow(this.base + at);
      }
    }
  }

  /** One record (an opcode, or a key with its value); true at EOF. */
  private readRecord(): boolean {
    const r = this.r;
    const log = this.log;
    {
      const type = r.byte();
      if (type === RDB_OP.EXPIRETIME) {
        this.expireAt = readLE(r.bytes(4), 0, 4) * 1000;
        return false;
      }
      if (type === RDB_OP.EXPIRETIME_MS) {
        const b = r.bytes(8);
        this.expireAt = Number(Buffer.from(b, 'latin1').readBigInt64LE(0));
        return false;
      }
      if (type === RDB_OP.FREQ) {
        this.freq = r.byte();
        return false;
      }
      if (type === RDB_OP.IDLE) {
        this.idle = Number(r.len64());
        return false;
      }
      if (type === RDB_OP.EOF) return true;
      if (type === RDB_OP.SELECTDB) {
        this.dbId = r.len();
        if (this.dbId >= this.state.dbs.length) {
          throw new RdbLoadError([
            `FATAL: Data file was created with a Redis server configured to handle more than ${this.state.dbs.length} databases. Exiting`,
          ]);
        }
        this.db = null;
        return false;
      }
      if (type === RDB_OP.RESIZEDB) {
        r.len64();
        r.len64();
        return false;
      }
      if (type === RDB_OP.AUX) {
        const k = r.string();
        const v = r.string();
        this.aux.set(k, v);
        if (k === 'redis-ver') log('notice', `Loading RDB produced by version ${v}`);
        else if (k === 'ctime') {
          const age = Math.floor(this.now / 1000) - Number(v);
          log('notice', `RDB age ${age < 0 ? 0 : age} seconds`);
        } else if (k === 'used-mem') log('notice', `RDB memory usage when created ${(Number(v) / (1024 * 1024)).toFixed(2)} Mb`);
        return false;
      }
      if (type === RDB_OP.MODULE_AUX) {
        throw corrupt("The RDB file contains AUX module data I can't load: no matching module");
      }
      if (type === RDB_OP.FUNCTION_PRE_GA) throw new RdbLoadError(['Pre-release function format not supported.']);
      if (type === RDB_OP.FUNCTION2) {
        this.functions.push(r.string());
        return false;
      }
      if (type === 6 || type === 7 || type === 8 || type > 19) throw corrupt(`Unknown RDB encoding type ${type}`);
      const key = r.string();
      this.readingAt = this.base + r.pos;
      this.readingKey = key;
      this.readingType = type;
      let value: RedisValue;
      try {
        value = readObject(r, type, this.lim);
      } catch (e) {
        if (!(e instanceof RdbFormatError) || !e.empty) throw e;
        // rdbLoadObject's empty collections (older servers could write them) are dropped
        log('warning', `rdbLoadObject skipping empty key: ${key}`);
        this.emptyKeysSkipped++;
        this.readingAt = -1;
        this.expireAt = -1;
        this.idle = this.freq = -1;
        return false;
      }
      this.readingAt = -1;
      const when = this.expireAt;
      this.expireAt = -1;
      const keyIdle = this.idle;
      const keyFreq = this.freq;
      this.idle = this.freq = -1;
      // rdbLoad skips keys already expired, except in an AOF preamble (the AOF deletes them).
      if (this.opts.aofPreamble !== true && when !== -1 && when < this.now) {
        this.keysExpired++;
        return false;
      }
      const db = (this.db ??= this.selectDb(this.dbId));
      const size = db.data.size;
      // rdbLoad's objectSetLRUOrLFU, against the clock read when loading started
      const lfu = this.lfu;
      const fresh = freshField(this.now, lfu);
      const field = keyIdle < 0 && keyFreq < 0 ? fresh : restoredField(lruClockAt(this.now), this.now, lfu, keyIdle, keyFreq, fresh);
      db.data.set(key, packValue(value, field));
      if (db.data.size === size) {
        if (this.opts.merge !== true) throw new RdbLoadError([`RDB has duplicated key '${key}' in DB ${this.dbId}`, 'Duplicated key found in RDB file']);
        db.expires.delete(key);
      }
      if (when !== -1) db.expires.set(key, when);
      this.keysLoaded++;
      return false;
    }
  }

  private verifyChecksum(): void {
    if (this.ver < 5) return;
    if (this.r.end - this.r.pos < 8 && this.moreBeyond) this.moveWindow(this.position);
    const r = this.r;
    const end = r.pos;
    const stored = Buffer.from(r.bytes(8), 'latin1');
    if (this.state.config.get('rdbchecksum') !== 'yes' || this.opts.skipChecksum === true || this.state.skipChecksumValidation) return;
    if (stored.every((b) => b === 0)) {
      this.log('warning', 'RDB file was saved with checksum disabled: no check performed.');
      return;
    }
    const crc = this.crc;
    crc.update(Buffer.from(r.s.slice(this.crcAt - this.base, end), 'latin1'));
    this.crcAt = this.base + end;
    const mine = crc.digest();
    if (!mine.equals(stored)) {
      throw new RdbLoadError([
        `Wrong RDB checksum expected: (${stored.readBigUInt64LE(0).toString(16)}) but got (${mine.readBigUInt64LE(0).toString(16)}). Aborting now.`,
        'Internal error in RDB reading offset 0, function at rdb.c:3225 -> RDB CRC error',
      ]);
    }
  }

  /** Puts everything read into the server (call once step() returned true). */
  install(): RdbLoadResult {
    if (!this.done) throw new Error('the file was not read to its end');
    install(this.state, this.dbs, this.functions, this.opts.merge === true);
    return { keysLoaded: this.keysLoaded, keysExpired: this.keysExpired, emptyKeysSkipped: this.emptyKeysSkipped, end: this.position, aux: this.aux };
  }
}

/** Puts what a file held into the server, once all of it was read without error. */
function install(state: ServerState, dbs: Map<number, ParsedDb>, functions: string[], merge: boolean): void {
  if (!merge) {
    for (const [id, parsed] of dbs) {
      const target = state.dbs[id];
      if (target.data.size === 0) continue;
      for (const key of parsed.data.keys()) {
        if (target.data.has(key)) throw new RdbLoadError([`RDB has duplicated key '${key}' in DB ${id}`, 'Duplicated key found in RDB file']);
      }
    }
  }
  if (functions.length !== 0) {
    const libs = state.functionLibraries;
    if (libs === null) throw new RdbLoadError(['Failed loading library, functions are not available']);
    for (const code of functions) {
      const err = libs.load(code, merge);
      if (err !== null) throw new RdbLoadError([`Failed loading library, ${err}`, 'Failed loading functions from RDB file']);
    }
  }
  for (const [id, parsed] of dbs) {
    const target = state.dbs[id];
    if (target.data.size === 0 && target.expires.size === 0) {
      // the common case (startup, DEBUG RELOAD): adopt the maps as they are
      target.data = parsed.data;
      target.expires = parsed.expires;
    } else {
      for (const [key, value] of parsed.data) {
        target.data.set(key, value);
        const when = parsed.expires.get(key);
        if (when !== undefined) target.expires.set(key, when);
        else target.expires.delete(key);
        target.rawStrings.delete(key);
        target.plainStrings.delete(key);
      }
    }
    target.recountMemory();
  }
}
