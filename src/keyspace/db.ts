import { ReplyError, ERR } from '../errors.ts';
import { DictShape, type ExpandGuard } from './dict-shape.ts';
import { ScanCursors } from './scan.ts';
import { BigMap } from '../util/bigmap.ts';
import { keyBytes, stringValueBytes, textStringValueBytes, objectBytes, dictBuckets } from './memsize.ts';
import { dateNow, setTimeout } from '../util/clock.ts';
import { flatten } from '../util/packed-string.ts';

/** Every non-string value type implements this; `type` is what TYPE replies. */
export interface RObject {
  readonly type: 'list' | 'hash' | 'set' | 'zset' | 'stream';
  /** A deep copy (COPY; values must never be shared between keys). */
  clone(): RObject;
  /**
   * OBJECT ENCODING as Redis 7.0 would report it. Types follow Redis's conversion rules
   * (e.g. listpack to hashtable once a threshold is passed, never back) at mutation time,
   * when handlers pass them the configured limits.
   */
  encoding(): string;
  /** How many elements it holds: list length, hash fields, set or zset members, stream entries. */
  readonly size: number;
  /**
   * Memory accounting (memsize.ts): the element count at which `memEst`, this value's bytes
   * in Redis's terms, was last estimated (-1: never), and that estimate.
   */
  memAt: number;
  memEst: number;
  memEnc: string;
  /**
   * Redis's robj `lru` field while the value is a key's: the 24-bit LRU clock of its last
   * access, or under an LFU policy (minutes << 8) | logarithmic counter. Set by Database.
   */
  lru: number;
}

/** A string value is a byte string; a key's copy of it carries its access field (`Stored`). */
export type RedisValue = string | RObject;

/**
 * What a database's `data` map holds per key: a collection (its own `lru` field holds the
 * access field), or a string value behind three characters holding the 24-bit access field
 * (high byte first). Packing the field into the string costs no extra object per key: short
 * values often fit in the same heap block (V8 rounds strings up to 8 bytes). Read values
 * through `storedValue`, never directly.
 */
export type Stored = RedisValue;

/** The value a stored entry holds. */
export function storedValue(s: Stored): RedisValue {
  return typeof s === 'string' ? s.slice(3) : s;
}

/** The access field a stored entry carries (Redis's robj `lru`). */
export function storedField(s: Stored): number {
  return typeof s === 'string' ? (s.charCodeAt(0) << 16) | (s.charCodeAt(1) << 8) | s.charCodeAt(2) : s.lru;
}

/** A value as stored with the given access field (strings are copied, collections updated). */
export function packValue(v: RedisValue, field: number): Stored {
  if (typeof v !== 'string') {
    v.lru = field;
    return v;
  }
  return flatten(fieldChars(field) + v);
}

function fieldChars(field: number): string {
  return String.fromCharCode((field >>> 16) & 255, (field >>> 8) & 255, field & 255);
}

/** Redis's LRU clock: seconds modulo 2^24. */
export function lruClockAt(ms: number): number {
  return Math.floor(ms / 1000) & LRU_CLOCK_MAX;
}

/** The field of a value just created (createObject): the LRU clock, or LFU's initial counter. */
export function freshField(ms: number, lfu: boolean): number {
  return lfu ? (lfuMinutes(ms) << 8) | LFU_INIT_VAL : lruClockAt(ms);
}

/**
 * objectSetLRUOrLFU: the field of a value loaded or restored with an idle time (LRU policies)
 * or a frequency (LFU policies); -1 for either when absent, which leaves `fresh` as it is.
 */
export function restoredField(clock: number, ms: number, lfu: boolean, idle: number, freq: number, fresh: number): number {
  if (lfu) return freq >= 0 ? (lfuMinutes(ms) << 8) | (freq & 255) : fresh;
  if (idle < 0) return fresh;
  let at = clock - idle;
  if (at < 0) at += LRU_CLOCK_MAX;
  return at & LRU_CLOCK_MAX;
}

/** estimateObjectIdleTime in seconds, over the wrapping 24-bit clock. */
export function idleSecondsOf(field: number, clock: number): number {
  return clock >= field ? clock - field : clock + (LRU_CLOCK_MAX - field);
}

/** LRU_CLOCK_MAX: the clock's mask. */
const LRU_CLOCK_MAX = 0xffffff;

