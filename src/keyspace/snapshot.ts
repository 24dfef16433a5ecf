import { BigMap } from '../util/bigmap.ts';
import type { Database, DatabaseContents, Stored } from './db.ts';

/**
 * Point-in-time copies of the keyspace, RESP-free. One mechanism for everything that needs
 * the data as it was at one instant: the test API's snapshot/restore, SCRIPT DEBUG's forked
 * sessions (run on the live data, then roll back) and background saves (serialize a copy
 * while clients keep writing).
 *
 * A copy shares no mutable object with the live databases: strings are immutable JS
 * strings and are shared, every other value is deep-copied with its `clone()`.
 */

/** Every database's contents at one instant. Expiry times are absolute (ms). */
export interface KeyspaceCopy {
  /** The clock reading the copy was taken at. */
  readonly takenAt: number;
  /** One entry per database, in database order. Treat as read-only. */
  readonly dbs: readonly DatabaseContents[];
}

export interface RestoreOptions {
  /**
   * Added to every expiry time, e.g. `now - copy.takenAt` to keep TTLs as remaining time
   * rather than absolute deadlines. Default 0.
   */
  shiftExpiresMs?: number;
  /**
   * Hand the copy's own maps to the databases instead of cloning them again: faster, but
   * the copy must not be used afterwards (a one-shot rollback). Default false.
   */
  consume?: boolean;
}

/**
 * Copies one database. With `now`, keys whose expiry time is not after it are left out,
 * as a reader at that instant would not see them.
 */
export function copyDatabase(db: Database, now?: number): DatabaseContents {
  const copy: DatabaseContents = {
    data: cloneValues(db.data),
    expires: BigMap.from(db.expires),
    rawStrings: new Set(db.rawStrings),
    plainStrings: new Map(db.plainStrings),
  };
  if (now !== undefined) dropExpired(copy, now);
  return copy;
}

/** Copies every database (see copyDatabase for `now`). */
export function copyKeyspace(dbs: readonly Database[], now: number): KeyspaceCopy {
  return { takenAt: now, dbs: dbs.map((db) => copyDatabase(db, now)) };
}

/**
 * Replaces the contents of every live database with the copy's. Watchers of every key
 * present before or after are told and tracking clients see a flush (Database.
 * replaceContents); serving blocked clients is the caller's business.
 * Throws a RangeError when the number of databases differs.
 */
export function restoreKeyspace(dbs: readonly Database[], copy: KeyspaceCopy, options: RestoreOptions = {}): void {
  if (copy.dbs.length !== dbs.length) {
    throw new RangeError(`the copy has ${copy.dbs.length} databases, the server ${dbs.length}`);
  }
  const shift = options.shiftExpiresMs ?? 0;
  for (let i = 0; i < dbs.length; i++) {
    const src = copy.dbs[i];
    let next: DatabaseContents;
    if (options.consume === true) {
      next = src;
      if (shift !== 0) for (const [k, when] of next.expires) next.expires.set(k, when + shift);
    } else {
      next = {
        data: cloneValues(src.data),
        expires: shift === 0 ? BigMap.from(src.expires) : shiftedExpires(src.expires, shift),
        rawStrings: new Set(src.rawStrings),
        plainStrings: new Map(src.plainStrings),
      };
    }
    dbs[i].replaceContents(next);
  }
}

/** A copy of a key map whose non-string values are cloned. */
function cloneValues(src: Map<string, Stored>): Map<string, Stored> {
  // The native Map copy is several times faster than set() in a loop; objects are then
  // replaced by their clones in place (overwriting an existing key is safe while iterating).
  // Strings carry their access fields; a clone takes its original's.
  const out = BigMap.from(src);
  for (const [k, v] of out) {
    if (typeof v === 'string') continue;
    const copy = v.clone();
    copy.lru = v.lru;
    out.set(k, copy);
  }
  return out;
}

function shiftedExpires(src: Map<string, number>, shift: number): Map<string, number> {
  const out = new BigMap<string, number>();
  for (const [k, when] of src) out.set(k, when + shift);
  return out;
}

function dropExpired(c: DatabaseContents, now: number): void {
  for (const [k, when] of c.expires) {
    if (when > now) continue;
    c.expires.delete(k);
    c.data.delete(k);
    c.rawStrings.delete(k);
    c.plainStrings.delete(k);
  }
}
