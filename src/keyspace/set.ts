/**
 * Set value with Redis 7.0's two encodings:
 *  - intset: every member a canonical 64-bit integer (string2ll rules) and at most
 *    set-max-intset-entries of them. Stored as a sorted array of the canonical strings,
 *    ordered numerically, so iteration is ascending like Redis's intset.
 *  - hashtable: a JS Set of byte strings. Never converts back.
 * Handlers pass the configured limit to `add`.
 */

import { BigSet } from '../util/bigmap.ts';
import type { RObject } from './db.ts';
import { DictShape, dictStats, nextPower } from './dict-shape.ts';
import { parseInt64 } from '../util/numbers.ts';

/** Below this size a random pick walks the Set; above it uses the sampling array. */
const WALK_MAX = 64;
/** A hashtable set keeps its DictShape from this size (see `shape`). */
const SHAPE_MIN = 64;
/** dictGetFairRandomKey samples this many entries, taking as many rehash steps. */
const FAIR_RANDOM_SAMPLE = 15;

/** True when s is a canonical int64 (string2ll / isSdsRepresentableAsLongLong). */
export function isIntMember(s: string): boolean {
  const n = s.length;
  if (n === 0 || n > 20) return false;
  const c = s.charCodeAt(0);
  if (c !== 45 && (c < 48 || c > 57)) return false;
  return parseInt64(s) !== null;
}

/** Numeric order of two canonical integer strings. */
export function cmpInt(a: string, b: string): number {
  const na = a.charCodeAt(0) === 45;
  const nb = b.charCodeAt(0) === 45;
  if (na !== nb) return na ? -1 : 1;
  let r: number;
  if (a.length !== b.length) r = a.length < b.length ? -1 : 1;
  else r = a < b ? -1 : a > b ? 1 : 0;
  return na ? -r : r;
}

export class SetValue implements RObject {
  /** Sorted canonical integers while intset-encoded, else null. */
  ints: string[] | null;
  /** Memory accounting's last estimate (see RObject). */
  memAt = -1;
  memEst = 0;
  memEnc = '';
  lru = 0;
  /** The members once hashtable-encoded, else null. */
  hs: Set<string> | null;
  /** HT random-access array (SPOP/SRANDMEMBER on big sets); may hold stale entries. */
  private sample: string[] | null = null;
  /**
   * The shape Redis's dict has (dict-shape.ts), kept once the set is big enough for a
   * resize to matter (SHAPE_MIN members) or something looked at it (SSCAN, HTSTATS-KEY).
   * Until then a small set's table is taken at its natural size, which spares every small
   * set the object. Made sized as Redis presizes a converted, loaded or copied set.
   */
  private shape: DictShape | null = null;

  /** An empty set; intset-encoded unless `intset` is false (setTypeCreate rules). */
  constructor(intset = true) {
    this.ints = intset ? [] : null;
    this.hs = intset ? null : new BigSet();
  }

  /** setTypeCreate: the encoding a new set gets for its first member. */
  static forMember(m: string): SetValue {
    return new SetValue(isIntMember(m));
  }

  get type(): 'set' {
    return 'set';
  }

  encoding(): string {
    return this.ints !== null ? 'intset' : 'hashtable';
  }

  clone(): SetValue {
    const s = new SetValue(this.ints !== null);
    if (this.ints !== null) s.ints = this.ints.slice();
    else s.hs = new BigSet(this.hs);
    return s;
  }

  get size(): number {
    return this.ints !== null ? this.ints.length : (this.hs as Set<string>).size;
  }

  /** Members in Redis iteration order for intsets (ascending); a live view, do not mutate. */
  members(): Iterable<string> {
    return this.ints ?? (this.hs as Set<string>);
  }

  private find(m: string): number {
    const a = this.ints as string[];
    let lo = 0;
    let hi = a.length - 1;
    while (lo <= hi) {
      const mid = (lo + hi) >>> 1;
      const r = cmpInt(a[mid], m);
      if (r === 0) return mid;
      if (r < 0) lo = mid + 1;
      else hi = mid - 1;
    }
    return -(lo + 1);
  }

