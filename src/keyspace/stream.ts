/**
 * The stream value type, modelled on Redis 7.0's layout: a sorted sequence of nodes (Redis's
 * radix tree of listpacks). Each node has a master ID and master fields and holds at most
 * `stream-node-max-entries` entries and about `stream-node-max-bytes` of listpack bytes; we
 * track each node's exact listpack size so node boundaries (and with them approximate
 * trimming, XINFO radix-tree-keys/nodes) match Redis exactly. Entries are never physically
 * removed from a node: XDEL and exact trimming only flag them deleted, like Redis.
 *
 * Stream IDs are two unsigned 64-bit numbers. A U64 is a JS number when it is a safe integer
 * and a bigint above 2^53-1 (always normalized that way), so `===` is exact and `<`/`>`
 * compare correctly across both representations.
 */
import type { RObject } from './db.ts';
import { parseInt64 } from '../util/numbers.ts';
import { lpIntSize, lpStrSize } from './memsize.ts';

export type U64 = number | bigint;

export interface StreamID {
  ms: U64;
  seq: U64;
}

export const U64_MAX = 18446744073709551615n;
const TWO64 = 18446744073709551616n;
const MAX_SAFE = Number.MAX_SAFE_INTEGER;
const MAX_SAFE_BIG = BigInt(MAX_SAFE);

export const ID_ZERO: StreamID = Object.freeze({ ms: 0, seq: 0 }) as StreamID;
export const ID_MAX: StreamID = Object.freeze({ ms: U64_MAX, seq: U64_MAX }) as StreamID;

/** Normalizes a bigint to the U64 representation (number when safe). */
export function normU64(b: bigint): U64 {
  return b <= MAX_SAFE_BIG ? Number(b) : b;
}

/** Normalizes a signed integer result (entries counters, lag) the same way. */
export function normInt(b: bigint): number | bigint {
  return b <= MAX_SAFE_BIG && b >= -MAX_SAFE_BIG ? Number(b) : b;
}

export function cmpID(a: StreamID, b: StreamID): number {
  if (a.ms !== b.ms) return a.ms < b.ms ? -1 : 1;
  if (a.seq !== b.seq) return a.seq < b.seq ? -1 : 1;
  return 0;
}

function cmpParts(ams: U64, aseq: U64, bms: U64, bseq: U64): number {
  if (ams !== bms) return ams < bms ? -1 : 1;
  if (aseq !== bseq) return aseq < bseq ? -1 : 1;
  return 0;
}

export function isZeroID(id: StreamID): boolean {
  return id.ms === 0 && id.seq === 0;
}

export function isMaxID(id: StreamID): boolean {
  return id.ms === U64_MAX && id.seq === U64_MAX;
}

function incU64(v: U64): U64 {
  if (typeof v === 'number' && v < MAX_SAFE) return v + 1;
  return normU64(BigInt(v) + 1n);
}

function decU64(v: U64): U64 {
  if (typeof v === 'number') return v - 1;
  return normU64(v - 1n);
}

/** The successor ID, or null when `id` is the maximum (Redis wraps and fails). */
export function incrID(id: StreamID): StreamID | null {
  if (id.seq === U64_MAX) {
    if (id.ms === U64_MAX) return null;
    return { ms: incU64(id.ms), seq: 0 };
  }
  return { ms: id.ms, seq: incU64(id.seq) };
}

/** The predecessor ID, or null when `id` is 0-0. */
export function decrID(id: StreamID): StreamID | null {
  if (id.seq === 0) {
    if (id.ms === 0) return null;
    return { ms: decU64(id.ms), seq: U64_MAX };
  }
  return { ms: id.ms, seq: decU64(id.seq) };
}

export function formatID(id: StreamID): string {
  return `${id.ms}-${id.seq}`;
}

