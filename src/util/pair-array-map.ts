/**
 * A small Map of string → string kept as one flat array [field0, value0, field1, value1...],
 * in insertion order: what a listpack-encoded hash needs (a JS Map costs ~200 bytes before
 * its first entry; this costs an array of exactly two slots per entry).
 *
 * Lookups compare fields one by one, O(size) as a listpack's are: it is meant for the few
 * fields under hash-max-listpack-entries (HashValue moves to a Map past a size, whatever
 * the configuration). Updates keep an entry's place, new entries go at the end (the array
 * is copied to its exact new size, so no spare capacity is kept), deletes close the gap.
 * Iterators are live over the array: a delete during iteration may skip the entry after it.
 */

export class PairArrayMap implements Map<string, string> {
  private a: string[];

  constructor(entries?: Iterable<readonly [string, string]> | null) {
    this.a = [];
    if (entries) {
      const a: string[] = [];
      for (const [f, v] of entries) {
        const i = indexIn(a, f);
        if (i < 0) a.push(f, v);
        else a[i + 1] = v;
      }
      this.a = a.slice();
    }
  }

  get size(): number {
    return this.a.length >>> 1;
  }

  get(field: string): string | undefined {
    const a = this.a;
    const i = indexIn(a, field);
    return i < 0 ? undefined : a[i + 1];
  }

  has(field: string): boolean {
    return indexIn(this.a, field) >= 0;
  }

  set(field: string, value: string): this {
    this.put(field, value);
    return this;
  }

  /** Sets a field; true when it was new. */
  put(field: string, value: string): boolean {
    const a = this.a;
    const i = indexIn(a, field);
    if (i >= 0) {
      a[i + 1] = value;
      return false;
    }
    // concat allocates exactly the new length; push would reserve half as much again.
    this.a = a.concat(field, value);
    return true;
  }

  delete(field: string): boolean {
    const a = this.a;
    const i = indexIn(a, field);
    if (i < 0) return false;
    a.splice(i, 2);
    return true;
  }

  clear(): void {
    this.a = [];
  }

  clone(): PairArrayMap {
    const out = new PairArrayMap();
    out.a = this.a.slice();
    return out;
  }

  forEach(fn: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    const a = this.a;
    for (let i = 0; i < a.length; i += 2) fn.call(thisArg, a[i + 1], a[i], this);
  }

  entries(): MapIterator<[string, string]> {
    return walk(this, ENTRIES) as MapIterator<[string, string]>;
  }

  keys(): MapIterator<string> {
    return walk(this, KEYS) as MapIterator<string>;
  }

  values(): MapIterator<string> {
    return walk(this, VALUES) as MapIterator<string>;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  /** The flat array itself, for readers that walk it by index (do not modify). */
  get flat(): readonly string[] {
    return this.a;
  }
}

function indexIn(a: string[], field: string): number {
  for (let i = 0; i < a.length; i += 2) if (a[i] === field) return i;
  return -1;
}

const ENTRIES = 0;
const KEYS = 1;
const VALUES = 2;

function* walk(m: PairArrayMap, what: number): Generator<[string, string] | string, undefined, unknown> {
  // Re-read the array each step: put() replaces it when it grows.
  for (let i = 0; i < m.flat.length; i += 2) {
    const a = m.flat;
    yield what === KEYS ? a[i] : what === VALUES ? a[i + 1] : [a[i], a[i + 1]];
  }
  return undefined;
}
