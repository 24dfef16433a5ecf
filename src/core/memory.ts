import type { ServerState } from './state.ts';
import { dictBuckets } from '../keyspace/memsize.ts';
import { clientMemory } from './client-memory.ts';

/**
 * used_memory in Redis's terms: what redis-server 7.0 would have allocated for the same
 * dataset and clients (src/keyspace/memsize.ts models the allocations), not the V8 heap.
 * This is what INFO, MEMORY STATS and maxmemory (eviction, OOM) see.
 */

/** used_memory_startup of redis-server 7.0.15 with 16 databases: the server before any client. */
export const STARTUP_BYTES = 876224;
/** A connected client: the client struct, its 16 KB reply buffer and query buffer. */
export const CLIENT_BYTES = 20480;

/**
 * used_memory, cheaply (maxmemory checks it before every command). With maxmemory (or
 * maxmemory-clients) set, the clients' memory is counted as their buffers change
 * (src/core/client-eviction.ts), so big query and output buffers push keys out as in Redis.
 */
export function usedMemory(server: ServerState): number {
  const cm = server.clientMemory;
  let used = STARTUP_BYTES + (cm.tracking ? cm.total : server.clients.size * CLIENT_BYTES);
  for (const db of server.dbs) used += db.usedMemory();
  return used;
}

export interface DbOverhead {
  id: number;
  main: number;
  expires: number;
}

export interface MemoryReport {
  used: number;
  startup: number;
  clientsNormal: number;
  /** Bookkeeping (startup, clients, dict tables and entries), as Redis's used_memory_overhead. */
  overhead: number;
  dataset: number;
  keys: number;
  dbs: DbOverhead[];
}

/** The breakdown INFO memory and MEMORY STATS show; walks the clients for their buffers. */
export function memoryReport(server: ServerState): MemoryReport {
  let clientsNormal = 0;
  for (const c of server.clients.values()) clientsNormal += clientMemory(c, c.outputBytes);
  let keys = 0;
  let dbOverhead = 0;
  const dbs: DbOverhead[] = [];
  let dataBytes = 0;
  for (const db of server.dbs) {
    dataBytes += db.usedMemory();
    const n = db.data.size;
    if (n === 0) continue;
    keys += n;
    // Redis: entries and robj headers plus bucket arrays count as overhead
    const main = n * (24 + 16) + 8 * db.keysShape.buckets;
    const expires = db.expires.size * 24 + 8 * dictBuckets(db.expires.size);
    dbOverhead += main + expires;
    dbs.push({ id: db.id, main, expires });
  }
  const used = STARTUP_BYTES + clientsNormal + dataBytes;
  const overhead = STARTUP_BYTES + clientsNormal + dbOverhead;
  return { used, startup: STARTUP_BYTES, clientsNormal, overhead, dataset: Math.max(0, used - overhead), keys, dbs };
}