/** Adds a signed delta to a counter (entries-added, entries-read), exactly. */
export function addInt(a: number | bigint, d: number): number | bigint {
  if (typeof a === 'number') {
    const r = a + d;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return normInt(BigInt(a) + BigInt(d));
}

/** a - b as a C `long long` would compute it (wrapping), exactly. */
export function subInt64(a: number | bigint, b: number | bigint): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') {
    const r = a - b;
    if (r <= MAX_SAFE && r >= -MAX_SAFE) return r;
  }
  return normInt(BigInt.asIntN(64, BigInt(a) - BigInt(b)));
}

// ---- ID parsing (streamGenericParseIDOrReply) ------------------------------------------------

const WS = new Set([32, 9, 10, 11, 12, 13]);

/** C strtoull(s, &end, 10) that must consume the whole string; null on failure. */
function strtoull(s: string): U64 | null {
  let i = 0;
  const n = s.length;
  while (i < n && WS.has(s.charCodeAt(i))) i++;
  let neg = false;
  if (i < n && (s.charCodeAt(i) === 43 || s.charCodeAt(i) === 45)) {
    neg = s.charCodeAt(i) === 45;
    i++;
  }
  const start = i;
  while (i < n) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return null;
    i++;
  }
  if (i === start) return null;
  let v = BigInt(s.slice(start));
  if (v > U64_MAX) return null; // ERANGE
  if (neg && v !== 0n) v = TWO64 - v;
  return normU64(v);
}

/** Redis string2ull: canonical int64 first (negatives rejected), else strtoull. */
function string2ull(s: string): U64 | null {
  if (s.length === 0) return null;
  const c0 = s.charCodeAt(0);
  if (c0 >= 49 && c0 <= 57 && s.length <= 15) {
    // Fast path for the common canonical case.
    let v = 0;
    for (let i = 0; i < s.length; i++) {
      const c = s.charCodeAt(i) - 48;
      if (c < 0 || c > 9) return null; // strtoull would fail too (no trailing junk allowed)
      v = v * 10 + c;
    }
    return v;
  }
  const ll = parseInt64(s);
  if (ll !== null) {
    if (ll < 0) return null;
    return typeof ll === 'bigint' ? normU64(ll) : ll;
  }
  return strtoull(s);
}

export interface ParsedID extends StreamID {
  /** False for the `<ms>-*` form (only when allowed). */
  seqGiven: boolean;
}

/**
 * Parses a stream ID argument like Redis: `-`/`+` (unless strict), `<ms>`, `<ms>-<seq>`, and
 * `<ms>-*` when allowAutoSeq. Returns null when invalid.
 */
export function parseStreamID(arg: string, missingSeq: U64, strict: boolean, allowAutoSeq = false): ParsedID | null {
  if (arg.length > 127) return null;
  const nul = arg.indexOf('\0');
  const s = nul >= 0 ? arg.slice(0, nul) : arg;
  if (s.length === 1) {
    if (s === '-') return strict ? null : { ms: 0, seq: 0, seqGiven: true };
    if (s === '+') return strict ? null : { ms: U64_MAX, seq: U64_MAX, seqGiven: true };
  }
  const dash = s.indexOf('-');
  const msPart = dash >= 0 ? s.slice(0, dash) : s;
  const ms = string2ull(msPart);
  if (ms === null) return null;
  if (dash < 0) return { ms, seq: missingSeq, seqGiven: true };
  const seqPart = s.slice(dash + 1);
  if (allowAutoSeq && seqPart === '*') return { ms, seq: 0, seqGiven: false };
  const seq = string2ull(seqPart);
  if (seq === null) return null;
  return { ms, seq, seqGiven: true };
}

/** The delta of two U64s as the int64 Redis stores in the listpack. */
function delta(a: U64, b: U64): number | bigint {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return BigInt.asIntN(64, BigInt(a) - BigInt(b));
}

export const FLAG_DELETED = 1;
export const FLAG_SAMEFIELDS = 2;

