/**
 * WATCH's registry (Redis's watched_keys): which clients watch which keys, and marking
 * them dirty when a key changes. One per server; the client keeps its own side
 * (`watched`, `watchExpired`, `watchDirty`).
 */
import type { Client } from './client.ts';
import type { Database } from '../keyspace/db.ts';

/** What a database looked like, for touchAllInDb: does a key exist in it? */
interface KeyPresence {
  has(key: string): boolean;
}

export class WatchRegistry {
  /** `${db}\0${key}` to the clients watching it. */
  private readonly watchers = new Map<string, Set<Client>>();

  get size(): number {
    return this.watchers.size;
  }

  /** WATCH of one key by a client (watchForKey). */
  watch(c: Client, db: Database, key: string, now: number): void {
    const k = `${db.id}\0${key}`;
    if (c.watched.has(k)) return;
    c.watched.add(k);
    let set = this.watchers.get(k);
    if (!set) this.watchers.set(k, (set = new Set()));
    set.add(c);
    // Watching a key that is logically expired but not yet removed.
    const when = db.expires.get(key);
    if (when !== undefined && when <= now && db.data.has(key)) {
      if (c.watchExpired === null) c.watchExpired = new Set();
      c.watchExpired.add(k);
    }
  }

  /** Marks the clients watching a key dirty (touchWatchedKey). */
  touchKey(db: Database, key: string, now: number): void {
    const k = `${db.id}\0${key}`;
    const set = this.watchers.get(k);
    if (!set) return;
    for (const c of [...set]) {
      if (c.watchExpired !== null && c.watchExpired.has(k)) {
        // Watched while already expired: its removal is no logical change, nor is a
        // change that leaves it expired.
        if (!db.data.has(key)) {
          c.watchExpired.delete(k);
          continue;
        }
        const when = db.expires.get(key);
        if (when !== undefined && when <= now) continue;
      }
      c.watchDirty = true;
      this.drop(c);
    }
  }

  /**
   * A database's contents are replaced wholesale (SWAPDB, FLUSHDB-like restores):
   * touchAllWatchedKeysInDb. Only the watched keys are looked at, so the cost does not
   * grow with the keyspace. Logically nothing changes, and the client stays clean, when a
   * key watched while expired is gone or still expired afterwards, or when a key that did
   * not exist is replaced by an expired one (then it counts as watched while expired).
   */
  touchAllInDb(dbId: number, before: KeyPresence, after: KeyPresence, expiredAfter: (key: string) => boolean = () => false): void {
    if (this.watchers.size === 0) return;
    const prefix = `${dbId}\0`;
    for (const [k, set] of [...this.watchers]) {
      if (!k.startsWith(prefix)) continue;
      const key = k.slice(prefix.length);
      const inAfter = after.has(key);
      const inBefore = before.has(key);
      if (!inAfter && !inBefore) continue;
      for (const c of [...set]) {
        if (c.watchExpired !== null && c.watchExpired.has(k)) {
          if (!inAfter) {
            c.watchExpired.delete(k);
            continue;
          }
          if (expiredAfter(key)) continue;
        } else if (!inBefore && expiredAfter(key)) {
          if (c.watchExpired === null) c.watchExpired = new Set();
          c.watchExpired.add(k);
          continue;
        }
        c.watchDirty = true;
        this.drop(c);
      }
    }
  }

  /** True when a key the client watched while alive has logically expired since (isWatchedKeyExpired). */
  anyExpired(c: Client, dbs: readonly Database[], now: number): boolean {
    for (const k of c.watched) {
      if (c.watchExpired !== null && c.watchExpired.has(k)) continue;
      const sep = k.indexOf('\0');
      const db = dbs[Number(k.slice(0, sep))];
      const when = db.expires.get(k.slice(sep + 1));
      if (when !== undefined && when <= now) return true;
    }
    return false;
  }

  /** Drops every WATCH of a client (EXEC, DISCARD, UNWATCH, RESET, disconnect). */
  unwatchAll(c: Client): void {
    this.drop(c);
    c.watchDirty = false;
  }

  /** Removes a client's watched keys from the registry, keeping its dirty flag. */
  private drop(c: Client): void {
    for (const k of c.watched) {
      const s = this.watchers.get(k);
      if (!s) continue;
      s.delete(c);
      if (s.size === 0) this.watchers.delete(k);
    }
    c.watched.clear();
    c.watchExpired = null;
  }
}
