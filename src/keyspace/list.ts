/**
 * List value for Redis lists: a growable ring buffer of byte strings.
 *
 * O(1) push/pop at both ends and O(1) index access; insertion and removal in the
 * middle shift the shorter side, so they cost O(min(i, n-i)). Capacity is a power
 * of two (index wrap is a mask) and shrinks when the list falls to a quarter of it.
 *
 * The list knows nothing about blocking clients: pushes return the new length, so
 * the keyspace can mark the key "ready" in O(1) and serve waiters with popFront /
 * popBack after the command, as Redis's handleClientsBlockedOnKeys does.
 * Indexes here are always 0-based and non-negative; the Redis negative-index
 * convention is resolved by the caller (or by `normIndex`).
 */

import type { RObject } from './db.ts';

/**
 * A list is made with the capacity its first elements need (most lists in a keyspace of
 * small values hold one or two: four slots would be a quarter of such a key's memory), but
 * never shrinks below this, so a short queue's pushes and pops do not resize it each time.
 */
const MIN_CAP = 4;

export class List implements RObject {
  /** On the prototype, as every value's type: an own field would cost each key 8 bytes. */
  get type(): 'list' {
    return 'list';
  }

  /** Memory accounting's last estimate (see RObject). */
  memAt = -1;
  memEst = 0;
  memEnc = '';
  lru = 0;
  private buf: (string | undefined)[];
  private head = 0;
  private len = 0;
  private mask: number;

  /** Create a list, optionally filled (in order) with `items`. */
  constructor(items?: readonly string[]) {
    let cap = 1;
    const n = items ? items.length : 0;
    while (cap < n) cap *= 2;
    this.buf = new Array(cap);
    this.mask = cap - 1;
    if (items) {
      for (let i = 0; i < n; i++) this.buf[i] = items[i];
      this.len = n;
    }
  }

  /** OBJECT ENCODING: Redis 7.0 lists are always quicklists. */
  encoding(): string {
    return 'quicklist';
  }

  /** An independent copy (COPY). */
  clone(): List {
    return new List(this.toArray());
  }

  /** Number of elements. */
  get length(): number {
    return this.len;
  }

  get size(): number {
    return this.len;
  }

  /** Redis index (negative counts from the tail) to a 0-based index, or -1 if out of range. */
  normIndex(index: number): number {
    const i = index < 0 ? this.len + index : index;
    return i >= 0 && i < this.len ? i : -1;
  }

  /** Element at 0-based index i (caller guarantees 0 <= i < length). */
  get(i: number): string {
    return this.buf[(this.head + i) & this.mask] as string;
  }

  /** Replace the element at 0-based index i (caller guarantees range). */
  set(i: number, value: string): void {
    this.buf[(this.head + i) & this.mask] = value;
  }

  /** Append one element at the tail; returns the new length. */
  pushBack(value: string): number {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.buf[(this.head + this.len) & this.mask] = value;
    return ++this.len;
  }

  /** Prepend one element at the head; returns the new length. */
  pushFront(value: string): number {
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    this.head = (this.head - 1) & this.mask;
    this.buf[this.head] = value;
    return ++this.len;
  }