/** One listpack node: entries with IDs >= its master ID, below the next node's. */
export class StreamNode {
  /** Absolute entry IDs (deleted entries included), ascending. */
  ms: U64[] = [];
  seq: U64[] = [];
  /** Per entry: the values only when FLAG_SAMEFIELDS, else [field, value, ...]. */
  data: string[][] = [];
  flags: number[] = [];
  /** Live entries (the master entry's `count`) and deleted ones. */
  count = 0;
  deleted = 0;
  /** Listpack bytes except the count and deleted elements. */
  baseBytes: number;

  constructor(
    readonly masterMs: U64,
    readonly masterSeq: U64,
    readonly masterFields: string[],
  ) {
    // header(6) + end(1) + num-fields + fields + zero terminator
    let b = 7 + lpIntSize(masterFields.length) + 2;
    for (const f of masterFields) b += lpStrSize(f);
    this.baseBytes = b;
  }

  get bytes(): number {
    return this.baseBytes + lpIntSize(this.count) + lpIntSize(this.deleted);
  }

  get total(): number {
    return this.ms.length;
  }

  /** The field/value pairs of entry i. */
  pairs(i: number): string[] {
    const d = this.data[i];
    if ((this.flags[i] & FLAG_SAMEFIELDS) === 0) return d;
    const mf = this.masterFields;
    const out = new Array<string>(d.length * 2);
    for (let j = 0; j < d.length; j++) {
      out[2 * j] = mf[j];
      out[2 * j + 1] = d[j];
    }
    return out;
  }

  /** Number of fields of entry i. */
  numFields(i: number): number {
    const d = this.data[i];
    return (this.flags[i] & FLAG_SAMEFIELDS) !== 0 ? d.length : d.length / 2;
  }

  /** First index whose ID is >= (ms, seq); total when none. */
  lowerBound(ms: U64, seq: U64): number {
    let lo = 0;
    let hi = this.ms.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpParts(this.ms[mid], this.seq[mid], ms, seq) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }

  /** Appends an entry; `pairs` is the flat field/value list. */
  append(ms: U64, seq: U64, pairs: string[]): void {
    const mf = this.masterFields;
    let same = pairs.length === mf.length * 2;
    if (same) {
      for (let j = 0; j < mf.length; j++) {
        if (pairs[2 * j] !== mf[j]) {
          same = false;
          break;
        }
      }
    }
    const nf = pairs.length / 2;
    let b = 2 + lpIntSize(delta(ms, this.masterMs)) + lpIntSize(delta(seq, this.masterSeq));
    let lpCount = nf + 3;
    if (same) {
      const vals = new Array<string>(nf);
      for (let j = 0; j < nf; j++) {
        vals[j] = pairs[2 * j + 1];
        b += lpStrSize(vals[j]);
      }
      this.data.push(vals);
      this.flags.push(FLAG_SAMEFIELDS);
    } else {
      b += lpIntSize(nf);
      for (let j = 0; j < pairs.length; j++) b += lpStrSize(pairs[j]);
      lpCount += nf + 1;
      this.data.push(pairs);
      this.flags.push(0);
    }
    b += lpIntSize(lpCount);
    this.baseBytes += b;
    this.ms.push(ms);
    this.seq.push(seq);
    this.count++;
  }

  clone(): StreamNode {
    const n = new StreamNode(this.masterMs, this.masterSeq, this.masterFields);
    n.ms = this.ms.slice();
    n.seq = this.seq.slice();
    n.data = this.data.slice();
    n.flags = this.flags.slice();
    n.count = this.count;
    n.deleted = this.deleted;
    n.baseBytes = this.baseBytes;
    return n;
  }
}

// ---- consumer groups ---------------------------------------------------------------------------

/** A pending entry (streamNACK). */
export class Nack {
  constructor(
    readonly id: StreamID,
    readonly key: string,
    public consumer: Consumer | null,
    public deliveryTime: number,
    public deliveryCount: number,
  ) {}
}

/**
 * A pending entries list ordered by ID: a map plus a sorted array. Deleting only leaves a
 * stale slot (compacted lazily, order is kept); an out-of-order insert forces a re-sort.
 */
