/**
 * The shape Redis's dict (dict.c) would have for one of our tables: bucket counts, the
 * incremental rehash in progress, and where each entry sits. The JS Map or Set behind a table
 * has no buckets, yet Redis's tests see them through DEBUG HTSTATS(-KEY), SCAN cursors and
 * used_memory. Entries are placed by a hash of our own (hash32), computed when a figure needs
 * it, never stored per entry.
 *
 * The rules followed: a table starts at 4 buckets and doubles once it holds one entry per
 * bucket; while a child process runs (a BGSAVE: `canResize` false, Redis's
 * DICT_RESIZE_AVOID) it grows only past 5 entries per bucket and rehashes only between sizes
 * 5 times apart. A resize opens a second table and the entries move over one bucket per
 * step, a step being taken by the operations Redis takes it in (add, delete, find, random
 * pick). A step moves one non-empty bucket after skipping at most 10 empty ones.
 *
 * Where the old table's buckets are is known exactly for a shrink (`occ`, counted once from
 * the entries: a shrinking table holds few). A growing table is dense (one entry per bucket
 * on average), so its rehash is taken to move one bucket per step with no bookkeeping, which
 * keeps adding to a big set free of hashing. An entry whose old-table bucket the rehash has
 * passed counts as in the new table. One added during a rehash goes to the new table, as in
 * Redis, for the first FRESH_MAX of them (remembered by name until the rehash ends); later
 * ones count by their hash (only mid-rehash HTSTATS figures could tell).
 */

const INITIAL_SIZE = 4;
const FORCE_RESIZE_RATIO = 5;
const MIN_FILL_PERCENT = 10;
const EMPTY_VISITS_PER_STEP = 10;
/** How many entries added during one rehash are remembered as being in the new table. */
const FRESH_MAX = 64;

/** _dictNextExp: the power of two a table for `n` entries gets, 4 at least. */
export function nextPower(n: number): number {
  let size = INITIAL_SIZE;
  while (size < n) size *= 2;
  return size;
}

