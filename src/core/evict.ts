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

  /** A key to evict: random, or the best of a small sample for the ttl/lru/lfu policies. */
  private pickVictim(volatile: boolean): [Database, string] | null {
    const dbs = this.server.dbs;
    const start = Math.floor(Math.random() * dbs.length);
    for (let k = 0; k < dbs.length; k++) {
      const db = dbs[(start + k) % dbs.length];
      const pool = volatile ? db.expires : db.data;
      if (pool.size === 0) continue;
      let best: string | null = null;
      let bestScore = Infinity;
      const samples = this.policy.endsWith('-random') ? 1 : 5;
      const lfu = this.policy.endsWith('-lfu');
      for (let s = 0; s < samples; s++) {
        const key = volatile ? randomMapKey(db.expires) : db.randomKey();
        if (key === undefined) break;
        // lowest first: the nearest expiry, the least frequent (LFU), the longest idle (LRU)
        const score = this.policy === 'volatile-ttl' ? (db.expires.get(key) ?? Infinity) : lfu ? db.lfuFreqOf(db.lastAccess(key)) : -idleSecondsOf(db.lastAccess(key), db.lruClock());
        if (best === null || score < bestScore) {
          best = key;
          bestScore = score;
        }
      }
      if (best !== null) return [db, best];
    }
    return null;
  }
}

function randomMapKey<K>(m: Map<K, unknown>): K | undefined {
  const skip = Math.floor(Math.random() * Math.min(m.size, 4096));
  let i = 0;
  for (const k of m.keys()) if (i++ >= skip) return k;
  return undefined;
}
