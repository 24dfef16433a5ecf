/**
 * A small Map of byte string → byte string kept as ONE string, for listpack-encoded hashes:
 * `count, flen, field, vlen, value, flen, field...`, each number a length prefix
 * (util/packed-string.ts), fields in insertion order. A listpack is one allocation; so is
 * this, where an array of fields and values costs an array object, its backing store and a
 * string object per field and per value (a 1-field hash: 152 bytes against 72, a 5-field
 * one: ~400 against ~130).
 *
 * Lookups walk the entries, O(size) as a listpack's are: it is meant for the few fields
 * under hash-max-listpack-entries (HashValue moves to a Map past a size, whatever the
 * configuration). A write builds the string anew (a listpack reallocs and moves its tail):
 * updates keep an entry's place, new entries go at the end, deletes close the gap.
 * Iterators walk the string as it was when they started (strings are immutable): entries
 * changed during an iteration are seen as they were, added ones are not visited.
 */

import { flatten, lenPrefix, prefixSize, readLen } from './packed-string.ts';

const EMPTY = lenPrefix(0);
/** The marker of a 5-character length prefix (util/packed-string.ts). */
const LONG = 0xff;

export class PackedPairs implements Map<string, string> {
  private s: string;

  constructor(entries?: Iterable<readonly [string, string]> | null) {
    this.s = EMPTY;
    if (!entries) return;
    // A Map first: it dedups keeping the first place of a field and its last value, as
    // repeated puts would, without rebuilding the string per entry.
    const m = entries instanceof Map ? (entries as Map<string, string>) : new Map(entries);
    this.s = pack(m);
  }

  get size(): number {
    return readLen(this.s, 0);
  }

  get(field: string): string | undefined {
    const s = this.s;
    const p = find(s, field);
    if (p < 0) return undefined;
    const vp = p + prefixSize(s, p) + field.length;
    const start = vp + prefixSize(s, vp);
    return s.slice(start, start + readLen(s, vp));
  }

  has(field: string): boolean {
    return find(this.s, field) >= 0;
  }

  set(field: string, value: string): this {
    this.put(field, value);
    return this;
  }

  /** Sets a field; true when it was new. */
  put(field: string, value: string): boolean {
    const s = this.s;
    const p = find(s, field);
    if (p >= 0) {
      const vp = p + prefixSize(s, p) + field.length;
      // Rebuilding costs a flattening (a runtime call): skip it when nothing changes.
      if (readLen(s, vp) === value.length && sameAt(s, vp + prefixSize(s, vp), value, value.length)) return false;
      this.s = flatten(s.slice(0, vp) + lenPrefix(value.length) + value + s.slice(entryEnd(s, p)));
      return false;
    }
    const n = readLen(s, 0);
    this.s = flatten(lenPrefix(n + 1) + s.slice(prefixSize(s, 0)) + lenPrefix(field.length) + field + lenPrefix(value.length) + value);
    return true;
  }

  delete(field: string): boolean {
    const s = this.s;
    const p = find(s, field);
    if (p < 0) return false;
    const n = readLen(s, 0);
    this.s = n === 1 ? EMPTY : flatten(lenPrefix(n - 1) + s.slice(prefixSize(s, 0), p) + s.slice(entryEnd(s, p)));
    return true;
  }

  clear(): void {
    this.s = EMPTY;
  }

  clone(): PackedPairs {
    const out = new PackedPairs();
    out.s = this.s;
    return out;
  }

  forEach(fn: (value: string, key: string, map: Map<string, string>) => void, thisArg?: unknown): void {
    const s = this.s;
    for (let p = prefixSize(s, 0); p < s.length; ) {
      const fp = p + prefixSize(s, p);
      const fe = fp + readLen(s, p);
      const vp = fe + prefixSize(s, fe);
      const ve = vp + readLen(s, fe);
      fn.call(thisArg, s.slice(vp, ve), s.slice(fp, fe), this);
      p = ve;
    }
  }

  entries(): MapIterator<[string, string]> {
    return walk(this.s, ENTRIES) as MapIterator<[string, string]>;
  }

  keys(): MapIterator<string> {
    return walk(this.s, KEYS) as MapIterator<string>;
  }

  values(): MapIterator<string> {
    return walk(this.s, VALUES) as MapIterator<string>;
  }

  [Symbol.iterator](): MapIterator<[string, string]> {
    return this.entries();
  }

  get [Symbol.toStringTag](): string {
    return 'Map';
  }
}

/** The packed string of a Map's entries. */
function pack(m: Map<string, string>): string {
  const parts: string[] = [lenPrefix(m.size)];
  for (const [f, v] of m) parts.push(lenPrefix(f.length), f, lenPrefix(v.length), v);
  return flatten(parts.join(''));
}

/** Where field's entry starts in s, or -1. */
function find(s: string, field: string): number {
  const len = field.length;
  const end = s.length;
  let p = s.charCodeAt(0) < LONG ? 1 : 5;
  while (p < end) {
    let c = s.charCodeAt(p);
    let fp = p + 1;
    if (c === LONG) {
      c = readLen(s, p);
      fp = p + 5;
    }
    if (c === len && sameAt(s, fp, field, len)) return p;
    const vp = fp + c;
    c = s.charCodeAt(vp);
    p = c < LONG ? vp + 1 + c : vp + 5 + readLen(s, vp);
  }
  return -1;
}

/** True when s holds field's len characters at pos. */
function sameAt(s: string, pos: number, field: string, len: number): boolean {
  for (let i = 0; i < len; i++) if (s.charCodeAt(pos + i) !== field.charCodeAt(i)) return false;
  return true;
}

/** Where the entry starting at p ends. */
function entryEnd(s: string, p: number): number {
  const vp = p + prefixSize(s, p) + readLen(s, p);
  return vp + prefixSize(s, vp) + readLen(s, vp);
}

const ENTRIES = 0;
const KEYS = 1;
const VALUES = 2;

function* walk(s: string, what: number): Generator<[string, string] | string, undefined, unknown> {
  for (let p = prefixSize(s, 0); p < s.length; ) {
    const fp = p + prefixSize(s, p);
    const fe = fp + readLen(s, p);
    const vp = fe + prefixSize(s, fe);
    const ve = vp + readLen(s, fe);
    yield what === KEYS ? s.slice(fp, fe) : what === VALUES ? s.slice(vp, ve) : [s.slice(fp, fe), s.slice(vp, ve)];
    p = ve;
  }
  return undefined;
}
