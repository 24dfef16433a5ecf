import type { Client } from './client.ts';
import type { ServerState } from './state.ts';
import { clientInfoLine } from './client-info.ts';
import { clientMemory } from './client-memory.ts';

/** Redis never lets maxmemory-clients go below 128 KB, so a bad setting cannot lock everyone out. */
const MIN_LIMIT = 128 * 1024;
/** Buckets start at 32 KB (2^15) and end at 8 GB and above (2^33), as Redis's. */
const MIN_LOG = 15;
const MAX_LOG = 33;

/** Redis's memory-usage bucket of a client: the bit length of its memory, clamped. */
function bucketOf(mem: number): number {
  const bits = mem > 0 ? Math.floor(Math.log2(mem)) + 1 : 0;
  return Math.min(MAX_LOG, Math.max(MIN_LOG, bits)) - MIN_LOG;
}

/**
 * Client memory accounting and client eviction (maxmemory-clients), as Redis's
 * updateClientMemUsageAndBucket and evictClients: each client's memory is recounted when
 * its buffers change (a read, a write, a command, the cron), the server keeps the total,
 * and while the total is at or above the limit the clients of the biggest bucket go first,
 * in the order they entered it. Clients with CLIENT NO-EVICT, replicas and monitors are
 * counted but never evicted.
 *
 * Counting runs only while it is needed (maxmemory-clients or maxmemory set), so a server
 * with neither pays one boolean test per read and write.
 */
export class ClientEviction {
  /** Whether memory is recounted as it changes (used_memory then includes the clients). */
  tracking = false;
  /** The memory counted for all connected clients. */
  total = 0;
  private maxmemoryClients = 0;
  private maxmemory = 0;
  private seq = 0;

  constructor(private readonly server: ServerState) {}

  /**
   * maxmemory-clients as configured (bytes, or a negative percentage of maxmemory, which
   * is how CONFIG keeps `N%`), and maxmemory.
   */
  configure(maxmemoryClients: number, maxmemory: number): void {
    const was = this.tracking;
    this.maxmemoryClients = maxmemoryClients;
    this.maxmemory = maxmemory;
    this.tracking = maxmemoryClients !== 0 || maxmemory !== 0;
    if (this.tracking && !was) {
      this.total = 0;
      for (const c of this.server.clients.values()) {
        c.memCounted = 0;
        c.memBucket = -1;
        this.update(c);
      }
    }
  }

  /** getClientEvictionLimit: the limit in bytes, 0 when client eviction is off. */
  get limit(): number {
    let bytes: number;
    if (this.maxmemoryClients < 0 && this.maxmemory > 0) bytes = Math.floor((this.maxmemory * -this.maxmemoryClients) / 100);
    else if (this.maxmemoryClients > 0) bytes = this.maxmemoryClients;
    else return 0;
    return bytes < MIN_LIMIT ? MIN_LIMIT : bytes;
  }

  /** True when the clients' memory has reached maxmemory-clients (callers test `tracking` first). */
  get overLimit(): boolean {
    const limit = this.limit;
    return limit !== 0 && this.total >= limit;
  }

  /** Recounts a client's memory (callers test `tracking` first). */
  update(c: Client): void {
    if (c.closeAsap || !this.server.clients.has(c.id)) return;
    const mem = clientMemory(c, c.outputBytes, false);
    this.total += mem - c.memCounted;
    c.memCounted = mem;
    const b = bucketOf(mem);
    if (b !== c.memBucket) {
      c.memBucket = b;
      c.memBucketSeq = ++this.seq;
    }
  }

  /** The client is going away (or is being closed): its memory no longer counts. */
  forget(c: Client): void {
    this.total -= c.memCounted;
    c.memCounted = 0;
  }

  /** Redis's clientEvictionAllowed. */
  private evictable(c: Client): boolean {
    return c.sock !== null && !c.noEvict && !c.closeAsap && !c.monitor && !c.flags.has('slave');
  }

  /** evictClients: closes the biggest clients until the total is under the limit. */
  evict(): void {
    if (!this.tracking) return;
    const limit = this.limit;
    if (limit === 0 || this.total < limit) return;
    const candidates: Client[] = [];
    for (const c of this.server.clients.values()) if (this.evictable(c)) candidates.push(c);
    candidates.sort((a, b) => b.memBucket - a.memBucket || a.memBucketSeq - b.memBucketSeq);
    for (const c of candidates) {
      if (this.total < limit) return;
      this.server.log('notice', `Evicting client: ${clientInfoLine(c)}`);
      this.server.stats.evictedClients++;
      this.forget(c);
      this.server.killClient(c);
    }
    if (this.total >= limit) this.server.log('warning', 'Over client maxmemory after evicting all evictable clients');
  }
}