export class Pel {
  readonly map = new Map<string, Nack>();
  private sorted: Nack[] = [];
  private dirty = false;
  /** Keys deleted from the map whose slots are still in `sorted`. */
  private stale = new Set<string>();

  get size(): number {
    return this.map.size;
  }

  get(key: string): Nack | undefined {
    return this.map.get(key);
  }

  has(key: string): boolean {
    return this.map.has(key);
  }

  add(n: Nack): void {
    this.map.set(n.key, n);
    if (this.dirty) return;
    if (this.stale.has(n.key)) this.compact();
    const s = this.sorted;
    if (s.length === 0 || cmpID(s[s.length - 1].id, n.id) < 0) s.push(n);
    else this.dirty = true;
  }

  delete(key: string): boolean {
    if (!this.map.delete(key)) return false;
    if (!this.dirty) {
      const s = this.sorted;
      if (this.stale.size === 0 && s.length > 0 && s[s.length - 1].key === key) s.pop();
      else {
        this.stale.add(key);
        if (this.stale.size > 32 && this.stale.size * 2 > s.length) this.compact();
      }
    }
    return true;
  }

  private compact(): void {
    const map = this.map;
    const stale = this.stale;
    this.sorted = this.sorted.filter((n) => !stale.has(n.key) || map.get(n.key) === n);
    stale.clear();
  }

  /** Entries in ID order (do not mutate the PEL while holding the array). */
  ordered(): Nack[] {
    if (this.dirty) {
      this.sorted = [...this.map.values()].sort((a, b) => cmpID(a.id, b.id));
      this.dirty = false;
      this.stale.clear();
    } else if (this.stale.size) {
      this.compact();
    }
    return this.sorted;
  }

  /** Index of the first entry with ID >= id in ordered(). */
  seek(id: StreamID): number {
    const s = this.ordered();
    let lo = 0;
    let hi = s.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpID(s[mid].id, id) < 0) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  }
}

export class Consumer {
  readonly pel = new Pel();
  constructor(
    readonly name: string,
    public seenTime: number,
  ) {}
}

/** SCG_INVALID_ENTRIES_READ */
export const INVALID_ENTRIES_READ = -1;

export class ConsumerGroup {
  readonly pel = new Pel();
  readonly consumers = new Map<string, Consumer>();
  constructor(
    readonly name: string,
    public lastId: StreamID,
    public entriesRead: number | bigint,
  ) {}

  /** Consumers in name (byte) order, as Redis's rax iterates them. */
  sortedConsumers(): Consumer[] {
    return [...this.consumers.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }
}

// ---- the stream ----------------------------------------------------------------------------

export interface TrimArgs {
  strategy: 'maxlen' | 'minid' | null;
  approx: boolean;
  /** 0: no limit. */
  limit: number;
  maxlen: number;
  minid: StreamID;
}

export interface NodeLimits {
  maxBytes: number;
  maxEntries: number;
}

const LISTPACK_MAX_SIZE = 1 << 30;

export class Stream implements RObject {
  readonly type = 'stream' as const;
  /** Memory accounting's last estimate (see RObject). */
  memAt = -1;
  memEst = 0;
  memEnc = '';
  lru = 0;
  nodes: StreamNode[] = [];
  length = 0;
  lastId: StreamID = ID_ZERO;
  firstId: StreamID = ID_ZERO;
  maxDeletedId: StreamID = ID_ZERO;
  entriesAdded: number | bigint = 0;
  groups: Map<string, ConsumerGroup> | null = null;

  /** Entries in the stream (RObject's element count). */
  get size(): number {
    return this.length;
  }

  encoding(): string {
    return 'stream';
  }