  private dict(): DictShape {
    return (this.shape ??= new DictShape((this.hs as Set<string>).size));
  }

  /** Buckets of the modeled dict (both tables while rehashing), for memory accounting. */
  get buckets(): number {
    const hs = this.hs as Set<string>;
    return this.shape?.buckets ?? (hs.size === 0 ? 0 : nextPower(hs.size));
  }

  /**
   * `canResize`: false while a child process runs (Redis's dict_can_resize); every member
   * operation takes the rehash steps Redis's dict operations take.
   */
  has(m: string, canResize = true): boolean {
    if (this.hs !== null) {
      const sh = this.shape;
      if (sh !== null && sh.rehashIdx >= 0) sh.step(1, canResize);
      return this.hs.has(m);
    }
    if (!isIntMember(m)) return false;
    return this.find(m) >= 0;
  }

  /** setTypeAdd: adds a member, converting to hashtable per Redis; true when it was new. */
  add(m: string, maxIntset: number, canResize = true): boolean {
    if (this.hs === null && !isIntMember(m)) this.convert();
    const hs = this.hs;
    if (hs !== null) {
      const n = hs.size;
      const sh = this.shape ?? (n >= SHAPE_MIN ? this.dict() : null);
      if (sh !== null) sh.beforeAdd(n, canResize);
      hs.add(m);
      if (hs.size === n) return false;
      if (sh !== null) sh.added(m);
      if (this.sample !== null) this.sample.push(m);
      return true;
    }
    const i = this.find(m);
    if (i >= 0) return false;
    const a = this.ints as string[];
    const at = -i - 1;
    if (at === a.length) a.push(m);
    else a.splice(at, 0, m);
    if (a.length > Math.min(maxIntset, 1 << 30)) this.convert();
    return true;
  }

  /** Removes a member; true when it was there. */
  remove(m: string, canResize = true): boolean {
    const hs = this.hs;
    if (hs !== null) {
      const sh = this.shape;
      if (sh === null) return hs.delete(m);
      if (hs.size === 0) return false;
      if (sh.rehashIdx >= 0) sh.step(1, canResize);
      if (!hs.delete(m)) return false;
      sh.removed(m);
      sh.shrinkIfNeeded(hs.size, canResize, hs);
      return true;
    }
    if (!isIntMember(m)) return false;
    const i = this.find(m);
    if (i < 0) return false;
    (this.ints as string[]).splice(i, 1);
    return true;
  }

  /** To hashtable encoding, for good. */
  convert(): void {
    if (this.ints === null) return;
    this.hs = new BigSet(this.ints);
    if (this.ints.length >= SHAPE_MIN) this.shape = new DictShape(this.ints.length);
    this.ints = null;
  }

  /** A uniformly random member (the set must not be empty). */
  random(canResize = true): string {
    if (this.ints !== null) return this.ints[Math.floor(Math.random() * this.ints.length)];
    const hs = this.hs as Set<string>;
    const n = hs.size;
    const sh = this.shape;
    if (sh !== null && sh.rehashIdx >= 0) sh.step(Math.min(n, FAIR_RANDOM_SAMPLE), canResize);
    if (n <= WALK_MAX) {
      let k = Math.floor(Math.random() * n);
      for (const m of hs) if (k-- === 0) return m;
    }
    let s = this.sample;
    if (s === null || s.length > 2 * n + 16) s = this.sample = [...hs];
    for (;;) {
      const i = Math.floor(Math.random() * s.length);
      const m = s[i];
      if (hs.has(m)) return m;
      s[i] = s[s.length - 1];
      s.pop();
      if (s.length === 0) s = this.sample = [...hs];
    }
  }

  /** DEBUG HTSTATS-KEY's text (hashtable encoding). */
  htStats(): string {
    return dictStats(this.dict(), this.hs as Set<string>);
  }

  /** The modeled dict (hashtable encoding), made now if not kept yet: SSCAN walks it. */
  dictShape(): DictShape {
    return this.dict();
  }
}