/** A fixed 32-bit hash of a byte string (FNV-1a and a mixing finalizer): an entry's bucket. */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** The low `bits` bits of x, reversed (SCAN's cursor order). */
export function reverseBits(x: number, bits: number): number {
  if (bits === 0) return 0;
  let v = x >>> 0;
  v = ((v >>> 1) & 0x55555555) | ((v & 0x55555555) << 1);
  v = ((v >>> 2) & 0x33333333) | ((v & 0x33333333) << 2);
  v = ((v >>> 4) & 0x0f0f0f0f) | ((v & 0x0f0f0f0f) << 4);
  v = ((v >>> 8) & 0x00ff00ff) | ((v & 0x00ff00ff) << 8);
  v = (v >>> 16) | (v << 16);
  return (v >>> 0) >>> (32 - bits);
}

function log2(size: number): number {
  return 31 - Math.clz32(size);
}

/** Asks whether a table may grow by `bytes` of buckets (Redis's dictTypeExpandAllowed). */
export type ExpandGuard = (bytes: number, fill: number) => boolean;

export class DictShape {
  /** Buckets of table 0 (0 before the first entry). */
  size0: number;
  /** Buckets of the rehash target, 0 when not rehashing. */
  size1 = 0;
  /** The next table-0 bucket the rehash moves (Redis's rehashidx), -1 when not rehashing. */
  rehashIdx = -1;
  /** Entries per table-0 bucket during a shrink's rehash, else null (see the file's comment). */
  private occ: Uint32Array | null = null;
  /** Entries still in table 0, when `occ` is kept. */
  private used0 = 0;
  /** The entries in SCAN order while a walk is under way (see ScanOrder). */
  scanOrder: ScanOrder | null = null;
  /** Entries added during this rehash, so in the new table (at most FRESH_MAX), else null. */
  private fresh: Set<string> | null = null;
  /** Entries were added since scanOrder was built: a walk starting now builds it afresh. */
  private orderStale = false;

  /** A table built whole for `used` entries (a load, a conversion, a copy). */
  constructor(used = 0) {
    this.size0 = used === 0 ? 0 : nextPower(used);
  }

  get rehashing(): boolean {
    return this.rehashIdx >= 0;
  }

  /** Buckets allocated, both tables (8 bytes each in used_memory). */
  get buckets(): number {
    return this.size0 + this.size1;
  }

  /** The table SCAN's cursor walks: the smaller of the two while rehashing. */
  get scanSize(): number {
    return this.size1 !== 0 && this.size1 < this.size0 ? this.size1 : this.size0;
  }

  /** Emptied (FLUSHDB) or rebuilt whole for `used` entries. */
  reset(used = 0): void {
    this.size0 = used === 0 ? 0 : nextPower(used);
    this.size1 = 0;
    this.rehashIdx = -1;
    this.occ = null;
    this.fresh = null;
    this.scanOrder = null;
  }

  /** `n` rehash steps (dictRehash), as far as the resize policy lets them go. */
  step(n: number, canResize: boolean): void {
    if (this.rehashIdx < 0) return;
    if (!canResize) {
      const big = Math.max(this.size0, this.size1);
      const small = Math.min(this.size0, this.size1);
      if (big / small < FORCE_RESIZE_RATIO) return;
    }
    const occ = this.occ;
    if (occ === null) {
      this.rehashIdx += n;
      if (this.rehashIdx >= this.size0) this.finish();
      return;
    }
    let empty = n * EMPTY_VISITS_PER_STEP;
    while (n-- > 0 && this.used0 !== 0) {
      while (occ[this.rehashIdx] === 0) {
        this.rehashIdx++;
        if (--empty === 0) return;
      }
      this.used0 -= occ[this.rehashIdx];
      occ[this.rehashIdx] = 0;
      this.rehashIdx++;
    }
    if (this.used0 === 0) this.finish();
  }

  /** The rehash done at once (the cron's active rehashing of the keyspace). */
  finish(): void {
    if (this.rehashIdx < 0) return;
    this.size0 = this.size1;
    this.size1 = 0;
    this.rehashIdx = -1;
    this.occ = null;
    this.used0 = 0;
    this.fresh = null;
  }

  /**
   * dictAddRaw's work before an entry goes into a table holding `used`: a rehash step, then
   * _dictExpandIfNeeded. `guard` is the table type's expandAllowed (the keyspace's), if any.
   */
  beforeAdd(used: number, canResize: boolean, guard?: ExpandGuard): void {
    if (this.rehashIdx >= 0) {
      this.step(1, canResize);
      if (this.rehashIdx >= 0) return;
    }
    const size = this.size0;
    if (size === 0) {
      this.size0 = INITIAL_SIZE;
      return;
    }
    if (used >= size && (canResize || Math.floor(used / size) > FORCE_RESIZE_RATIO)) {
      if (guard !== undefined && !guard(8 * nextPower(used + 1), used / size)) return;
      this.resize(used + 1, null);
    }
  }

  /** After `key` went in (a walk's order and a rehash under way need to hear of it). */
  added(key: string): void {
    if (this.scanOrder !== null) this.orderStale = true;
    if (this.rehashIdx < 0) return;
    const fresh = (this.fresh ??= new Set());
    if (fresh.size < FRESH_MAX) fresh.add(key);
  }

  /** Whether `key` went straight into the rehash target. */
  isFresh(key: string): boolean {
    return this.fresh !== null && this.fresh.has(key);
  }

  /** After `key` left. */
  removed(key: string): void {
    if (this.rehashIdx < 0) return;
    if (this.fresh !== null && this.fresh.delete(key)) return;
    const occ = this.occ;
    if (occ === null) return;
    const b = hash32(key) & (this.size0 - 1);
    if (b >= this.rehashIdx && occ[b] !== 0) {
      occ[b]--;
      this.used0--;
    }
  }

  /**
   * htNeedsResize then dictResize, with `used` entries left (after a delete, or from the
   * cron): a table under 10% full shrinks to fit, unless a child runs or a rehash is under
   * way. `keys` lists the entries, to place them in the old table's buckets.
   */
  shrinkIfNeeded(used: number, canResize: boolean, keys: Iterable<string> | null): void {
    const slots = this.size0 + this.size1;
    if (slots <= INITIAL_SIZE || Math.floor((used * 100) / slots) >= MIN_FILL_PERCENT) return;
    if (!canResize || this.rehashIdx >= 0) return;
    this.resize(Math.max(used, INITIAL_SIZE), keys);
  }

  /**
   * One SCAN call over `entries` (this table's): `cursor` is a reverse-binary bucket index,
   * so a walk returns every entry present throughout it. Returns the next cursor (0: done).
   */
  scan(entries: ReadonlySet<string> | ReadonlyMap<string, unknown>, cursor: number, count: number, into: string[]): number {
    const size = this.scanSize;
    if (size === 0) return 0;
    let order = this.scanOrder;
    if (order === null || order.size !== size || (cursor === 0 && this.orderStale)) {
      order = this.scanOrder = ScanOrder.build(size, entries.keys());
      this.orderStale = false;
    }
    const next = order.scan(cursor, count, (k) => entries.has(k), into);
    if (next === 0) this.scanOrder = null;
    return next;
  }

  /** Frees an abandoned walk's order (keyspace/scan.ts caps how many are held). */
  dropScanOrder(): void {
    this.scanOrder = null;
  }

  /** dictExpand(d, target) asked for directly, with `used` entries (DEBUG POPULATE presizes). */
  expandTo(target: number, used: number): void {
    if (this.rehashIdx >= 0 || used > target) return;
    if (this.size0 === 0) this.size0 = nextPower(target);
    else this.resize(target, null);
  }

  /** dictExpand to the power of two for `target` entries: opens the rehash. */
  private resize(target: number, keys: Iterable<string> | null): void {
    const size = nextPower(target);
    if (size === this.size0) return;
    this.size1 = size;
    this.rehashIdx = 0;
    if (keys === null) return;
    const mask = this.size0 - 1;
    const occ = new Uint32Array(this.size0);
    let n = 0;
    for (const k of keys) {
      occ[hash32(k) & mask]++;
      n++;
    }
    this.occ = occ;
    this.used0 = n;
  }
}

const STATS_VECTLEN = 50;
/** Redis builds the text in a 4 KB buffer (DEBUG HTSTATS-KEY) and cuts it there. */
const STATS_BUFFER = 4096;

/**
 * printf's %.2f of a double: round half to even on the exact binary value. Ties at two
 * decimals are the odd multiples of 1/8, where JS's toFixed would round up instead.
 */
function fixed2(x: number): string {
  const eighths = x * 8;
  if (Number.isInteger(eighths) && eighths % 2 !== 0) {
    const hundredths = x * 100;
    const lo = Math.floor(hundredths);
    return ((lo % 2 === 0 ? lo : lo + 1) / 100).toFixed(2);
  }
  return x.toFixed(2);
}

function tableText(idx: 0 | 1, size: number, chains: Uint32Array, used: number): string {
  const title = `Hash table ${idx} stats (${idx === 0 ? 'main hash table' : 'rehashing target'}):\n`;
  if (used === 0) return title + 'No stats available for empty dictionaries\n';
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
    title +
    ` table size: ${size}\n` +
    ` number of elements: ${used}\n` +
    ` different slots: ${slots}\n` +
    ` max chain length: ${maxChain}\n` +
    ` avg chain length (counted): ${fixed2(Math.fround(total / slots))}\n` +
    ` avg chain length (computed): ${fixed2(Math.fround(used / slots))}\n` +
    ' Chain length distribution:\n';
  for (let i = 0; i < STATS_VECTLEN - 1; i++) {
    if (dist[i] === 0) continue;
    out += `   ${i}: ${dist[i]} (${fixed2(Math.fround(Math.fround(dist[i] / size) * 100))}%)\n`;
  }
  return out;
}

/** Redis's dictGetStats text for a table of this shape holding `keys`. */
export function dictStats(shape: DictShape, keys: Iterable<string>): string {
  const size0 = shape.size0;
  if (size0 === 0) return tableText(0, 0, new Uint32Array(0), 0);
  const chains0 = new Uint32Array(size0);
  const mask0 = size0 - 1;
  const size1 = shape.size1;
  const chains1 = new Uint32Array(size1);
  const mask1 = size1 - 1;
  const from = shape.rehashing ? shape.rehashIdx : 0;
  let used0 = 0;
  let used1 = 0;
  for (const k of keys) {
    const h = hash32(k);
    const b = h & mask0;
    if (b >= from && !shape.isFresh(k)) {
      chains0[b]++;
      used0++;
    } else {
      chains1[h & mask1]++;
      used1++;
    }
  }
  let out = tableText(0, size0, chains0, used0);
  if (shape.rehashing) out += tableText(1, size1, chains1, used1);
  return out.length < STATS_BUFFER ? out : out.slice(0, STATS_BUFFER - 1);
}

/**
 * The entries of a table in SCAN order: sorted by the reversed bits of their bucket in the
 * table SCAN walks. Built for a run of SSCAN calls and dropped when the walk ends. Entries
 * removed since are filtered out as they come; entries added since may be missed, as SCAN
 * allows, until a walk starts (cursor 0) or the table resizes, which build it afresh.
 */
export class ScanOrder {
  private constructor(
    readonly size: number,
    private readonly keys: string[],
    private readonly pos: Uint32Array,
  ) {}

  static build(size: number, entries: Iterable<string>): ScanOrder {
    const keys = Array.from(entries);
    const bits = log2(size);
    const mask = size - 1;
    const pos = new Uint32Array(keys.length);
    for (let i = 0; i < keys.length; i++) pos[i] = reverseBits(hash32(keys[i]) & mask, bits);
    const order = new Uint32Array(keys.length);
    for (let i = 0; i < order.length; i++) order[i] = i;
    order.sort((a, b) => pos[a] - pos[b]);
    const sortedKeys = new Array<string>(keys.length);
    const sortedPos = new Uint32Array(keys.length);
    for (let i = 0; i < order.length; i++) {
      sortedKeys[i] = keys[order[i]];
      sortedPos[i] = pos[order[i]];
    }
    return new ScanOrder(size, sortedKeys, sortedPos);
  }

  /**
   * One SCAN call from `cursor` (dictScan repeated as scanGenericCommand does): buckets are
   * visited until `count` entries are collected or count*10 more buckets were visited.
   * `live` filters entries removed since the order was built. Returns the next cursor.
   */
  scan(cursor: number, count: number, live: (k: string) => boolean, into: string[]): number {
    const size = this.size;
    const bits = log2(size);
    const keys = this.keys;
    const pos = this.pos;
    const n = keys.length;
    let r = reverseBits(cursor & (size - 1), bits);
    let lo = 0;
    let hi = n;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (pos[mid] < r) lo = mid + 1;
      else hi = mid;
    }
    let i = lo;
    const maxVisits = 1 + Math.min(count, 1 << 26) * 10;
    let visits = 0;
    let found = 0;
    for (;;) {
      while (i < n && pos[i] === r) {
        const k = keys[i++];
        if (live(k)) {
          into.push(k);
          found++;
        }
      }
      r++;
      visits++;
      if (r >= size) return 0;
      if (visits >= maxVisits || found >= count) break;
      const next = i < n ? pos[i] : size;
      if (next > r) {
        const skip = Math.min(next - r, maxVisits - visits);
        r += skip;
        visits += skip;
        if (r >= size) return 0;
        if (visits >= maxVisits) break;
      }
    }
    return reverseBits(r, bits);
  }
}