  clone(): Stream {
    const s = new Stream();
    s.nodes = this.nodes.map((n) => n.clone());
    s.length = this.length;
    s.lastId = this.lastId;
    s.firstId = this.firstId;
    s.maxDeletedId = this.maxDeletedId;
    s.entriesAdded = this.entriesAdded;
    if (this.groups) {
      s.groups = new Map();
      for (const [name, g] of this.groups) {
        const ng = new ConsumerGroup(name, g.lastId, g.entriesRead);
        const byKey = new Map<string, Nack>();
        for (const n of g.pel.ordered()) {
          const nn = new Nack(n.id, n.key, null, n.deliveryTime, n.deliveryCount);
          byKey.set(n.key, nn);
          ng.pel.add(nn);
        }
        for (const [cname, c] of g.consumers) {
          const nc = new Consumer(cname, c.seenTime);
          for (const n of c.pel.ordered()) {
            const nn = byKey.get(n.key)!;
            nn.consumer = nc;
            nc.pel.add(nn);
          }
          ng.consumers.set(cname, nc);
        }
        s.groups.set(name, ng);
      }
    }
    return s;
  }

  /**
   * Appends an entry with the given ID (already validated > lastId) and flat field/value
   * pairs, opening a new node when the tail one is full (streamAppendItem).
   */
  append(id: StreamID, pairs: string[], limits: NodeLimits): void {
    const nodes = this.nodes;
    let node = nodes.length > 0 ? nodes[nodes.length - 1] : null;
    if (node !== null) {
      let maxBytes = limits.maxBytes;
      if (maxBytes === 0 || maxBytes > LISTPACK_MAX_SIZE) maxBytes = LISTPACK_MAX_SIZE;
      let totLen = 0;
      for (let j = 0; j < pairs.length; j++) totLen += pairs[j].length;
      if (node.bytes + totLen >= maxBytes) node = null;
      else if (limits.maxEntries && node.count + node.deleted >= limits.maxEntries) node = null;
    }
    if (node === null) {
      const fields = new Array<string>(pairs.length / 2);
      for (let j = 0; j < fields.length; j++) fields[j] = pairs[2 * j];
      node = new StreamNode(id.ms, id.seq, fields);
      nodes.push(node);
    }
    node.append(id.ms, id.seq, pairs);
    this.length++;
    this.entriesAdded = addInt(this.entriesAdded, 1);
    this.lastId = id;
    if (this.length === 1) this.firstId = id;
  }

  /** Index of the last node whose master ID is <= id, or -1. */
  private nodeFloor(ms: U64, seq: U64): number {
    const nodes = this.nodes;
    let lo = 0;
    let hi = nodes.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (cmpParts(nodes[mid].masterMs, nodes[mid].masterSeq, ms, seq) <= 0) lo = mid + 1;
      else hi = mid;
    }
    return lo - 1;
  }

  /**
   * Visits live entries with start <= ID <= end, ascending (or descending when rev), until
   * `fn` returns false. `fn` gets the node and the entry index.
   */
  scan(start: StreamID, end: StreamID, rev: boolean, fn: (node: StreamNode, i: number) => boolean): void {
    const nodes = this.nodes;
    if (nodes.length === 0) return;
    if (cmpID(start, end) > 0) return;
    if (!rev) {
      let ni = this.nodeFloor(start.ms, start.seq);
      if (ni < 0) ni = 0;
      let i = nodes[ni].lowerBound(start.ms, start.seq);
      for (; ni < nodes.length; ni++, i = 0) {
        const node = nodes[ni];
        const n = node.total;
        for (; i < n; i++) {
          if (node.flags[i] & FLAG_DELETED) continue;
          if (cmpParts(node.ms[i], node.seq[i], end.ms, end.seq) > 0) return;
          if (!fn(node, i)) return;
        }
      }
    } else {
      let ni = this.nodeFloor(end.ms, end.seq);
      if (ni < 0) return;
      const first = nodes[ni];
      let i = first.lowerBound(end.ms, end.seq);
      if (i < first.total && cmpParts(first.ms[i], first.seq[i], end.ms, end.seq) === 0) i++;
      i--;
      for (; ni >= 0; ni--) {
        const node = nodes[ni];
        if (node !== first) i = node.total - 1;
        for (; i >= 0; i--) {
          if (node.flags[i] & FLAG_DELETED) continue;
          if (cmpParts(node.ms[i], node.seq[i], start.ms, start.seq) < 0) return;
          if (!fn(node, i)) return;
        }
      }
    }
  }