export type ValueType = 'string' | RObject['type'];

export function typeOf(v: RedisValue): ValueType {
  return typeof v === 'string' ? 'string' : v.type;
}

/** What a database tells its owner about, so WATCH, blocking and notifications stay out of here. */
export interface KeyspaceEvents {
  /**
   * A key's value changed or vanished (signalModifiedKey). `byServer`: the server removed it
   * (expiry), not the client running the command, which matters to BCAST NOLOOP tracking.
   */
  modified(db: Database, key: string, byServer?: boolean): void;
  /** A key expired and was removed (for the `expired` keyspace event). */
  expired(db: Database, key: string): void;
  /** True while `n` (new key) notifications are on: set() then reports keys it creates. */
  readonly newKeyEvents?: boolean;
  /**
   * False while a child process runs (a BGSAVE): tables then grow only when very full, as
   * Redis's dict_can_resize (see dict-shape.ts).
   */
  readonly resizeAllowed?: boolean;
  /**
   * The main table's dictExpandAllowed: may it grow by `bytes` of buckets now, at `fill`
   * entries per bucket? (Redis refuses under maxmemory when the table is not overfull.)
   */
  readonly expandAllowed?: ExpandGuard;
  /** A key was created (the `new` keyspace event, as Redis's dbAdd). */
  newKey?(db: Database, key: string): void;
  /** True while a read-only command runs: its lookups count as keyspace hits and misses. */
  readonly inReadCommand?: boolean;
  /** A read-only command's lookup found the key (hit) or not (miss: the `keymiss` event). */
  readLookup?(db: Database, key: string, hit: boolean): void;
  /**
   * True while clients are paused (CLIENT PAUSE): the dataset stays as it is, so an expired
   * key reads as missing but is not removed until the pause ends.
   */
  readonly expiryPaused?: boolean;
  /** FLUSHDB/FLUSHALL of one database starts (true) and ends (false): tracking sends one null. */
  flushing?(db: Database, start: boolean): void;
  /**
   * All of a database's keys are about to be replaced (a snapshot restore): `before` holds
   * the keys now, `after` the ones that follow. Without it, every key of both is signalled
   * `modified`; a listener that knows which keys it cares about (WATCH) does less work.
   */
  replaced?(db: Database, before: ReadonlyMap<string, unknown>, after: ReadonlyMap<string, unknown>): void;
}

/** The maps that make up a database's data: what a snapshot copies (src/keyspace/snapshot.ts). */
export interface DatabaseContents {
  /** Values as stored (see `Stored`). */
  data: Map<string, Stored>;
  /** Absolute expiry times in ms. */
  expires: Map<string, number>;
  rawStrings: Set<string>;
  plainStrings: Map<string, 'embstr' | 'unshared'>;
}

/**
 * One logical database: keys to values, keys to absolute expiry times in ms.
 * Knows nothing of RESP. Expiry is lazy on access plus an active sweep (`sweepExpired`).
 */
export class Database {
  // BigMap: past V8's 2^24 entries per Map (util/bigmap.ts)
  /** Key → value as stored, with its access field (see `Stored`). */
  data: Map<string, Stored> = new BigMap<string, Stored>();
  expires: Map<string, number> = new BigMap<string, number>();
  /** Keys whose string value Redis would report as `raw` though short (APPEND, SETRANGE...). */
  rawStrings = new Set<string>();
  /**
   * Strings whose object is not what tryObjectEncoding makes of the value: `embstr` for
   * integer-looking values stored as plain strings (INCRBYFLOAT), `unshared` for an int
   * object that is not one of the shared integers (a COPY). Cleared by set(), like rawStrings.
   */
  plainStrings = new Map<string, 'embstr' | 'unshared'>();
  /**
   * Under an LFU maxmemory-policy every key's access field is Redis's LFU field instead of an
   * LRU time: (minutes & 0xffff) << 8 | logarithmic counter, incremented on access.
   */
  lfu = false;
  lfuLogFactor = 10;
  lfuDecayTime = 1;
  /** The shape Redis's main dict would have (DEBUG HTSTATS, used_memory's buckets). */
  keysShape = new DictShape();
  /** Live SCAN/HSCAN/SSCAN/ZSCAN iterations (see scan.ts). */
  readonly scanCursors = new ScanCursors();
  private lruNow = 0;
  private lruStale = true;
  /** The last access field turned into characters, and those characters (most writes share them). */
  private prefixField = -1;
  private prefixChars = '';
  private readonly lruExpire = (): void => {
    this.lruStale = true;
  };
  private sweepCursor: IterableIterator<[string, number]> | null = null;
  /**
   * Keys and values in Redis's terms (memsize.ts), kept as keys come and go and values
   * change: dictEntry, key sds and value object of every key. Tables are added by usedMemory.
   */
  private memBytes = 0;
  /**
   * Set while a background save runs (src/persistence/bgsave.ts): called before a key
   * changes, or may change (looked up outside a read-only command), so the save can write
   * it as it was when the save started. A null key: the whole database is about to change.
   */
  saveHook: ((db: Database, key: string | null) => void) | null = null;

