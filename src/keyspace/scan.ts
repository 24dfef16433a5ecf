import { ReplyError, ERR } from '../errors.ts';
import { DictShape, nextPower } from './dict-shape.ts';

/**
 * SCAN-family cursors over JS Maps and Sets.
 *
 * Redis's cursor is a reverse-binary bucket index into its hash table, which gives the SCAN
 * guarantee (every element present for the whole iteration is returned at least once) with
 * no server state. A JS Map has no stable positions, so we keep state instead: a cursor
 * number names a live Map/Set iterator parked in a small per-database registry. V8 iterators
 * keep working across insertions and deletions (new entries are visited later, deleted ones
 * skipped; rehashing keeps order), so resuming one gives the same guarantee.
 *
 * Divergences from Redis, by design:
 *  - cursor values are opaque increasing numbers, not bucket indexes (0 still starts and ends);
 *  - each call consumes its cursor and hands out a new one, so re-sending an old cursor,
 *    one evicted from the capped registry, or one from another collection or database
 *    (checked by owner identity) restarts the iteration from the beginning: never loses
 *    elements, may repeat them;
 *  - COUNT is the number of entries examined, before MATCH/TYPE filtering.
 */
export class ScanCursors {
  private readonly live = new Map<number, ParkedCursor>();
  private seq = 0;

  /** `cap`: how many unfinished iterations are remembered; the oldest is dropped beyond it. */
  constructor(private readonly cap = 1024) {}

  /**
   * The iterator a cursor left off with, if it is live and was made over `owner`, else null
   * (cursor 0, or an unknown/stale cursor: the caller starts afresh). Consumes the cursor.
   */
  resume<T>(owner: object, cursor: number): Iterator<T> | null {
    if (cursor === 0) return null;
    const p = this.live.get(cursor);
    if (p === undefined) return null;
    this.live.delete(cursor);
    return p.owner === owner ? (p.it as Iterator<T>) : null;
  }

  /** Remembers an unfinished iterator over `owner`; returns its new cursor number (never 0). */
  park(owner: object, it: Iterator<unknown>): number {
    if (this.live.size >= this.cap) {
      const oldest = this.live.keys().next();
      if (!oldest.done) this.live.delete(oldest.value);
    }
    let id = ++this.seq;
    if (id >= Number.MAX_SAFE_INTEGER) id = this.seq = 1;
    this.live.set(id, { owner, it });
    return id;
  }

  /**
   * Tables whose walk holds an order of their entries (dict-shape.ts ScanOrder), oldest
   * first: an abandoned walk keeps it until ORDERS_HELD newer walks push it out.
   */
  private readonly orders = new Set<DictShape>();
  /** Hashes' and sorted sets' tables, taken at their natural size while walked. */
  private readonly natural = new WeakMap<object, DictShape>();

  /** After a bucket-order scan call over `owner`'s table: `active` while its walk goes on. */
  holdOrder(owner: DictShape, active: boolean): void {
    const orders = this.orders;
    orders.delete(owner);
    if (!active) return;
    orders.add(owner);
    if (orders.size > ORDERS_HELD) {
      const oldest = orders.values().next().value as DictShape;
      orders.delete(oldest);
      oldest.dropScanOrder();
    }
  }

  /**
   * The dict a hash or sorted set of `size` entries is walked in: Redis's, at its natural
   * size (their resizes and rehashing are not modeled, unlike sets' and the keyspace's).
   */
  naturalShape(owner: object, size: number): DictShape {
    let shape = this.natural.get(owner);
    if (shape === undefined) this.natural.set(owner, (shape = new DictShape(size)));
    else if (shape.size0 !== nextPower(size)) shape.reset(size);
    return shape;
  }

  /** Forgets every cursor (FLUSHALL, SWAPDB make old iterations meaningless). */
  clear(): void {
    this.live.clear();
    for (const o of this.orders) o.dropScanOrder();
    this.orders.clear();
  }

  get size(): number {
    return this.live.size;
  }
}

/** How many collections may hold a walk's order at once, per database. */
const ORDERS_HELD = 8;

interface ParkedCursor {
  owner: object;
  it: Iterator<unknown>;
}

/**
 * Parses a SCAN cursor as Redis's parseScanCursorOrReply (strtoul, base 10): optional sign,
 * digits, at most 2^64-1, no leading space; "" is 0. Throws `ERR invalid cursor`.
 * Returns the value as a number; cursors beyond 2^53 can only be unknown ones (restart).
 */
export function parseScanCursor(s: string): number {
  const len = s.length;
  let i = 0;
  if (len === 0) return 0;
  let neg = false;
  const c0 = s.charCodeAt(0);
  if (c0 === 43 || c0 === 45) {
    neg = c0 === 45;
    i = 1;
  }
  if (i === len) throw new ReplyError(ERR.invalidCursor);
  let v = 0;
  let digits = 0;
  for (; i < len; i++) {
    const d = s.charCodeAt(i) - 48;
    if (d < 0 || d > 9) throw new ReplyError(ERR.invalidCursor);
    if (digits > 0 || d !== 0) digits++;
    v = v * 10 + d;
  }
  if (digits > 20 || (digits === 20 && BigInt(s.slice(s.length - 20)) > 18446744073709551615n)) {
    throw new ReplyError(ERR.invalidCursor);
  }
  if (neg && v !== 0) return -1; // wraps to a huge unsigned value: never a live cursor
  return v;
}

/**
 * The low 32 bits of a SCAN cursor as strtoul reads it (`parsed` from parseScanCursor): a
 * bucket-order cursor only ever uses the bits of its table's mask.
 */
export function scanCursorBits(s: string, parsed: number): number {
  if (parsed >= 0 && parsed <= Number.MAX_SAFE_INTEGER) return parsed % 4294967296;
  const v = BigInt.asUintN(64, BigInt(s.trim() === '' ? '0' : s));
  return Number(v & 0xffffffffn);
}