  /** Collects up to count (0: all) live entries in range as [id, pairs]. */
  range(start: StreamID, end: StreamID, rev: boolean, count: number): { id: StreamID; pairs: string[] }[] {
    const out: { id: StreamID; pairs: string[] }[] = [];
    this.scan(start, end, rev, (node, i) => {
      out.push({ id: { ms: node.ms[i], seq: node.seq[i] }, pairs: node.pairs(i) });
      return count === 0 || out.length < count;
    });
    return out;
  }

  /** The live entry with exactly this ID, or null. */
  find(id: StreamID): { node: StreamNode; i: number } | null {
    const ni = this.nodeFloor(id.ms, id.seq);
    if (ni < 0) return null;
    const node = this.nodes[ni];
    const i = node.lowerBound(id.ms, id.seq);
    if (i >= node.total || node.flags[i] & FLAG_DELETED) return null;
    if (cmpParts(node.ms[i], node.seq[i], id.ms, id.seq) !== 0) return null;
    return { node, i };
  }

  exists(id: StreamID): boolean {
    return this.find(id) !== null;
  }

  /** Deletes a live entry (streamDeleteItem); true when it existed. */
  deleteEntry(id: StreamID): boolean {
    const f = this.find(id);
    if (!f) return false;
    const { node, i } = f;
    node.flags[i] |= FLAG_DELETED;
    if (node.count === 1) {
      this.nodes.splice(this.nodes.indexOf(node), 1);
    } else {
      node.count--;
      node.deleted++;
    }
    this.length--;
    return true;
  }

  /** First (or last) live entry ID, or null when empty. */
  edgeLive(first: boolean): StreamID | null {
    let r: StreamID | null = null;
    this.scan(ID_ZERO, ID_MAX, !first, (node, i) => {
      r = { ms: node.ms[i], seq: node.seq[i] };
      return false;
    });
    return r;
  }

  /** streamGetEdgeID(s, first, skip_tombstones=0): first entry including tombstones. */
  firstIncludingTombstones(): StreamID {
    const n = this.nodes[0];
    if (!n || n.total === 0) return ID_MAX;
    return { ms: n.ms[0], seq: n.seq[0] };
  }

  /** Trims the stream like streamTrim; returns the number of entries removed. */
  trim(args: TrimArgs): number {
    if (args.strategy === null) return 0;
    const nodes = this.nodes;
    const maxlen = args.maxlen;
    const limit = args.limit;
    const byLen = args.strategy === 'maxlen';
    let deleted = 0;
    let removeNodes = 0;
    for (let ni = 0; ni < nodes.length; ni++) {
      if (byLen && this.length <= maxlen) break;
      const node = nodes[ni];
      const entries = node.count;
      if (limit && deleted + entries > limit) break;
      let removeNode: boolean;
      if (byLen) {
        removeNode = this.length - entries >= maxlen;
      } else {
        const last = node.total - 1;
        // A node always has at least one entry; the last one may be a tombstone.
        removeNode = last >= 0 && cmpParts(node.ms[last], node.seq[last], args.minid.ms, args.minid.seq) < 0;
      }
      if (removeNode) {
        removeNodes++;
        this.length -= entries;
        deleted += entries;
        continue;
      }
      if (args.approx) break;
      let fromNode = 0;
      for (let i = 0; i < node.total; i++) {
        const stop = byLen
          ? this.length <= maxlen
          : cmpParts(node.ms[i], node.seq[i], args.minid.ms, args.minid.seq) >= 0;
        if (stop) break;
        if ((node.flags[i] & FLAG_DELETED) === 0) {
          node.flags[i] |= FLAG_DELETED;
          fromNode++;
          this.length--;
        }
      }
      deleted += fromNode;
      node.count -= fromNode;
      node.deleted += fromNode;
      break;
    }
    if (removeNodes > 0) nodes.splice(0, removeNodes);
    if (this.length === 0) this.firstId = ID_ZERO;
    else if (deleted) this.firstId = this.edgeLive(true) ?? ID_MAX;
    return deleted;
  }

