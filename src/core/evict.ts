import type { ServerState } from './state.ts';
import type { Database, RedisValue } from '../keyspace/db.ts';

/**
 * maxmemory eviction (Redis's performEvictions), active only when maxmemory is set.
 *
 * Used memory is the figure INFO reports (V8 heap used + external). The heap only shrinks
 * after a garbage collection, so what eviction frees is estimated per key and subtracted
 * until the next measurement shows the heap went down.
 */
export class Evictor {
  /** maxmemory in bytes; 0 disables eviction (the default). */
  maxmemory = 0;
  policy = 'noeviction';
  evictedKeys = 0;
  private freedEstimate = 0;
  private lastMeasured = 0;

  constructor(private readonly server: ServerState) {}

  private used(): number {
    const mu = process.memoryUsage();
    const measured = mu.heapUsed + mu.external;
    if (measured < this.lastMeasured) this.freedEstimate = 0;
    this.lastMeasured = measured;
    return measured - this.freedEstimate;
  }

  /** Evicts until under maxmemory; false when still over it (EVICT_FAIL). */
  perform(): boolean {
    // (nothing is evicted while clients are paused, as Redis keeps the dataset constant)
    if (this.server.clientPause !== null) return true;
    let used = this.used();
    if (used <= this.maxmemory) return true;
    if (this.policy === 'noeviction') return false;
    const volatile = this.policy.startsWith('volatile-');
    while (used > this.maxmemory) {
      const victim = this.pickVictim(volatile);
      if (victim === null) return false;
      const [db, key] = victim;
      const v = db.peek(key);
      const freed = v === undefined ? 0 : key.length + estimateSize(v) + 64;
      db.delete(key);
      this.evictedKeys++;
      this.server.notifier.notify('e', 'evicted', key, db.id);
      this.freedEstimate += freed;
      used -= freed;
    }
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
      for (let s = 0; s < samples; s++) {
        const key = volatile ? randomMapKey(db.expires) : db.randomKey();
        if (key === undefined) break;
        const score = this.policy === 'volatile-ttl' ? (db.expires.get(key) ?? Infinity) : db.lastAccess(key);
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

/** Rough bytes held by a value, for the freed-memory estimate. */
function estimateSize(v: RedisValue): number {
  if (typeof v === 'string') return v.length + 16;
  return 64 + v.size * 48;
}
