/**
 * A Map of byte string → byte string that stores each entry as ONE string, for big hashes.
 *
 * A JS Map<string, string> pays for two string objects per entry (a 16-byte header each,
 * rounded to 8 bytes) on top of its table. Here the table is keyed by a 32-bit hash of the
 * field (a small integer: no object) and holds `prefix + field + value`, where the prefix
 * gives the field's length: one string per entry. That takes a hash of a million
 * `field:N`/`val:N` pairs from ~93 to ~72 heap bytes per field (Redis: ~75 RSS bytes).
 *
 * Two fields with the same hash share a slot holding a Map field → value (rare: the hash is
 * seeded per process, so collisions cannot be planned, and a colliding slot still answers
 * in O(1)). The table is a BigMap, so there is no 2^24 limit. Iteration is live, as a Map's:
 * entries added behind the cursor are not visited, deleted ones not yet reached are skipped;
 * the order is the table's (by first insertion of each hash), not strictly insertion order,
 * which hashtable-encoded Redis hashes do not promise either.
 */

import { BigMap } from './bigmap.ts';
import { flatten, lenPrefix, prefixSize, readLen } from './packed-string.ts';

/** Per process, so no client can aim fields at one slot; immutable once loaded. */
const SEED = (Math.random() * 0x100000000) | 0;

/** A seeded FNV-1a over UTF-16 code units with a murmur3 finaliser; an int32 (a V8 Smi). */
export function fieldHash(s: string): number {
  let h = SEED ^ s.length;
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return h ^ (h >>> 16);
}

/** `prefix + field + value` as one flat string. */
export function packEntry(field: string, value: string): string {
  return flatten(lenPrefix(field.length) + field + value);
}

export function entryField(e: string): string {
  const p = prefixSize(e, 0);
  return e.slice(p, p + readLen(e, 0));
}

export function entryValue(e: string): string {
  return e.slice(prefixSize(e, 0) + readLen(e, 0));
}

/** True when entry e is field f's. */
function isFieldOf(e: string, f: string): boolean {
  return readLen(e, 0) === f.length && e.startsWith(f, prefixSize(e, 0));
}

type Slot = string | Map<string, string>;

export class PackedMap implements Map<string, string> {
  private table: BigMap<number, Slot>;
  private count = 0;

  constructor(
    entries?: Iterable<readonly [string, string]> | null,
    chunkSize?: number,
    /** Tests pass a weak hash to exercise collisions. */
    private readonly hash: (field: string) => number = fieldHash,
  ) {
    this.table = new BigMap<number, Slot>(null, chunkSize);
    if (entries) for (const [f, v] of entries) this.set(f, v);
  }

  get size(): number {
    return this.count;
  }

  get(field: string): string | undefined {
    const s = this.table.get(this.hash(field));
    if (s === undefined) return undefined;
    if (typeof s !== 'string') return s.get(field);
    return isFieldOf(s, field) ? entryValue(s) : undefined;
  }

  has(field: string): boolean {
    const s = this.table.get(this.hash(field));
    if (s === undefined) return false;
    if (typeof s !== 'string') return s.has(field);
    return isFieldOf(s, field);
  }

  set(field: string, value: string): this {
    this.put(field, value);
    return this;
  }

  /** Sets a field; true when it was new. */
  put(field: string, value: string): boolean {
    const h = this.hash(field);
    const t = this.table;
    const s = t.get(h);
    if (s === undefined) {
      t.set(h, packEntry(field, value));
      this.count++;
      return true;
    }
    if (typeof s === 'string') {
      if (isFieldOf(s, field)) {
        t.set(h, packEntry(field, value));
        return false;
      }
      // A collision: the slot becomes a small Map (kept even if it shrinks back to one
      // entry, so a live iterator inside it stays valid).
      t.set(
        h,
        new Map([
          [entryField(s), entryValue(s)],
          [field, value],
        ]),
      );
      this.count++;
      return true;
    }
    const n = s.size;
    s.set(field, value);
    if (s.size === n) return false;
    this.count++;
    return true;
  }

  delete(field: string): boolean {
    const h = this.hash(field);
    const t = this.table;
    const s = t.get(h);
    if (s === undefined) return false;
    if (typeof s === 'string') {
      if (!isFieldOf(s, field)) return false;
      t.delete(h);
    } else {
      if (!s.delete(field)) return false;
      if (s.size === 0) t.delete(h);
    }
    this.count--;
    return true;
  }

  clear(): void {
    this.table.clear();
    this.count = 0;
  }

  /** A copy (strings are immutable, so only the table and collision Maps are copied). */
  clone(): PackedMap {
    const out = new PackedMap(null, undefined, this.hash);
    const t = BigMap.from(this.table);
    for (const [h, s] of t) if (typeof s !== 'string') t.set(h, new Map(s));
    out.table = t;
    out.count = this.count;
    return out;
  }

  forEach(fn: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    for (const [f, v] of this.entries()) fn.call(thisArg, v, f, this);
  }

  entries(): MapIterator<[string, string]> {
    return walk(this.table, ENTRIES) as MapIterator<[string, string]>;
  }

  keys(): MapIterator<string> {
    return walk(this.table, KEYS) as MapIterator<string>;
  }

  values(): MapIterator<string> {
    return walk(this.table, VALUES) as MapIterator<string>;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

const ENTRIES = 0;
const KEYS = 1;
const VALUES = 2;

function* walk(table: BigMap<number, Slot>, what: number): Generator<[string, string] | string, undefined, unknown> {
  for (const s of table.values()) {
    if (typeof s === 'string') {
      if (what === KEYS) yield entryField(s);
      else if (what === VALUES) yield entryValue(s);
      else yield [entryField(s), entryValue(s)];
    } else {
      for (const [f, v] of s) yield what === KEYS ? f : what === VALUES ? v : [f, v];
    }
  }
  return undefined;
}
