/**
 * A Map and a Set without V8's limit of 2^24 entries per Map/Set (past it `set` throws
 * "Map maximum size exceeded"). Each starts as one native Map/Set, so below the threshold
 * a lookup costs one extra branch; past it, it spills into a list of chunks of at most
 * `chunkSize` entries: lookups try each chunk (2-3 of them at tens of millions of keys),
 * new entries go to the last chunk with room. Iteration visits chunk after chunk, each in
 * insertion order, so it behaves like one insertion-ordered Map: entries added during an
 * iteration are visited when they land after the cursor, deleted ones are skipped.
 */

/** Entries per chunk: half of V8's limit, so a chunk's table never has to double past it. */
export const CHUNK_SIZE = 2 ** 23;

export class BigMap<K, V> implements Map<K, V> {
  private head = new Map<K, V>();
  /** Every chunk (head first) once spilled; null while one Map holds everything. */
  private chunks: Map<K, V>[] | null = null;
  private count = 0;

  constructor(
    entries?: Iterable<readonly [K, V]> | null,
    private readonly chunkSize = CHUNK_SIZE,
  ) {
    if (entries) for (const [k, v] of entries) this.set(k, v);
  }

  get size(): number {
    return this.chunks === null ? this.head.size : this.count;
  }

  get(key: K): V | undefined {
    if (this.chunks === null) return this.head.get(key);
    for (const c of this.chunks) {
      const v = c.get(key);
      if (v !== undefined || c.has(key)) return v;
    }
    return undefined;
  }

  has(key: K): boolean {
    if (this.chunks === null) return this.head.has(key);
    for (const c of this.chunks) if (c.has(key)) return true;
    return false;
  }

  set(key: K, value: V): this {
    const head = this.head;
    if (this.chunks === null) {
      if (head.size < this.chunkSize || head.has(key)) {
        head.set(key, value);
        return this;
      }
      this.chunks = [head];
      this.count = head.size;
    }
    const chunks = this.chunks;
    for (const c of chunks) {
      if (c.has(key)) {
        c.set(key, value);
        return this;
      }
    }
    for (let i = chunks.length - 1; i >= 0; i--) {
      if (chunks[i].size < this.chunkSize) {
        chunks[i].set(key, value);
        this.count++;
        return this;
      }
    }
    chunks.push(new Map([[key, value]]));
    this.count++;
    return this;
  }

  /**
   * Adds an entry the caller knows is absent (DEBUG POPULATE into an empty database):
   * skips the chunks' lookups, which past the first chunk cost as much as the insert.
   */
  setNew(key: K, value: V): void {
    if (this.chunks === null && this.head.size < this.chunkSize) {
      this.head.set(key, value);
      return;
    }
    if (this.chunks === null) {
      this.chunks = [this.head];
      this.count = this.head.size;
    }
    const chunks = this.chunks;
    const last = chunks[chunks.length - 1];
    if (last.size < this.chunkSize) last.set(key, value);
    else chunks.push(new Map([[key, value]]));
    this.count++;
  }

  delete(key: K): boolean {
    if (this.chunks === null) return this.head.delete(key);
    for (const c of this.chunks) {
      if (c.delete(key)) {
        this.count--;
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.head = new Map();
    this.chunks = null;
    this.count = 0;
  }

  forEach(fn: (value: V, key: K, map: Map<K, V>) => void, thisArg?: unknown): void {
    for (const [k, v] of this.entries()) fn.call(thisArg, v, k, this);
  }

  entries(): MapIterator<[K, V]> {
    if (this.chunks === null) return this.head.entries();
    return chained(this.chunks, (c) => c.entries());
  }

  keys(): MapIterator<K> {
    if (this.chunks === null) return this.head.keys();
    return chained(this.chunks, (c) => c.keys());
  }

  values(): MapIterator<V> {
    if (this.chunks === null) return this.head.values();
    return chained(this.chunks, (c) => c.values());
  }

  [Symbol.iterator](): MapIterator<[K, V]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }

  /** Chunks in use (1 until spilled); for tests and INFO-style introspection. */
  get chunkCount(): number {
    return this.chunks === null ? 1 : this.chunks.length;
  }

  /** A copy, made chunk by chunk with the native Map copy (several times faster than set()). */
  static from<K, V>(src: Map<K, V>): BigMap<K, V> {
    const out = new BigMap<K, V>(null, src instanceof BigMap ? src.chunkSize : CHUNK_SIZE);
    if (src instanceof BigMap) {
      out.head = new Map(src.head);
      if (src.chunks !== null) {
        out.chunks = src.chunks.map((c) => (c === src.head ? out.head : new Map(c)));
        out.count = src.count;
      }
    } else if (src.size <= out.chunkSize) {
      out.head = new Map(src);
    } else {
      for (const [k, v] of src) out.set(k, v);
    }
    return out;
  }
}

export class BigSet<T> implements Set<T> {
  private head = new Set<T>();
  private chunks: Set<T>[] | null = null;
  private count = 0;

  constructor(
    values?: Iterable<T> | null,
    private readonly chunkSize = CHUNK_SIZE,
  ) {
    if (values) for (const v of values) this.add(v);
  }

  get size(): number {
    return this.chunks === null ? this.head.size : this.count;
  }

  has(value: T): boolean {
    if (this.chunks === null) return this.head.has(value);
    for (const c of this.chunks) if (c.has(value)) return true;
    return false;
  }

  add(value: T): this {
    const head = this.head;
    if (this.chunks === null) {
      if (head.size < this.chunkSize || head.has(value)) {
        head.add(value);
        return this;
      }
      this.chunks = [head];
      this.count = head.size;
    }
    const chunks = this.chunks;
    for (const c of chunks) if (c.has(value)) return this;
    for (let i = chunks.length - 1; i >= 0; i--) {
      if (chunks[i].size < this.chunkSize) {
        chunks[i].add(value);
        this.count++;
        return this;
      }
    }
    chunks.push(new Set([value]));
    this.count++;
    return this;
  }

  delete(value: T): boolean {
    if (this.chunks === null) return this.head.delete(value);
    for (const c of this.chunks) {
      if (c.delete(value)) {
        this.count--;
        return true;
      }
    }
    return false;
  }

  clear(): void {
    this.head = new Set();
    this.chunks = null;
    this.count = 0;
  }

  forEach(fn: (value: T, value2: T, set: Set<T>) => void, thisArg?: unknown): void {
    for (const v of this.values()) fn.call(thisArg, v, v, this);
  }

  values(): SetIterator<T> {
    if (this.chunks === null) return this.head.values();
    return chained(this.chunks, (c) => c.values());
  }

  keys(): SetIterator<T> {
    return this.values();
  }

  entries(): SetIterator<[T, T]> {
    if (this.chunks === null) return this.head.entries();
    return chained(this.chunks, (c) => c.entries());
  }

  [Symbol.iterator](): SetIterator<T> {
    return this.values();
  }

  get [Symbol.toStringTag](): string {
    return 'Set';
  }

  get chunkCount(): number {
    return this.chunks === null ? 1 : this.chunks.length;
  }
}

/** One iterator over each chunk's iterator in turn (chunks added meanwhile included). */
function chained<C, T>(chunks: C[], each: (c: C) => Iterator<T>): MapIterator<T> {
  function* walk(): Generator<T, undefined, unknown> {
    for (let i = 0; i < chunks.length; i++) {
      const it = each(chunks[i]);
      for (let r = it.next(); !r.done; r = it.next()) yield r.value;
    }
    return undefined;
  }
  return walk() as unknown as MapIterator<T>;
}