  constructor(
    readonly id: number,
    private readonly events: KeyspaceEvents,
    /** Returns the current time in ms; injectable so expiry can be tested and paused. */
    private readonly now: () => number = dateNow,
  ) {}

  get size(): number {
    return this.data.size;
  }

  /** Removes the key if its time has passed; true when it did. */
  private expireIfNeeded(key: string): boolean {
    const when = this.expires.get(key);
    if (when === undefined || when > this.now()) return false;
    if (this.events.expiryPaused !== true) this.removeExpired(key);
    return true;
  }

  private removeExpired(key: string): void {
    const old = this.data.get(key);
    if (old !== undefined) this.memBytes -= keyBytes(key) + storedBytes(old);
    if (this.saveHook !== null) this.saveHook(this, key);
    this.data.delete(key);
    this.expires.delete(key);
    this.rawStrings.delete(key);
    this.plainStrings.delete(key);
    this.events.expired(this, key);
    this.events.modified(this, key, true);
  }

  /**
   * The value at key, or undefined (expired keys are removed first). A lookup that finds it
   * counts as an access (lookupKey), except while a child process saves.
   */
  get(key: string): RedisValue | undefined {
    if (this.saveHook !== null && this.events.inReadCommand !== true) this.saveHook(this, key);
    const raw = this.data.get(key);
    if (raw === undefined || (this.expires.size !== 0 && this.expireIfNeeded(key))) {
      if (this.events.inReadCommand === true) this.events.readLookup!(this, key, false);
      return undefined;
    }
    if (this.events.inReadCommand === true) this.events.readLookup!(this, key, true);
    if (typeof raw !== 'string') {
      if (this.events.resizeAllowed !== false) raw.lru = this.accessed(raw.lru);
      return raw;
    }
    const v = raw.slice(3);
    if (this.events.resizeAllowed !== false) {
      const field = storedField(raw);
      const next = this.accessed(field);
      if (next !== field) this.data.set(key, this.pack(v, next));
    }
    return v;
  }

  /**
   * The length of the string at key, looked up as getString() does, without reading the
   * value out (STRLEN and APPEND on a string built by appends: no copy of it).
   */
  stringLength(key: string): number | undefined {
    const raw = this.data.get(key);
    if (typeof raw !== 'string' || this.saveHook !== null || this.events.inReadCommand === true || this.events.resizeAllowed === false) {
      const v = this.getString(key);
      return v === undefined ? undefined : v.length;
    }
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    const field = storedField(raw);
    const next = this.accessed(field);
    if (next !== field) this.data.set(key, this.pack(raw.slice(3), next));
    return raw.length - 3;
  }

  /**
   * APPEND to the live string at key (just looked up by the caller, so its field is
   * current): the stored string grows by concatenation, which V8 keeps as a rope until it
   * is read, so a run of appends costs no copy of what is already there. Returns the length.
   */
  appendString(key: string, add: string): number {
    if (this.saveHook !== null) this.saveHook(this, key);
    const raw = this.data.get(key) as string;
    const next = raw + add;
    this.memBytes += storedBytes(next) - storedBytes(raw);
    this.data.set(key, next);
    if (this.plainStrings.size !== 0) this.plainStrings.delete(key);
    this.events.modified(this, key);
    return next.length - 3;
  }

