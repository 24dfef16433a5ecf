/**
 * Sorted set value: a Map member -> score for O(1) ZSCORE plus an order-statistic B+tree
 * for O(log n) rank, range by rank/score/lex, insert, update and delete.
 *
 * Order is Redis's: by score, then by member bytewise (members are latin1 byte strings, so
 * JS `<` on them is memcmp order with the shorter prefix first). -0 and 0 compare equal.
 *
 * Tree shape: leaves hold up to 64 elements in two parallel arrays (members, scores) and are
 * linked both ways for range walks; inner nodes hold up to 64 children with their element
 * counts and a routing key per child (a lower bound of that child's keys; slot 0 unused).
 * A small zset is a single leaf, so per-key overhead stays small.
 *
 * Ranks are 0-based in ascending order. Lex queries assume all scores are equal, as Redis
 * documents ("unspecified" otherwise).
 */

import { BigMap } from '../util/bigmap.ts';
import type { RObject } from './db.ts';
import { ERR } from '../errors.ts';

const LEAF_MAX = 64;
/** Up to this many elements a set has no member -> score Map (see ZSet.d). Below LEAF_MAX. */
const SMALL_MAX = 32;
const INNER_MAX = 64;
const LEAF_MIN = 16;
const INNER_MIN = 16;
/** Split point when a node overflows at its far end (sequential inserts): keep nodes 3/4 full. */
const EDGE_SPLIT = 48;

class Leaf {
  m: string[];
  s: number[];
  next: Leaf | null = null;
  prev: Leaf | null = null;
  constructor(m: string[], s: number[]) {
    this.m = m;
    this.s = s;
  }
}

class Inner {
  /** Children. */
  c: ZNode[];
  /** Element count of each child. */
  n: number[];
  /** Routing key of each child: every key in c[i] is >= (ss[i], sm[i]) and < (ss[i+1], sm[i+1]). */
  ss: number[];
  sm: string[];
  constructor(c: ZNode[], n: number[], ss: number[], sm: string[]) {
    this.c = c;
    this.n = n;
    this.ss = ss;
    this.sm = sm;
  }
}

type ZNode = Leaf | Inner;

/** Bound of a lex range: `-` (inf -1), `+` (inf 1), `[x` or `(x` (inf 0, ex false/true). */
export interface LexBound {
  inf: -1 | 0 | 1;
  value: string;
  ex: boolean;
}

/** Parse a ZRANGEBYLEX-style bound (`-`, `+`, `[x`, `(x`); null if invalid (ERR.minMaxNotValid). */
export function parseLexBound(arg: string): LexBound | null {
  if (arg.length === 0) return null;
  const c = arg.charCodeAt(0);
  if (c === 45 /* - */ && arg.length === 1) return { inf: -1, value: '', ex: false };
  if (c === 43 /* + */ && arg.length === 1) return { inf: 1, value: '', ex: false };
  if (c === 91 /* [ */) return { inf: 0, value: arg.slice(1), ex: false };
  if (c === 40 /* ( */) return { inf: 0, value: arg.slice(1), ex: true };
  return null;
}

/** Counting modes for the descent in `countBelow`. */
const SCORE_LT = 0;
const SCORE_LE = 1;
const LEX_LT = 2;
const LEX_LE = 3;

