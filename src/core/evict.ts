import type { ServerState } from './state.ts';
import { idleSecondsOf, type Database } from '../keyspace/db.ts';
import { usedMemory } from './memory.ts';

/**
 * maxmemory eviction (Redis's performEvictions), active only when maxmemory is set. Used
 * memory is Redis's figure for the same dataset (src/core/memory.ts), kept as keys come and
 * go, so each eviction lowers it by what the key cost.
 */
export class Evictor {
  /** maxmemory in bytes; 0 disables eviction (the default). */
  maxmemory = 0;
  policy = 'noeviction';
  evictedKeys = 0;

  constructor(private readonly server: ServerState) {}

  /** Evicts until under maxmemory; false when still over it (EVICT_FAIL). */
  perform(): boolean {
    // (nothing is evicted while clients are paused, as Redis keeps the dataset constant)
    if (this.server.clientPause !== null) return true;
    if (usedMemory(this.server) <= this.maxmemory) return true;
    if (this.policy === 'noeviction') return false;
    const volatile = this.policy.startsWith('volatile-');
    while (usedMemory(this.server) > this.maxmemory) {
      const victim = this.pickVictim(volatile);
      if (victim === null) return false;
      const [db, key] = victim;
      const tracking = this.server.tracking;
      tracking.evicting = true;
      try {
        db.delete(key);
      } finally {
        tracking.evicting = false;
      }
      this.evictedKeys++;
      this.server.notifier.notify('e', 'evicted', key, db.id);
      const prop = this.server.propagator;
      if (prop.active) prop.also(db.id, [this.server.config.get('lazyfree-lazy-eviction') === 'yes' ? 'UNLINK' : 'DEL', key]);
    }
    // evictions are independent deletions: never one transaction (propagate_no_multi)
    if (this.server.propagator.pending !== 0) this.server.propagator.flush(true);
    return true;
  }

  /**
   * Redis's eviction pool (EVPOOL_SIZE): the best candidates sampled so far, kept across
   * evictions, least idle first. A key's score is its idle time (LRU), 255 less its decayed
   * counter (LFU) or how soon it expires (volatile-ttl), taken when it was sampled.
   */
  private pool: { idle: number; key: string; db: number }[] = [];

  /** A key to evict: random for the -random policies, else the best of the pool. */
  private pickVictim(volatile: boolean): [Database, string] | null {
    return this.policy.endsWith('-random') ? this.pickRandom(volatile) : this.pickFromPool(volatile);
  }

  private pickRandom(volatile: boolean): [Database, string] | null {
    const dbs = this.server.dbs;
    const start = Math.floor(Math.random() * dbs.length);
    for (let k = 0; k < dbs.length; k++) {
      const db = dbs[(start + k) % dbs.length];
      if ((volatile ? db.expires : db.data).size === 0) continue;
      const key = volatile ? randomMapKey(db.expires) : db.randomKey();
      if (key !== undefined) return [db, key];
    }
    return null;
  }

  /**
   * performEvictions for the LRU, LFU and TTL policies: every database's sample goes into
   * the pool, then the best entry whose key still exists is taken (the others are ghosts,
   * deleted since they were sampled, and dropped).
   */
  private pickFromPool(volatile: boolean): [Database, string] | null {
    const dbs = this.server.dbs;
    const samples = Math.max(1, this.server.config.getInt('maxmemory-samples'));
    // (bounded: a pool of ghosts is refilled, but a keyspace emptied by expiry ends it)
    for (let round = 0; round < 64; round++) {
      let total = 0;
      for (const db of dbs) {
        const size = (volatile ? db.expires : db.data).size;
        if (size === 0) continue;
        this.populate(db, volatile, samples);
        total += size;
      }
      if (total === 0) return null;
      const pool = this.pool;
      while (pool.length !== 0) {
        const best = pool.pop()!;
        const db = dbs[best.db];
        if (db !== undefined && (volatile ? db.expires : db.data).has(best.key)) return [db, best.key];
      }
    }
    return null;
  }

  /** evictionPoolPopulate: samples keys of one database into the pool, kept sorted. */
  private populate(db: Database, volatile: boolean, samples: number): void {
    const pool = this.pool;
    const lfu = this.policy.endsWith('-lfu');
    const ttl = this.policy === 'volatile-ttl';
    for (let s = 0; s < samples; s++) {
      const key = volatile ? randomMapKey(db.expires) : db.randomKey();
      if (key === undefined) return;
      let idle: number;
      if (ttl) idle = -(db.expires.get(key) ?? 0);
      else if (lfu) idle = 255 - db.lfuFreqOf(db.lastAccess(key));
      else idle = idleSecondsOf(db.lastAccess(key), db.lruClock());
      let k = 0;
      while (k < pool.length && pool[k].idle < idle) k++;
      // worse than every entry of a full pool
      if (k === 0 && pool.length === POOL_SIZE) continue;
      pool.splice(k, 0, { idle, key, db: db.id });
      // a full pool drops its worst entry
      if (pool.length > POOL_SIZE) pool.shift();
    }
  }
}

/** EVPOOL_SIZE */
const POOL_SIZE = 16;

function randomMapKey<K>(m: Map<K, unknown>): K | undefined {
  const skip = Math.floor(Math.random() * Math.min(m.size, 4096));
  let i = 0;
  for (const k of m.keys()) if (i++ >= skip) return k;
  return undefined;
}