  /**
   * Whether the key exists, looked up as get() does (an access): a write about to replace
   * it (SET) needs no copy of the value.
   */
  lookupForWrite(key: string): boolean {
    const raw = this.data.get(key);
    if (raw === undefined || typeof raw !== 'string' || this.events.inReadCommand === true || this.saveHook !== null) {
      return raw !== undefined && this.get(key) !== undefined;
    }
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return false;
    if (this.events.resizeAllowed !== false) {
      const field = storedField(raw);
      const next = this.accessed(field);
      if (next !== field) this.data.set(key, this.pack(raw.slice(3), next));
    }
    return true;
  }

  /** Like get() but leaves the access time alone (Redis's LOOKUP_NOTOUCH: TYPE, TTL, OBJECT...). */
  peek(key: string): RedisValue | undefined {
    if (this.saveHook !== null && this.events.inReadCommand !== true) this.saveHook(this, key);
    const raw = this.data.get(key);
    if (raw === undefined) return undefined;
    if (this.expires.size !== 0 && this.expireIfNeeded(key)) return undefined;
    return typeof raw === 'string' ? raw.slice(3) : raw;
  }

  /** The value in the table, expired or not, without touching it (DEBUG OBJECT). */
  valueAt(key: string): RedisValue | undefined {
    const raw = this.data.get(key);
    return raw === undefined ? undefined : storedValue(raw);
  }

  /** Every key and value in the table, expired or not, in table order (saves, digests). */
  *entries(): IterableIterator<[string, RedisValue]> {
    for (const [key, raw] of this.data) yield [key, storedValue(raw)];
  }

  /** A field after an access: the LRU clock now, or the LFU counter decayed then incremented. */
  private accessed(field: number): number {
    if (!this.lfu) return this.lruStale ? this.lruClock() : this.lruNow;
    let counter = this.decayed(field);
    // LFULogIncr: the higher the counter, the less likely an access increments it.
    if (counter < 255) {
      const base = Math.max(0, counter - LFU_INIT_VAL);
      if (Math.random() < 1 / (base * this.lfuLogFactor + 1)) counter++;
    }
    return (lfuMinutes(this.now()) << 8) | counter;
  }

  /** LFUDecrAndReturn: the counter less one per lfu-decay-time minutes since the field's time. */
  lfuFreqOf(field: number): number {
    return this.decayed(field);
  }

  private decayed(field: number): number {
    const counter = field & 255;
    const ldt = field >>> 8;
    const now = lfuMinutes(this.now());
    const elapsed = now >= ldt ? now - ldt : 65535 - ldt + now;
    const periods = this.lfuDecayTime > 0 ? Math.floor(elapsed / this.lfuDecayTime) : 0;
    return periods > counter ? 0 : counter - periods;
  }

  /** The field of a key created now (createObject). */
  private freshField(): number {
    return this.lfu ? (lfuMinutes(this.now()) << 8) | LFU_INIT_VAL : this.lruStale ? this.lruClock() : this.lruNow;
  }

  /** A string with its field in front, the field's characters reused while the clock stands. */
  private pack(v: string, field: number): string {
    if (field !== this.prefixField) {
      this.prefixField = field;
      this.prefixChars = fieldChars(field);
    }
    return flatten(this.prefixChars + v);
  }

  /** OBJECT FREQ: the key's LFU counter after decay (LFUDecrAndReturn). */
  lfuFreq(key: string): number {
    const raw = this.data.get(key);
    return raw === undefined ? LFU_INIT_VAL : this.decayed(storedField(raw));
  }

  /** The key's access field (Redis's robj `lru`): its LRU time, or its LFU field. */
  lastAccess(key: string): number {
    const raw = this.data.get(key);
    return raw === undefined ? this.lruClock() : storedField(raw);
  }

  /** Sets a key's access field (RESTORE IDLETIME/FREQ); no-op when the key is absent. */
  setAccessField(key: string, field: number): void {
    const raw = this.data.get(key);
    if (raw === undefined) return;
    if (typeof raw === 'string') this.data.set(key, this.pack(raw.slice(3), field));
    else raw.lru = field;
  }

  /**
   * Redis's LRU_CLOCK(): seconds modulo 2^24, cached for up to 100ms so lookups don't read
   * the system clock each time.
   */
  lruClock(): number {
    if (this.lruStale) {
      this.lruNow = lruClockAt(this.now());
      this.lruStale = false;
      setTimeout(this.lruExpire, 100).unref();
    }
    return this.lruNow;
  }