/** Index of the first leaf slot whose key is >= (s, m). */
function leafLower(leaf: Leaf, s: number, m: string): number {
  const ms = leaf.m;
  const ss = leaf.s;
  let lo = 0;
  let hi = ms.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    const x = ss[mid];
    if (x < s || (x === s && ms[mid] < m)) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Child index of inner node `p` whose key range contains (s, m). */
function route(p: Inner, s: number, m: string): number {
  const ss = p.ss;
  const sm = p.sm;
  let lo = 1;
  let hi = p.c.length - 1;
  let ans = 0;
  while (lo <= hi) {
    const mid = (lo + hi) >>> 1;
    const x = ss[mid];
    if (x < s || (x === s && sm[mid] <= m)) {
      ans = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return ans;
}

/** Whether a key satisfies the monotone "below" predicate of `mode`. */
function below(mode: number, s: number, m: string, x: number, str: string): boolean {
  switch (mode) {
    case SCORE_LT:
      return s < x;
    case SCORE_LE:
      return s <= x;
    case LEX_LT:
      return m < str;
    default:
      return m <= str;
  }
}

function nodeSize(node: ZNode): number {
  if (node instanceof Leaf) return node.m.length;
  let t = 0;
  for (const k of node.n) t += k;
  return t;
}

/** Position of an element: a leaf and a slot in it. */
interface Cursor {
  leaf: Leaf;
  idx: number;
}

export class ZSet implements RObject {
  /** On the prototype, as every value's type: an own field would cost each key 8 bytes. */
  get type(): 'zset' {
    return 'zset';
  }

  /** Memory accounting's last estimate (see RObject). */
  memAt = -1;
  memEst = 0;
  memEnc = '';
  lru = 0;
  /**
   * member -> score, once the set has more than SMALL_MAX elements (a small set is one
   * leaf, scanned as Redis scans a listpack: a Map would cost more than the set itself).
   */
  private d: Map<string, number> | null = null;
  private root: ZNode = new Leaf([], []);
  /**
   * Encoding Redis would have: false = listpack, true = skiplist. Policy belongs to handlers
   * (see `convertIfNeeded`); the structure itself is the same either way.
   */
  skiplist = false;

  /**
   * member -> score, for ZSCAN and unordered walks. For a small set, a Map made on the
   * spot (its contents as they are now): read it, never write to it.
   */
  get dict(): Map<string, number> {
    if (this.d !== null) return this.d;
    const leaf = this.root as Leaf;
    const m = new Map<string, number>();
    for (let i = 0; i < leaf.m.length; i++) m.set(leaf.m[i], leaf.s[i]);
    return m;
  }

  /** The score of member, or undefined. */
  private lookup(member: string): number | undefined {
    if (this.d !== null) return this.d.get(member);
    const leaf = this.root as Leaf;
    const i = leaf.m.indexOf(member);
    return i < 0 ? undefined : leaf.s[i];
  }

  /** OBJECT ENCODING as Redis 7.0 reports it. */
  encoding(): string {
    return this.skiplist ? 'skiplist' : 'listpack';
  }

  /**
   * zsetAdd's conversion rule: once the set has more than maxEntries elements or a member
   * longer than maxValue bytes (pass the member just added), it is a skiplist for good.
   */
  convertIfNeeded(maxEntries: number, maxValue: number, memberLen = 0): void {
    if (!this.skiplist && (this.size > maxEntries || memberLen > maxValue)) this.skiplist = true;
  }

  /** A deep copy with the same encoding (COPY). */
  clone(): ZSet {
    const members: string[] = [];
    const scores: number[] = [];
    for (const [m, s] of this) {
      members.push(m);
      scores.push(s);
    }
    const z = ZSet.fromSorted(members, scores);
    z.skiplist = this.skiplist;
    return z;
  }

  /**
   * Build a set from members already in Redis order (score, then member) with distinct
   * members, in O(n); nodes are packed 3/4 full.
   */
  static fromSorted(members: readonly string[], scores: readonly number[]): ZSet {
    const z = new ZSet();
    const n = members.length;
    if (n === 0) return z;
    if (n > SMALL_MAX) {
      const d = (z.d = new BigMap<string, number>());
      for (let i = 0; i < n; i++) d.set(members[i], scores[i]);
    }
    let level: ZNode[] = [];
    let sizes: number[] = [];
    let keysS: number[] = [];
    let keysM: string[] = [];
    let prev: Leaf | null = null;
    for (const [a, b] of chunks(n, EDGE_SPLIT, LEAF_MIN)) {
      const leaf = new Leaf(members.slice(a, b), scores.slice(a, b));
      leaf.prev = prev;
      if (prev !== null) prev.next = leaf;
      prev = leaf;
      level.push(leaf);
      sizes.push(b - a);
      keysS.push(scores[a]);
      keysM.push(members[a]);
    }
    while (level.length > 1) {
      const up: ZNode[] = [];
      const upSizes: number[] = [];
      const upS: number[] = [];
      const upM: string[] = [];
      for (const [a, b] of chunks(level.length, EDGE_SPLIT, INNER_MIN)) {
        const node = new Inner(level.slice(a, b), sizes.slice(a, b), keysS.slice(a, b), keysM.slice(a, b));
        up.push(node);
        let t = 0;
        for (let i = a; i < b; i++) t += sizes[i];
        upSizes.push(t);
        upS.push(keysS[a]);
        upM.push(keysM[a]);
      }
      level = up;
      sizes = upSizes;
      keysS = upS;
      keysM = upM;
    }
    z.root = level[0];
    return z;
  }

  /** Number of elements (ZCARD). */
  get size(): number {
    return this.d !== null ? this.d.size : (this.root as Leaf).m.length;
  }

  /** Score of member, or undefined if absent (ZSCORE). */
  score(member: string): number | undefined {
    return this.lookup(member);
  }

  /** True if member is in the set. */
  has(member: string): boolean {
    return this.lookup(member) !== undefined;
  }

  /** Insert member with score, or move it to the new score; returns true if it was newly added. */
  add(member: string, score: number): boolean {
    const old = this.lookup(member);
    const d = this.d;
    if (old === undefined) {
      if (d !== null) d.set(member, score);
      this.insert(score, member);
      if (d === null && this.size > SMALL_MAX) this.d = new BigMap(this);
      return true;
    }
    if (old !== score) {
      if (d !== null) d.set(member, score);
      if (!this.updateInPlace(old, member, score)) {
        this.erase(old, member);
        this.insert(score, member);
      }
    }
    return false;
  }

  /** Remove member; returns true if it was present (ZREM). */
  remove(member: string): boolean {
    const old = this.lookup(member);
    if (old === undefined) return false;
    if (this.d !== null) this.d.delete(member);
    this.erase(old, member);
    return true;
  }

  /** 0-based ascending rank of member, or -1 if absent (ZRANK; reverse rank is size-1-rank). */
  rank(member: string): number {
    const s = this.lookup(member);
    if (s === undefined) return -1;
    let node = this.root;
    let r = 0;
    while (node instanceof Inner) {
      const i = route(node, s, member);
      for (let k = 0; k < i; k++) r += node.n[k];
      node = node.c[i];
    }
    return r + leafLower(node, s, member);
  }

  /** Member at 0-based ascending rank (caller guarantees 0 <= rank < size). */
  memberAt(rank: number): string {
    const c = this.seek(rank);
    return c.leaf.m[c.idx];
  }

  /** Score at 0-based ascending rank (caller guarantees 0 <= rank < size). */
  scoreAt(rank: number): number {
    const c = this.seek(rank);
    return c.leaf.s[c.idx];
  }

  /** Number of elements with score < x, or <= x when inclusive. */
  countScoreBelow(x: number, inclusive: boolean): number {
    return this.countBelow(inclusive ? SCORE_LE : SCORE_LT, x, '');
  }

  /** Number of elements with member < str, or <= str when inclusive (lex order; equal scores assumed). */
  countLexBelow(str: string, inclusive: boolean): number {
    return this.countBelow(inclusive ? LEX_LE : LEX_LT, 0, str);
  }

  /** Ranks [first, last] of elements with score in the range (minex/maxex: exclusive bounds); first > last if none. */
  scoreRangeRanks(min: number, minex: boolean, max: number, maxex: boolean): [number, number] {
    const first = this.countScoreBelow(min, minex);
    const end = this.countScoreBelow(max, !maxex);
    return [first, end - 1];
  }

  /** Ranks [first, last] of elements with member within the lex bounds; first > last if none. */
  lexRangeRanks(min: LexBound, max: LexBound): [number, number] {
    const n = this.size;
    const first = min.inf === -1 ? 0 : min.inf === 1 ? n : this.countLexBelow(min.value, min.ex);
    const end = max.inf === 1 ? n : max.inf === -1 ? 0 : this.countLexBelow(max.value, !max.ex);
    return [first, end - 1];
  }

  /**
   * Visit ranks start..stop (clamped to the set) in ascending order, or descending from stop to
   * start when reverse; fn(member, score) may return false to stop early.
   */
  forEachInRankRange(
    start: number,
    stop: number,
    reverse: boolean,
    fn: (member: string, score: number) => boolean | void,
  ): void {
    if (start < 0) start = 0;
    if (stop >= this.size) stop = this.size - 1;
    if (start > stop) return;
    let left = stop - start + 1;
    if (!reverse) {
      const c = this.seek(start);
      let leaf: Leaf | null = c.leaf;
      let i = c.idx;
      while (leaf !== null) {
        const ms = leaf.m;
        const ss = leaf.s;
        for (; i < ms.length; i++) {
          if (fn(ms[i], ss[i]) === false || --left === 0) return;
        }
        leaf = leaf.next;
        i = 0;
      }
    } else {
      const c = this.seek(stop);
      let leaf: Leaf | null = c.leaf;
      let i = c.idx;
      while (leaf !== null) {
        const ms = leaf.m;
        const ss = leaf.s;
        for (; i >= 0; i--) {
          if (fn(ms[i], ss[i]) === false || --left === 0) return;
        }
        leaf = leaf.prev;
        if (leaf !== null) i = leaf.m.length - 1;
      }
    }
  }

  /** Members and scores of ranks start..stop (clamped), ascending or descending, as flat arrays. */
  rangeByRank(start: number, stop: number, reverse = false): { members: string[]; scores: number[] } {
    const members: string[] = [];
    const scores: number[] = [];
    this.forEachInRankRange(start, stop, reverse, (m, s) => {
      members.push(m);
      scores.push(s);
    });
    return { members, scores };
  }

  /** Remove ranks start..stop (clamped); returns the number removed (ZREMRANGEBY*). */
  removeRankRange(start: number, stop: number): number {
    const { members } = this.rangeByRank(start, stop);
    for (const m of members) this.remove(m);
    return members.length;
  }

  /** Remove every element. */
  clear(): void {
    this.d = null;
    this.root = new Leaf([], []);
  }

  /** Iterate [member, score] pairs in ascending order. */
  *[Symbol.iterator](): IterableIterator<[string, number]> {
    let leaf: Leaf | null = this.firstLeaf();
    while (leaf !== null) {
      for (let i = 0; i < leaf.m.length; i++) yield [leaf.m[i], leaf.s[i]];
      leaf = leaf.next;
    }
  }

  /** Internal consistency check for tests: throws on a broken invariant. */
  checkInvariants(): void {
    let count = 0;
    let prevS = -Infinity;
    let prevM: string | null = null;
    const walk = (node: ZNode, isRoot: boolean, loS: number, loM: string | null, hiS: number, hiM: string | null): number => {
      const inRange = (s: number, m: string) =>
        (loM === null || s > loS || (s === loS && m >= loM)) && (hiM === null || s < hiS || (s === hiS && m < hiM));
      if (node instanceof Leaf) {
        if (!isRoot && node.m.length < LEAF_MIN) throw new Error('leaf underflow');
        if (node.m.length > LEAF_MAX) throw new Error('leaf overflow');
        for (let i = 0; i < node.m.length; i++) if (!inRange(node.s[i], node.m[i])) throw new Error('key outside routing range');
        return node.m.length;
      }
      if (!isRoot && node.c.length < INNER_MIN) throw new Error('inner underflow');
      if (isRoot && node.c.length < 2) throw new Error('root with one child');
      if (node.c.length > INNER_MAX) throw new Error('inner overflow');
      let total = 0;
      for (let i = 0; i < node.c.length; i++) {
        const cl = i === 0 ? loS : node.ss[i];
        const clm = i === 0 ? loM : node.sm[i];
        const ch = i + 1 < node.c.length ? node.ss[i + 1] : hiS;
        const chm = i + 1 < node.c.length ? node.sm[i + 1] : hiM;
        const k = walk(node.c[i], false, cl, clm, ch, chm);
        if (k !== node.n[i]) throw new Error('count mismatch');
        total += k;
      }
      return total;
    };
    const total = walk(this.root, true, 0, null, 0, null);
    const dict = this.dict;
    if (total !== dict.size) throw new Error('size mismatch');
    let leaf: Leaf | null = this.firstLeaf();
    let back: Leaf | null = null;
    while (leaf !== null) {
      if (leaf.prev !== back) throw new Error('prev link');
      for (let i = 0; i < leaf.m.length; i++) {
        const s = leaf.s[i];
        const m = leaf.m[i];
        if (prevM !== null && !(prevS < s || (prevS === s && prevM < m))) throw new Error('order');
        if (dict.get(m) !== s) throw new Error('dict mismatch');
        prevS = s;
        prevM = m;
        count++;
      }
      back = leaf;
      leaf = leaf.next;
    }
    if (count !== dict.size) throw new Error('leaf chain size');
  }

  // ------------------------------------------------------------------ internals

  private firstLeaf(): Leaf {
    let node = this.root;
    while (node instanceof Inner) node = node.c[0];
    return node;
  }

  private seek(rank: number): Cursor {
    let node = this.root;
    while (node instanceof Inner) {
      let i = 0;
      const n = node.n;
      while (rank >= n[i]) rank -= n[i++];
      node = node.c[i];
    }
    return { leaf: node, idx: rank };
  }

  private countBelow(mode: number, x: number, str: string): number {
    let node = this.root;
    let r = 0;
    while (node instanceof Inner) {
      let lo = 1;
      let hi = node.c.length - 1;
      let ans = 0;
      while (lo <= hi) {
        const mid = (lo + hi) >>> 1;
        if (below(mode, node.ss[mid], node.sm[mid], x, str)) {
          ans = mid;
          lo = mid + 1;
        } else hi = mid - 1;
      }
      for (let k = 0; k < ans; k++) r += node.n[k];
      node = node.c[ans];
    }
    let lo = 0;
    let hi = node.m.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (below(mode, node.s[mid], node.m[mid], x, str)) lo = mid + 1;
      else hi = mid;
    }
    return r + lo;
  }

  /** Change the score of (old, member) without moving it when its neighbours allow. */
  private updateInPlace(old: number, member: string, score: number): boolean {
    let node = this.root;
    while (node instanceof Inner) node = node.c[route(node, old, member)];
    const i = leafLower(node, old, member);
    const ms = node.m;
    const ss = node.s;
    // Only within the interior of a leaf, so routing keys of ancestors stay valid.
    if (i === 0 || i === ms.length - 1) return false;
    const ps = ss[i - 1];
    const ns = ss[i + 1];
    if (!(ps < score || (ps === score && ms[i - 1] < member))) return false;
    if (!(score < ns || (score === ns && member < ms[i + 1]))) return false;
    ss[i] = score;
    return true;
  }

  private insert(s: number, m: string): void {
    const split = this.ins(this.root, s, m);
    if (split !== null) {
      const old = this.root;
      const [ks, km] = lowKey(split);
      this.root = new Inner([old, split], [nodeSize(old), nodeSize(split)], [-Infinity, ks], ['', km]);
    }
  }

  private ins(node: ZNode, s: number, m: string): ZNode | null {
    if (node instanceof Leaf) {
      const i = leafLower(node, s, m);
      if (this.d === null) {
        // A small set's only leaf: arrays of exactly its size (splice keeps 16+ spare slots).
        node.m = insertedAt(node.m, i, m);
        node.s = insertedAt(node.s, i, s);
      } else {
        node.m.splice(i, 0, m);
        node.s.splice(i, 0, s);
      }
      if (node.m.length > LEAF_MAX) {
        const len = node.m.length;
        const mid = i === len - 1 && node.next === null ? EDGE_SPLIT : i === 0 && node.prev === null ? len - EDGE_SPLIT : len >>> 1;
        const right = new Leaf(node.m.splice(mid), node.s.splice(mid));
        right.next = node.next;
        if (right.next !== null) right.next.prev = right;
        right.prev = node;
        node.next = right;
        return right;
      }
      return null;
    }
    const i = route(node, s, m);
    node.n[i]++;
    const r = this.ins(node.c[i], s, m);
    if (r === null) return null;
    const rs = nodeSize(r);
    node.n[i] -= rs;
    const [ks, km] = lowKey(r);
    node.c.splice(i + 1, 0, r);
    node.n.splice(i + 1, 0, rs);
    node.ss.splice(i + 1, 0, ks);
    node.sm.splice(i + 1, 0, km);
    if (node.c.length > INNER_MAX) {
      const len = node.c.length;
      const mid = i + 1 === len - 1 ? EDGE_SPLIT : i === 0 ? len - EDGE_SPLIT : len >>> 1;
      return new Inner(node.c.splice(mid), node.n.splice(mid), node.ss.splice(mid), node.sm.splice(mid));
    }
    return null;
  }

  private erase(s: number, m: string): void {
    this.del(this.root, s, m);
    const root = this.root;
    if (root instanceof Inner && root.c.length === 1) this.root = root.c[0];
  }

  private del(node: ZNode, s: number, m: string): void {
    if (node instanceof Leaf) {
      const i = leafLower(node, s, m);
      node.m.splice(i, 1);
      node.s.splice(i, 1);
      return;
    }
    const i = route(node, s, m);
    const child = node.c[i];
    this.del(child, s, m);
    node.n[i]--;
    if (child instanceof Leaf ? child.m.length < LEAF_MIN : child.c.length < INNER_MIN) this.fix(node, i);
  }

  /** Repair an underfull child i of p by merging with or borrowing from a sibling. */
  private fix(p: Inner, i: number): void {
    if (p.c.length < 2) return;
    const a = i + 1 < p.c.length ? i : i - 1;
    const L = p.c[a];
    const R = p.c[a + 1];
    if (L instanceof Leaf) {
      const r = R as Leaf;
      const total = L.m.length + r.m.length;
      if (total <= LEAF_MAX) {
        for (let k = 0; k < r.m.length; k++) {
          L.m.push(r.m[k]);
          L.s.push(r.s[k]);
        }
        L.next = r.next;
        if (r.next !== null) r.next.prev = L;
        this.dropChild(p, a);
        return;
      }
      const want = total >>> 1;
      if (L.m.length < want) {
        const k = want - L.m.length;
        const mm = r.m.splice(0, k);
        const sss = r.s.splice(0, k);
        for (let j = 0; j < k; j++) {
          L.m.push(mm[j]);
          L.s.push(sss[j]);
        }
      } else {
        const k = L.m.length - want;
        r.m.unshift(...L.m.splice(L.m.length - k, k));
        r.s.unshift(...L.s.splice(L.s.length - k, k));
      }
      p.n[a] = L.m.length;
      p.n[a + 1] = r.m.length;
      p.ss[a + 1] = r.s[0];
      p.sm[a + 1] = r.m[0];
      return;
    }
    const r = R as Inner;
    const total = L.c.length + r.c.length;
    if (total <= INNER_MAX) {
      L.c.push(...r.c);
      L.n.push(...r.n);
      L.ss.push(p.ss[a + 1], ...r.ss.slice(1));
      L.sm.push(p.sm[a + 1], ...r.sm.slice(1));
      this.dropChild(p, a);
      return;
    }
    const want = total >>> 1;
    if (L.c.length < want) {
      const k = want - L.c.length;
      const moved = r.n.slice(0, k).reduce((x, y) => x + y, 0);
      L.c.push(...r.c.splice(0, k));
      L.n.push(...r.n.splice(0, k));
      const ms = r.ss.splice(0, k);
      const mm = r.sm.splice(0, k);
      L.ss.push(p.ss[a + 1], ...ms.slice(1));
      L.sm.push(p.sm[a + 1], ...mm.slice(1));
      // r's new first child was bounded below by its old routing key, now the parent's.
      p.ss[a + 1] = r.ss[0];
      p.sm[a + 1] = r.sm[0];
      p.n[a] += moved;
      p.n[a + 1] -= moved;
    } else {
      const k = L.c.length - want;
      const from = L.c.length - k;
      const cs = L.c.splice(from, k);
      const ns = L.n.splice(from, k);
      const ts = L.ss.splice(from, k);
      const tm = L.sm.splice(from, k);
      const moved = ns.reduce((x, y) => x + y, 0);
      r.c.unshift(...cs);
      r.n.unshift(...ns);
      const oldS = p.ss[a + 1];
      const oldM = p.sm[a + 1];
      r.ss.splice(0, 1, ts[0], ...ts.slice(1), oldS);
      r.sm.splice(0, 1, tm[0], ...tm.slice(1), oldM);
      p.ss[a + 1] = ts[0];
      p.sm[a + 1] = tm[0];
      p.n[a] -= moved;
      p.n[a + 1] += moved;
    }
  }

  /** Merge bookkeeping: child a+1 was folded into child a. */
  private dropChild(p: Inner, a: number): void {
    p.n[a] += p.n[a + 1];
    p.c.splice(a + 1, 1);
    p.n.splice(a + 1, 1);
    p.ss.splice(a + 1, 1);
    p.sm.splice(a + 1, 1);
  }
}

/** Split [0, n) into consecutive [a, b) chunks of about `size`, none smaller than `min` (unless n is). */
function chunks(n: number, size: number, min: number): [number, number][] {
  const out: [number, number][] = [];
  let a = 0;
  while (a < n) {
    let b = Math.min(n, a + size);
    if (n - b > 0 && n - b < min) b = n - min >= a + min ? n - min : n;
    out.push([a, b]);
    a = b;
  }
  return out;
}

/** Lower-bound key of a freshly split right node. */
function lowKey(node: ZNode): [number, string] {
  return node instanceof Leaf ? [node.s[0], node.m[0]] : [node.ss[0], node.sm[0]];
}

/** a with x inserted at i, as a new array of exactly that length. */
function insertedAt<T>(a: T[], i: number, x: T): T[] {
  const out = a.concat([x]);
  for (let k = a.length; k > i; k--) out[k] = a[k - 1];
  out[i] = x;
  return out;
}
