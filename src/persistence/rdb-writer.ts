/**
 * RDB files as Redis 7.0 writes them (rdbSaveRio): the magic and version, aux fields, the
 * function libraries, then every non-empty database (SELECTDB, RESIZEDB, its keys with
 * their expiry), EOF, and the CRC64 trailer (zeros when rdbchecksum is off).
 *
 * Values use the encodings of src/keyspace/rdb.ts (DUMP's): listpacks, intsets, quicklist 2,
 * stream listpacks 2. The output is produced in pieces (`RdbOutput`), so a background save
 * can write it a slice at a time.
 */
import type { ServerState } from '../core/state.ts';
import { idleSecondsOf, storedField, type Database, type Stored } from '../keyspace/db.ts';
import { encodeObject, encodeString, encodeLength, listNodeLimits, Crc64, RDB_VERSION } from '../keyspace/rdb.ts';
import { RDB_OP, REDIS_VERSION } from './rdb-format.ts';

export interface RdbWriteOptions {
  /** The file is the base of an AOF (aux field aof-base 1). */
  aofBase?: boolean;
}

/** Encodes the parts of an RDB file with the settings read from config when a save starts. */
export class RdbEncoder {
  readonly compress: boolean;
  readonly checksum: boolean;
  private readonly listBytes: number;
  private readonly listCount: number;
  /** maxmemory-policy ranks keys by LRU or LFU: each key carries its idle time or counter. */
  private readonly saveLru: boolean;
  private readonly saveLfu: boolean;

  constructor(private readonly state: ServerState) {
    const cfg = state.config;
    this.compress = cfg.get('rdbcompression') === 'yes';
    this.checksum = cfg.get('rdbchecksum') === 'yes';
    const lim = listNodeLimits(cfg.getInt('list-max-listpack-size'));
    this.listBytes = lim.bytes;
    this.listCount = lim.count;
    const policy = cfg.get('maxmemory-policy');
    this.saveLru = policy.includes('lru');
    this.saveLfu = policy.includes('lfu');
  }

  /** Magic, aux fields and function libraries: everything before the first database. */
  preamble(opts: RdbWriteOptions = {}): string {
    const mu = process.memoryUsage();
    const parts = [
      'REDIS' + String(RDB_VERSION).padStart(4, '0'),
      this.aux('redis-ver', REDIS_VERSION),
      this.aux('redis-bits', '64'),
      this.aux('ctime', String(Math.floor(this.state.clock.now() / 1000))),
      this.aux('used-mem', String(mu.heapUsed + mu.external)),
      this.aux('aof-base', opts.aofBase === true ? '1' : '0'),
    ];
    for (const code of this.state.functionLibraries?.codes() ?? []) {
      parts.push(String.fromCharCode(RDB_OP.FUNCTION2), encodeString(code, this.compress));
    }
    return parts.join('');
  }

  private aux(key: string, value: string): string {
    return String.fromCharCode(RDB_OP.AUX) + encodeString(key, false) + encodeString(value, false);
  }

  /** SELECTDB and RESIZEDB of a database about to be written. */
  dbHeader(id: number, size: number, expires: number): string {
    return (
      String.fromCharCode(RDB_OP.SELECTDB) + encodeLength(id) + String.fromCharCode(RDB_OP.RESIZEDB) + encodeLength(size) + encodeLength(expires)
    );
  }

  /** One key (rdbSaveKeyValuePair): expiry, LRU idle time or LFU counter, type, key, value. */
  entry(db: Database, key: string, stored: Stored, expireAt: number | undefined): string {
    let head = '';
    if (expireAt !== undefined) head = String.fromCharCode(RDB_OP.EXPIRETIME_MS) + int64LE(expireAt);
    if (this.saveLru) head += String.fromCharCode(RDB_OP.IDLE) + encodeLength(idleSecondsOf(storedField(stored), db.lruClock()));
    if (this.saveLfu) head += String.fromCharCode(RDB_OP.FREQ, db.lfuFreqOf(storedField(stored)));
    if (typeof stored === 'string') {
      // the common case, without the general encoder's allocations
      return head + '\x00' + encodeString(key, this.compress) + encodeString(stored.slice(3), this.compress);
    }
    const value = stored;
    const obj = encodeObject(value, this.compress, this.listBytes, this.listCount);
    return head + obj.charAt(0) + encodeString(key, this.compress) + obj.slice(1);
  }
}

function int64LE(ms: number): string {
  const lo = ms % 4294967296;
  const u = lo < 0 ? lo + 4294967296 : lo;
  const hi = Math.floor(ms / 4294967296);
  return String.fromCharCode(u & 0xff, (u >>> 8) & 0xff, (u >>> 16) & 0xff, u >>> 24, hi & 0xff, (hi >>> 8) & 0xff, (hi >>> 16) & 0xff, (hi >>> 24) & 0xff);
}

/**
 * Collects an RDB file's bytes as they are produced: byte strings are turned into Buffers
 * about every 256 KB (V8's strings stay small) and fed to the CRC on the way.
 */
export class RdbOutput {
  private parts: string[] = [];
  private pendingLen = 0;
  readonly chunks: Buffer[] = [];
  private readonly crc: Crc64 | null;
  /** Bytes produced so far (flushed or not). */
  bytes = 0;

  constructor(checksum: boolean) {
    this.crc = checksum ? new Crc64() : null;
  }

  push(s: string): void {
    this.parts.push(s);
    this.pendingLen += s.length;
    this.bytes += s.length;
    if (this.pendingLen >= 262144) this.seal();
  }

  /** Turns what was pushed into a Buffer chunk. */
  seal(): void {
    if (this.pendingLen === 0) return;
    const b = Buffer.from(this.parts.join(''), 'latin1');
    this.parts = [];
    this.pendingLen = 0;
    this.crc?.update(b);
    this.chunks.push(b);
  }

  /** Takes the chunks sealed so far. */
  take(): Buffer[] {
    this.seal();
    return this.chunks.splice(0, this.chunks.length);
  }

  /** EOF and the checksum (8 zero bytes without rdbchecksum). */
  finish(): void {
    this.push(String.fromCharCode(RDB_OP.EOF));
    this.seal();
    const trailer = this.crc !== null ? this.crc.digest() : Buffer.alloc(8);
    this.chunks.push(trailer);
    this.bytes += 8;
  }
}

/**
 * A whole RDB file of the server's current dataset and function libraries, at once (SAVE,
 * DEBUG RELOAD, an AOF base). Keys are written as they are, expired or not, as Redis does.
 */
export function writeRdb(state: ServerState, opts: RdbWriteOptions = {}): Buffer {
  const enc = new RdbEncoder(state);
  const out = new RdbOutput(enc.checksum);
  out.push(enc.preamble(opts));
  for (const db of state.dbs) {
    if (db.data.size === 0) continue;
    out.push(enc.dbHeader(db.id, db.data.size, db.expires.size));
    const expires = db.expires;
    const checkExpiry = expires.size !== 0;
    for (const [key, value] of db.data) out.push(enc.entry(db, key, value, checkExpiry ? expires.get(key) : undefined));
  }
  out.finish();
  return Buffer.concat(out.take());
}