  has(key: string): boolean {
    return this.peek(key) !== undefined;
  }

  /** The string at key, undefined when absent; WRONGTYPE for other types. */
  getString(key: string): string | undefined {
    const v = this.get(key);
    if (v === undefined || typeof v === 'string') return v;
    throw new ReplyError(ERR.wrongType);
  }

  /** The value at key if it has the given type, undefined when absent; WRONGTYPE otherwise. */
  getTyped<T extends RObject>(key: string, type: RObject['type']): T | undefined {
    const v = this.get(key);
    if (v === undefined) return undefined;
    if (typeof v === 'string' || v.type !== type) throw new ReplyError(ERR.wrongType);
    return v as T;
  }

  /** Sets a value, dropping any TTL unless keepTtl. Signals the modification. */
  set(key: string, value: RedisValue, keepTtl = false): void {
    // lookupKeyWrite: an expired key is removed (and its deletion reported) before the write
    if (this.expires.size !== 0 && this.expires.has(key)) this.expireIfNeeded(key);
    if (this.saveHook !== null) this.saveHook(this, key);
    const old = this.data.get(key);
    let field: number;
    if (old === undefined) {
      if (this.events.newKeyEvents === true) this.events.newKey?.(this, key);
      this.keysShape.beforeAdd(this.data.size, this.events.resizeAllowed !== false, this.events.expandAllowed);
      if (this.keysShape.rehashIdx >= 0) this.keysShape.added(key);
      this.memBytes += keyBytes(key);
      field = this.freshField();
    } else {
      this.memBytes -= storedBytes(old);
      // dbSetValue: a new object has the clock's time, but under LFU inherits the counter
      field = this.lfu ? storedField(old) : this.lruStale ? this.lruClock() : this.lruNow;
    }
    if (typeof value === 'string') {
      this.memBytes += stringValueBytes(value);
      this.data.set(key, this.pack(value, field));
    } else {
      this.memBytes += this.estimate(value);
      value.lru = field;
      this.data.set(key, value);
    }
    if (!keepTtl && this.expires.size !== 0) this.expires.delete(key);
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.plainStrings.size !== 0) this.plainStrings.delete(key);
    this.events.modified(this, key);
  }

  /**
   * Adds a string key unless a live one exists (DEBUG POPULATE's loop); true when added.
   * What has() then set() would do for a new key, with one table lookup fewer: memory
   * accounting, access time, the `new` event and the modification signal.
   */
  addIfAbsent(key: string, value: string): boolean {
    if (this.saveHook !== null) this.saveHook(this, key);
    const data = this.data;
    if (data.get(key) !== undefined) {
      if (this.expires.size === 0 || !this.expireIfNeeded(key)) return false;
      // Expired: set() replaces it as a write would (also while expiry is paused).
      this.set(key, value);
      return true;
    }
    this.insertNew(key, value);
    return true;
  }

  /**
   * Adds a string key the caller knows is absent from the table, expired or not (DEBUG
   * POPULATE into an empty database): addIfAbsent without its lookup.
   */
  addNew(key: string, value: string): void {
    if (this.saveHook !== null) this.saveHook(this, key);
    this.insertNew(key, value);
  }

  private insertNew(key: string, value: string): void {
    if (this.events.newKeyEvents === true) this.events.newKey?.(this, key);
    this.keysShape.beforeAdd(this.data.size, this.events.resizeAllowed !== false, this.events.expandAllowed);
    if (this.keysShape.rehashIdx >= 0) this.keysShape.added(key);
    this.memBytes += keyBytes(key) + stringValueBytes(value);
    const data = this.data;
    const stored = this.pack(value, this.freshField());
    if (data instanceof BigMap) data.setNew(key, stored);
    else data.set(key, stored);
    this.events.modified(this, key);
  }

  /**
   * INCR and its kin: the string `old` just read at key (so live) becomes `value`, keeping
   * the TTL. The caller knows both values' byte figures (memsize.ts), which saves
   * re-measuring them and set()'s second lookup.
   */
  replaceString(key: string, value: string, oldBytes: number, newBytes: number): void {
    if (this.saveHook !== null) this.saveHook(this, key);
    this.memBytes += newBytes - oldBytes;
    const field = this.lfu ? this.lastAccess(key) : this.lruStale ? this.lruClock() : this.lruNow;
    this.data.set(key, this.pack(value, field));
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.plainStrings.size !== 0) this.plainStrings.delete(key);
    this.events.modified(this, key);
  }

  /**
   * Replaces the value of an existing key in place, keeping its TTL (APPEND, INCR...).
   * Same as set(key, value, true); named for intent.
   */
  update(key: string, value: RedisValue): void {
    this.set(key, value, true);
  }

  /** Deletes a key; true when it existed. Signals the modification. */
  delete(key: string): boolean {
    const old = this.peek(key);
    if (old === undefined) return false;
    if (this.saveHook !== null) this.saveHook(this, key);
    this.memBytes -= keyBytes(key) + valueBytes(old);
    this.data.delete(key);
    if (this.expires.size !== 0) this.expires.delete(key);
    if (this.rawStrings.size !== 0) this.rawStrings.delete(key);
    if (this.plainStrings.size !== 0) this.plainStrings.delete(key);
    this.events.modified(this, key);
    return true;
  }

  /** Tells watchers a value was changed in place (e.g. a list push). */
  touch(key: string): void {
    const v = this.data.get(key);
    if (v !== undefined && typeof v !== 'string') {
      const before = v.memEst;
      this.memBytes += this.estimate(v) - before;
    }
    this.events.modified(this, key);
  }

  /**
   * A collection's bytes in Redis's terms, re-sampled only when its size moved by more than
   * an eighth (or its encoding changed) since the last estimate, else scaled from it: O(1)
   * on the write path. Updates the value's memAt/memEst.
   */
  private estimate(v: RObject): number {
    const n = elementCount(v);
    const at = v.memAt;
    const enc = v.encoding();
    if (at > 0 && n > 0 && Math.abs(n - at) * 8 <= at && enc === v.memEnc) {
      v.memEst = Math.round((v.memEst * n) / at);
    } else {
      v.memEnc = enc;
      v.memEst = objectBytes(v);
    }
    v.memAt = n;
    return v.memEst;
  }

  /** This database's share of used_memory: keys, values, expires and both dict tables. */
  usedMemory(): number {
    return this.memBytes + 8 * this.keysShape.buckets + 8 * dictBuckets(this.expires.size) + 32 * this.expires.size;
  }

  /** Recounts the keyspace's bytes from scratch (after contents were loaded or replaced wholesale). */
  recountMemory(): void {
    let bytes = 0;
    for (const [key, v] of this.data) {
      bytes += keyBytes(key);
      if (typeof v === 'string') {
        bytes += stringValueBytes(v.slice(3));
      } else {
        v.memAt = -1;
        bytes += this.estimate(v);
      }
    }
    this.memBytes = bytes;
    this.keysShape.reset(this.data.size);
  }

  /** Absolute expiry in ms, or undefined when the key has none (call after a get). */
  getExpire(key: string): number | undefined {
    return this.expires.get(key);
  }

  setExpire(key: string, whenMs: number): void {
    if (this.saveHook !== null) this.saveHook(this, key);
    this.expires.set(key, whenMs);
    this.events.modified(this, key);
  }

  /** Removes the TTL; true when there was one. */
  persist(key: string): boolean {
    if (this.saveHook !== null) this.saveHook(this, key);
    const had = this.expires.delete(key);
    if (had) this.events.modified(this, key);
    return had;
  }

  /** Live keys, expired ones skipped (and removed). Safe to modify the db while iterating. */
  *keys(): IterableIterator<string> {
    for (const key of this.data.keys()) {
      if (this.expires.size !== 0 && this.expireIfNeeded(key)) continue;
      yield key;
    }
  }

  /** A random live key, or undefined when empty. */
  randomKey(): string | undefined {
    for (let tries = 0; tries < 100 && this.data.size > 0; tries++) {
      const skip = Math.floor(Math.random() * Math.min(this.data.size, 4096));
      let i = 0;
      for (const key of this.data.keys()) {
        if (i++ < skip) continue;
        if (!this.expireIfNeeded(key)) return key;
        break;
      }
    }
    return undefined;
  }

  /** Removes every key; returns how many there were. Signals each (WATCH). */
  flush(): number {
    if (this.saveHook !== null) this.saveHook(this, null);
    const n = this.data.size;
    this.events.flushing?.(this, true);
    for (const key of this.data.keys()) this.events.modified(this, key);
    this.events.flushing?.(this, false);
    this.data.clear();
    this.expires.clear();
    this.rawStrings.clear();
    this.plainStrings.clear();
    this.sweepCursor = null;
    this.memBytes = 0;
    this.keysShape.reset();
    return n;
  }

  /**
   * Active expiry: examines up to `budget` keys with a TTL, continuing where the last call
   * stopped, and removes the expired ones. Returns how many were removed.
   */
  sweepExpired(budget: number): number {
    if (this.expires.size === 0) return 0;
    const now = this.now();
    let removed = 0;
    let wrapped = false;
    let cursor = this.sweepCursor ?? this.expires.entries();
    while (budget-- > 0) {
      const r = cursor.next();
      if (r.done) {
        if (wrapped) break;
        wrapped = true;
        cursor = this.expires.entries();
        continue;
      }
      const [key, when] = r.value;
      if (when <= now) {
        this.removeExpired(key);
        removed++;
      }
    }
    this.sweepCursor = cursor;
    return removed;
  }

  /**
   * Replaces every key at once (a snapshot restore): watchers of every key present before
   * or after are told, as Redis's touchAllWatchedKeysInDb does for an emptied and replaced
   * database, and tracking sees one flush. Access fields come with the values.
   */
  replaceContents(next: DatabaseContents): void {
    const before = this.data;
    this.events.flushing?.(this, true);
    if (this.events.replaced !== undefined) {
      this.events.replaced(this, before, next.data);
    } else {
      for (const key of before.keys()) this.events.modified(this, key);
      for (const key of next.data.keys()) if (!before.has(key)) this.events.modified(this, key);
    }
    this.events.flushing?.(this, false);
    this.data = next.data;
    this.expires = next.expires;
    this.rawStrings = next.rawStrings;
    this.plainStrings = next.plainStrings;
    this.keysShape.reset(next.data.size);
    this.sweepCursor = null;
    this.recountMemory();
  }

  /**
   * The clock jumped (the `time` API): removes every key now due, as Redis's active expiry
   * would have by then, and forgets the cached LRU clock. Returns how many were removed.
   */
  expireAllDue(): number {
    this.lruStale = true;
    this.sweepCursor = null;
    if (this.expires.size === 0) return 0;
    const now = this.now();
    let removed = 0;
    for (const [key, when] of this.expires) {
      if (when > now) continue;
      this.removeExpired(key);
      removed++;
    }
    return removed;
  }

  /** Exchanges the contents of two databases (SWAPDB); the Database objects stay put. */
  swapWith(other: Database): void {
    if (this.saveHook !== null) this.saveHook(this, null);
    if (other.saveHook !== null) other.saveHook(other, null);
    [this.data, other.data] = [other.data, this.data];
    [this.expires, other.expires] = [other.expires, this.expires];
    [this.rawStrings, other.rawStrings] = [other.rawStrings, this.rawStrings];
    [this.plainStrings, other.plainStrings] = [other.plainStrings, this.plainStrings];
    [this.memBytes, other.memBytes] = [other.memBytes, this.memBytes];
    [this.keysShape, other.keysShape] = [other.keysShape, this.keysShape];
    this.sweepCursor = other.sweepCursor = null;
  }
}

/** New objects start with this LFU counter (LFU_INIT_VAL). */
const LFU_INIT_VAL = 5;

/** Redis's LFUGetTimeInMinutes: unix minutes, 16 bits. */
function lfuMinutes(ms: number): number {
  return Math.floor(ms / 60000) & 0xffff;
}

/** A value's bytes as last accounted: strings by formula, collections by their last estimate. */
function valueBytes(v: RedisValue): number {
  return typeof v === 'string' ? stringValueBytes(v) : v.memEst;
}

/** valueBytes of a stored entry. */
function storedBytes(s: Stored): number {
  if (typeof s !== 'string') return s.memEst;
  // Text that cannot be an integer needs only its length (and a rope is not flattened).
  const c = s.length > 3 ? s.charCodeAt(3) : 0;
  return s.length > 23 || !((c >= 48 && c <= 57) || c === 45) ? textStringValueBytes(s.length - 3) : stringValueBytes(s.slice(3));
}

function elementCount(v: RObject): number {
  return v.size;
}
