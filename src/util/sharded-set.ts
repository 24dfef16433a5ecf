/**
 * A Set of strings split over several V8 Sets by a hash of the string, so that no single
 * table grows past `shardTarget` entries. V8 grows a Set by rehashing all of it at once:
 * at a million entries that is one pause of 100 ms or more; split in shards, each rehash
 * is a shard's worth. (It also lifts V8's limit of 2^24 entries per Set.)
 */
export class ShardedStringSet {
  private readonly shards: Set<string>[];
  private readonly mask: number;

  /** `expected`: about how many strings it will hold. */
  constructor(expected: number, shardTarget = 1 << 16) {
    let n = 1;
    while (n * shardTarget < expected && n < 1 << 16) n *= 2;
    this.shards = Array.from({ length: n }, () => new Set<string>());
    this.mask = n - 1;
  }

  private shard(s: string): Set<string> {
    return this.mask === 0 ? this.shards[0] : this.shards[stringHash(s) & this.mask];
  }

  has(s: string): boolean {
    return this.shard(s).has(s);
  }

  add(s: string): void {
    this.shard(s).add(s);
  }

  get size(): number {
    let n = 0;
    for (const s of this.shards) n += s.size;
    return n;
  }
}

/**
 * FNV-1a over the string's char codes (for one longer than 256, over 256 of them spread
 * along it, its last 16 and its length), then mixed so that the low bits, which pick the
 * shard, depend on all of them.
 */
export function stringHash(s: string): number {
  const n = s.length;
  let h = 0x811c9dc5;
  if (n <= 256) {
    for (let i = 0; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  } else {
    const step = n / 256;
    for (let k = 0; k < 256; k++) h = Math.imul(h ^ s.charCodeAt(Math.floor(k * step)), 0x01000193);
    for (let i = n - 16; i < n; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
    h = Math.imul(h ^ n, 0x01000193);
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  return h >>> 0;
}