  /** Remove and return the head element, or undefined if empty. */
  popFront(): string | undefined {
    if (this.len === 0) return undefined;
    const v = this.buf[this.head];
    this.buf[this.head] = undefined;
    this.head = (this.head + 1) & this.mask;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Remove and return the tail element, or undefined if empty. */
  popBack(): string | undefined {
    if (this.len === 0) return undefined;
    const j = (this.head + this.len - 1) & this.mask;
    const v = this.buf[j];
    this.buf[j] = undefined;
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Insert `value` so it ends up at 0-based index i (0 <= i <= length); returns the new length. */
  insert(i: number, value: string): number {
    if (i <= 0) return this.pushFront(value);
    if (i >= this.len) return this.pushBack(value);
    if (this.len === this.buf.length) this.resize(this.buf.length * 2);
    const buf = this.buf;
    const mask = this.mask;
    if (i < this.len - i) {
      // Shift the first i elements one step towards the front.
      const h = this.head;
      this.head = (h - 1) & mask;
      for (let k = 0; k < i; k++) buf[(h - 1 + k) & mask] = buf[(h + k) & mask];
      buf[(h - 1 + i) & mask] = value;
    } else {
      // Shift elements i..len-1 one step towards the back.
      const h = this.head;
      for (let k = this.len; k > i; k--) buf[(h + k) & mask] = buf[(h + k - 1) & mask];
      buf[(h + i) & mask] = value;
    }
    return ++this.len;
  }

  /** Remove and return the element at 0-based index i (caller guarantees range). */
  removeAt(i: number): string {
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    const v = buf[(h + i) & mask] as string;
    if (i < this.len - 1 - i) {
      for (let k = i; k > 0; k--) buf[(h + k) & mask] = buf[(h + k - 1) & mask];
      buf[h] = undefined;
      this.head = (h + 1) & mask;
    } else {
      const last = this.len - 1;
      for (let k = i; k < last; k++) buf[(h + k) & mask] = buf[(h + k + 1) & mask];
      buf[(h + last) & mask] = undefined;
    }
    this.len--;
    this.maybeShrink();
    return v;
  }

  /** Elements from 0-based start to stop inclusive, clamped to the list; [] if empty range. */
  range(start: number, stop: number): string[] {
    if (start < 0) start = 0;
    if (stop >= this.len) stop = this.len - 1;
    if (start > stop) return [];
    const out = new Array<string>(stop - start + 1);
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    for (let i = start, o = 0; i <= stop; i++, o++) out[o] = buf[(h + i) & mask] as string;
    return out;
  }

  /** Call fn(value, index) for 0-based indexes start..stop (clamped), forwards or backwards; stop early if fn returns false. */
  forEach(fn: (value: string, index: number) => boolean | void, start = 0, stop = this.len - 1, reverse = false): void {
    if (start < 0) start = 0;
    if (stop >= this.len) stop = this.len - 1;
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    if (!reverse) {
      for (let i = start; i <= stop; i++) if (fn(buf[(h + i) & mask] as string, i) === false) return;
    } else {
      for (let i = stop; i >= start; i--) if (fn(buf[(h + i) & mask] as string, i) === false) return;
    }
  }

  /** Keep only 0-based indexes start..stop inclusive (LTRIM after index normalisation); empty if start > stop. */
  trim(start: number, stop: number): void {
    if (start < 0) start = 0;
    if (stop >= this.len) stop = this.len - 1;
    if (start > stop) {
      this.clear();
      return;
    }
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    for (let i = 0; i < start; i++) buf[(h + i) & mask] = undefined;
    for (let i = stop + 1; i < this.len; i++) buf[(h + i) & mask] = undefined;
    this.head = (h + start) & mask;
    this.len = stop - start + 1;
    this.maybeShrink();
  }

  /**
   * LREM: remove up to |count| elements equal to `value` (all if count is 0), scanning from
   * the head when count >= 0 and from the tail when count < 0; returns how many were removed.
   */
  removeValue(value: string, count: number): number {
    const n = this.len;
    const limit = count === 0 ? n : Math.abs(count);
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    let removed = 0;
    if (count >= 0) {
      // Compact forwards: w is the write cursor.
      let w = 0;
      for (let r = 0; r < n; r++) {
        const v = buf[(h + r) & mask] as string;
        if (removed < limit && v === value) {
          removed++;
          continue;
        }
        if (w !== r) buf[(h + w) & mask] = v;
        w++;
      }
      for (let k = w; k < n; k++) buf[(h + k) & mask] = undefined;
    } else {
      // Compact backwards towards the tail, then move head.
      let w = n - 1;
      for (let r = n - 1; r >= 0; r--) {
        const v = buf[(h + r) & mask] as string;
        if (removed < limit && v === value) {
          removed++;
          continue;
        }
        if (w !== r) buf[(h + w) & mask] = v;
        w--;
      }
      for (let k = 0; k <= w; k++) buf[(h + k) & mask] = undefined;
      this.head = (h + removed) & mask;
    }
    this.len = n - removed;
    if (removed) this.maybeShrink();
    return removed;
  }

  /** First 0-based index of `value` at or after `from`, or -1. */
  indexOf(value: string, from = 0): number {
    const buf = this.buf;
    const mask = this.mask;
    const h = this.head;
    for (let i = from < 0 ? 0 : from; i < this.len; i++) if (buf[(h + i) & mask] === value) return i;
    return -1;
  }

  /** Remove every element. */
  clear(): void {
    this.buf = new Array(1);
    this.mask = 0;
    this.head = 0;
    this.len = 0;
  }

  /** All elements head to tail as a new array. */
  toArray(): string[] {
    return this.range(0, this.len - 1);
  }

  private maybeShrink(): void {
    const cap = this.buf.length;
    if (cap > MIN_CAP && this.len <= cap >>> 2) {
      let target = MIN_CAP;
      while (target < this.len * 2) target *= 2;
      this.resize(target);
    }
  }

  private resize(cap: number): void {
    const old = this.buf;
    const oldMask = this.mask;
    const nb = new Array<string | undefined>(cap);
    for (let i = 0; i < this.len; i++) nb[i] = old[(this.head + i) & oldMask];
    this.buf = nb;
    this.mask = cap - 1;
    this.head = 0;
  }
}
