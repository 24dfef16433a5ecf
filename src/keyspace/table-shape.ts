/**
 * The bucket count Redis's dict would have for a table (DEBUG HTSTATS): the JS Map behind it
 * has none, but Redis's resizing rules show through its tests. A table starts at 4 buckets,
 * doubles past one entry per bucket on insertion, shrinks from the cron under 10% full, and
 * while a child process runs (a BGSAVE) it only grows past 5 entries per bucket, sparing
 * the child's copy-on-write memory. Rehashing is taken as instant.
 */
const INITIAL_SIZE = 4;
const FORCE_RESIZE_RATIO = 5;
const MIN_FILL_PERCENT = 10;

function nextPower(n: number): number {
  let size = INITIAL_SIZE;
  while (size < n) size *= 2;
  return size;
}

export class TableShape {
  size = 0;

  /** Before an entry is added to the table holding `used` (Redis's _dictExpandIfNeeded). */
  adding(used: number, resizeAllowed: boolean): void {
    if (this.size === 0) {
      this.size = INITIAL_SIZE;
    } else if (used >= this.size && (resizeAllowed || Math.floor(used / this.size) > FORCE_RESIZE_RATIO)) {
      this.size = nextPower(used + 1);
    }
  }

  /** The cron's tryResizeHashTables, when no child runs: a mostly empty table shrinks. */
  shrink(used: number): void {
    if (this.size > INITIAL_SIZE && Math.floor((used * 100) / this.size) < MIN_FILL_PERCENT) this.size = nextPower(used);
  }

  /** A table emptied (FLUSHDB) or built whole for `used` entries (a load). */
  reset(used = 0): void {
    this.size = used === 0 ? 0 : nextPower(used);
  }
}

/** A fixed 32-bit hash of a byte string (FNV-1a), to place keys in buckets for the stats. */
function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}

const STATS_VECTLEN = 50;

/**
 * Redis's dictGetStats text for a table of `size` buckets holding `keys`: chain lengths come
 * from a hash of our own, so they are plausible rather than Redis's (whose seed is random).
 */
export function tableStats(size: number, keys: Iterable<string>, used: number): string {
  if (used === 0 || size === 0) return 'Hash table 0 stats (main hash table):\nNo stats available for empty dictionaries\n';
  const chains = new Uint32Array(size);
  const mask = size - 1;
  for (const k of keys) chains[hash32(k) & mask]++;
  const dist = new Array<number>(STATS_VECTLEN).fill(0);
  let slots = 0;
  let maxChain = 0;
  let total = 0;
  for (let i = 0; i < size; i++) {
    const n = chains[i];
    dist[Math.min(n, STATS_VECTLEN - 1)]++;
    if (n === 0) continue;
    slots++;
    total += n;
    if (n > maxChain) maxChain = n;
  }
  let out =
    'Hash table 0 stats (main hash table):\n' +
    ` table size: ${size}\n` +
    ` number of elements: ${used}\n` +
    ` different slots: ${slots}\n` +
    ` max chain length: ${maxChain}\n` +
    ` avg chain length (counted): ${(total / slots).toFixed(2)}\n` +
    ` avg chain length (computed): ${(used / slots).toFixed(2)}\n` +
    ' Chain length distribution:\n';
  for (let i = 0; i < STATS_VECTLEN - 1; i++) {
    if (dist[i] === 0) continue;
    out += `   ${i}: ${dist[i]} (${((dist[i] / size) * 100).toFixed(2)}%)\n`;
  }
  return out;
}
