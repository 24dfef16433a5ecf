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

/** Field lengths from this one on take 5 prefix characters (a marker and 4 bytes). */
const LONG = 0xff;

/** `prefix + field + value` as one flat string. */
export function packEntry(field: string, value: string): string {
  const n = field.length;
  const prefix = n < LONG ? String.fromCharCode(n) : String.fromCharCode(LONG, (n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff);
  const e = prefix + field + value;
  // Concatenation makes a rope (ConsString) past 12 characters; reading its last character
  // makes V8 flatten it, so the table keeps one sequential string instead of three objects.
  e.charCodeAt(e.length - 1);
  return e;
}

/** Where the field starts in an entry. */
function fieldStart(e: string): number {
  return e.charCodeAt(0) < LONG ? 1 : 5;
}

function fieldLength(e: string): number {
  const c = e.charCodeAt(0);
  if (c < LONG) return c;
  return ((e.charCodeAt(1) << 24) | (e.charCodeAt(2) << 16) | (e.charCodeAt(3) << 8) | e.charCodeAt(4)) >>> 0;
}

export function entryField(e: string): string {
  const p = fieldStart(e);
  return e.slice(p, p + fieldLength(e));
}

export function entryValue(e: string): string {
  return e.slice(fieldStart(e) + fieldLength(e));
}

/** True when entry e is field f's. */
function isFieldOf(e: string, f: string): boolean {
  return fieldLength(e) === f.length && e.startsWith(f, fieldStart(e));
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
    return walk(this.table, (e) => [entryField(e), entryValue(e)], (f, v) => [f, v]);
  }

  keys(): MapIterator<string> {
    return walk(this.table, entryField, (f) => f);
  }

  values(): MapIterator<string> {
    return walk(this.table, entryValue, (_f, v) => v);
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

function walk<T>(table: BigMap<number, Slot>, packed: (e: string) => T, loose: (f: string, v: string) => T): MapIterator<T> {
  function* gen(): Generator<T, undefined, unknown> {
    for (const s of table.values()) {
      if (typeof s === 'string') yield packed(s);
      else for (const [f, v] of s) yield loose(f, v);
    }
    return undefined;
  }
  return gen() as unknown as MapIterator<T>;
}
