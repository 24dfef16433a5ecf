/**
 * Hash value: a Map field -> value (both byte strings), in one of two representations that
 * follow the encoding Redis 7.0 would report:
 *  - listpack: a PackedPairs (util/packed-pairs.ts), one string holding every field and
 *    value, as a listpack is one run of bytes: a hash of a few fields costs a third of an
 *    array of strings and a fifth of a JS Map. Past LP_MAX_FIELDS fields (only with hash-max-listpack-entries raised from its
 *    default) it moves to a JS Map (a BigMap), as its lookups cost O(size).
 *    Both keep insertion order, update in place and append new fields, exactly how a
 *    listpack orders its fields, so replies of small hashes match Redis byte for byte.
 *  - hashtable: a PackedMap (util/packed-map.ts), one string per field holding field and
 *    value, about a fifth less memory per field than a Map of two strings. It iterates in
 *    its table's order; Redis's hashtable order is its own too, and clients must not rely
 *    on either.
 *
 * `listpack` is true until a field or value is longer than hash-max-listpack-value or the
 * hash has more than hash-max-listpack-entries fields; it never goes back. Handlers apply
 * the rule (they know the configuration); setting `listpack` converts the representation.
 */

import { BigMap } from '../util/bigmap.ts';
import { PackedMap } from '../util/packed-map.ts';
import { PackedPairs } from '../util/packed-pairs.ts';
import type { RObject } from './db.ts';

/** Below this size a random pick walks the Map; above it uses the sampling array. */
const WALK_MAX = 64;

/** Where a listpack-encoded hash leaves its packed string for a Map (default limit: 128 fields). */
const LP_MAX_FIELDS = 256;

export class HashValue implements RObject {
  /** A PackedPairs (or a BigMap when large) while listpack-encoded, a PackedMap once hashtable-encoded. */
  map: Map<string, string>;
  /** Memory accounting's last estimate (see RObject). */
  memAt = -1;
  memEst = 0;
  memEnc = '';
  lru = 0;
  /**
   * Random-access array of fields for HRANDFIELD on big hashes, built on first use. May hold
   * stale entries (fields deleted since) and duplicates: readers verify with the map.
   */
  private sample: string[] | null = null;

  constructor(map?: Map<string, string>) {
    this.map = map ?? new PackedPairs();
  }

  /** Redis encoding: listpack (true) or hashtable (false). */
  get listpack(): boolean {
    return !(this.map instanceof PackedMap);
  }

  set listpack(on: boolean) {
    if (on === this.listpack) return;
    this.map = on ? listpackOf(this.map) : new PackedMap(this.map);
    this.sample = null;
  }

  get type(): 'hash' {
    return 'hash';
  }

  encoding(): string {
    return this.listpack ? 'listpack' : 'hashtable';
  }

  clone(): HashValue {
    const m = this.map;
    return new HashValue(m instanceof PackedMap || m instanceof PackedPairs ? m.clone() : BigMap.from(m));
  }

  get size(): number {
    return this.map.size;
  }

  get(field: string): string | undefined {
    return this.map.get(field);
  }

  has(field: string): boolean {
    return this.map.has(field);
  }

  /** Sets a field; true when it was new. */
  set(field: string, value: string): boolean {
    const m = this.map;
    if (m instanceof PackedPairs) {
      if (!m.put(field, value)) return false;
      if (m.size > LP_MAX_FIELDS) this.map = new BigMap(m);
    } else if (m instanceof PackedMap) {
      if (!m.put(field, value)) return false;
    } else {
      const n = m.size;
      m.set(field, value);
      if (m.size === n) return false;
    }
    if (this.sample !== null) this.sample.push(field);
    return true;
  }

  /** Removes a field; true when it existed. */
  delete(field: string): boolean {
    return this.map.delete(field);
  }

  /**
   * hashTypeTryConversion + hashTypeSet's checks: converts to hashtable when `len` (a field
   * or value length about to be stored) exceeds maxValue, or the hash is over maxEntries.
   */
  checkLen(len: number, maxValue: number): void {
    if (this.listpack && len > maxValue) this.listpack = false;
  }

  checkEntries(maxEntries: number): void {
    if (this.listpack && this.map.size > maxEntries) this.listpack = false;
  }

  /** A uniformly random field (the hash must not be empty). */
  randomField(): string {
    const m = this.map;
    const n = m.size;
    if (n <= WALK_MAX) {
      let k = Math.floor(Math.random() * n);
      for (const f of m.keys()) if (k-- === 0) return f;
    }
    let s = this.sample;
    if (s === null || s.length > 2 * n + 16) s = this.sample = [...m.keys()];
    for (;;) {
      const i = Math.floor(Math.random() * s.length);
      const f = s[i];
      if (m.has(f)) return f;
      // Stale: swap-remove and retry.
      s[i] = s[s.length - 1];
      s.pop();
      if (s.length === 0) s = this.sample = [...m.keys()];
    }
  }
}

/** A listpack-encoded hash's representation for these entries. */
function listpackOf(m: Map<string, string>): Map<string, string> {
  return m.size > LP_MAX_FIELDS ? new BigMap(m) : new PackedPairs(m);
}