  /** Number of radix tree nodes Redis's rax would have for the current node keys. */
  raxNodes(): number {
    const nodes = this.nodes;
    const n = nodes.length;
    if (n === 0) return 1;
    const keys = nodes.map((nd) => encodeKey(nd.masterMs, nd.masterSeq));
    const set = new Set<string>();
    set.add('');
    for (const k of keys) set.add(k);
    for (let i = 0; i + 1 < n; i++) {
      const a = keys[i];
      const b = keys[i + 1];
      let l = 0;
      while (l < 16 && a.charCodeAt(l) === b.charCodeAt(l)) l++;
      set.add(a.slice(0, l));
      set.add(a.slice(0, l + 1));
      set.add(b.slice(0, l + 1));
    }
    return set.size;
  }

  // ---- groups ----

  getGroup(name: string): ConsumerGroup | undefined {
    return this.groups?.get(name);
  }

  /** Groups in name (byte) order. */
  sortedGroups(): ConsumerGroup[] {
    if (!this.groups) return [];
    return [...this.groups.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  }

  /** streamRangeHasTombstones */
  rangeHasTombstones(start: StreamID | null, end: StreamID | null): boolean {
    if (this.length === 0 || isZeroID(this.maxDeletedId)) return false;
    if (cmpID(this.firstId, this.maxDeletedId) > 0) return false;
    const s = start ?? ID_ZERO;
    const e = end ?? ID_MAX;
    return cmpID(s, this.maxDeletedId) <= 0 && cmpID(this.maxDeletedId, e) <= 0;
  }

  /** streamEstimateDistanceFromFirstEverEntry; INVALID_ENTRIES_READ when unknown. */
  estimateDistance(id: StreamID): number | bigint {
    if (this.entriesAdded === 0) return 0;
    if (this.length === 0 && cmpID(id, this.lastId) < 1) return this.entriesAdded;
    const cmpLast = cmpID(id, this.lastId);
    if (cmpLast === 0) return this.entriesAdded;
    if (cmpLast > 0) return INVALID_ENTRIES_READ;
    const cmpFirst = cmpID(id, this.firstId);
    const cmpXdelFirst = cmpID(this.maxDeletedId, this.firstId);
    if (isZeroID(this.maxDeletedId) || cmpXdelFirst < 0) {
      if (cmpFirst < 0) return subInt64(this.entriesAdded, this.length);
      if (cmpFirst === 0) return addInt(subInt64(this.entriesAdded, this.length), 1);
    }
    return INVALID_ENTRIES_READ;
  }

  /** The group's lag, or null when it cannot be computed (streamReplyWithCGLag). */
  groupLag(g: ConsumerGroup): number | bigint | null {
    if (this.entriesAdded === 0) return 0;
    if (g.entriesRead !== INVALID_ENTRIES_READ && !this.rangeHasTombstones(g.lastId, null)) {
      return subInt64(this.entriesAdded, g.entriesRead);
    }
    const er = this.estimateDistance(g.lastId);
    if (er !== INVALID_ENTRIES_READ) return subInt64(this.entriesAdded, er);
    return null;
  }
}

/** The 16-byte big-endian rax key of an ID, as a byte string. */
function encodeKey(ms: U64, seq: U64): string {
  return be64(ms) + be64(seq);
}

function be64(v: U64): string {
  let hi: number;
  let lo: number;
  if (typeof v === 'number') {
    hi = Math.floor(v / 4294967296);
    lo = v % 4294967296;
  } else {
    hi = Number(v >> 32n);
    lo = Number(v & 0xffffffffn);
  }
  return String.fromCharCode(
    hi >>> 24,
    (hi >>> 16) & 255,
    (hi >>> 8) & 255,
    hi & 255,
    lo >>> 24,
    (lo >>> 16) & 255,
    (lo >>> 8) & 255,
    lo & 255,
  );
}
