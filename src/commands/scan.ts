/**
 * The SCAN family's shared half (Redis's scanGenericCommand): option parsing, the reply,
 * and the walk over a collection, for SCAN, HSCAN, SSCAN and ZSCAN alike.
 */
import { ReplyError, ERR } from '../errors.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { ScanCursors } from '../keyspace/scan.ts';
import { is } from './args.ts';
import { globMatcher } from '../util/glob.ts';
import { parseInt64 } from '../util/numbers.ts';

/** SCAN's options: COUNT, MATCH, TYPE (TYPE only for the keyspace). */
export interface ScanOptions {
  count: number;
  /** null when absent or exactly `*` */
  match: ((s: string) => boolean) | null;
  type: string | null;
}

/** Parses SCAN options from argv[start]; `allowType` for the keyspace SCAN only. */
export function parseScanOptions(argv: string[], start: number, allowType: boolean): ScanOptions {
  const opts: ScanOptions = { count: 10, match: null, type: null };
  for (let i = start; i < argv.length; i += 2) {
    const more = argv.length - i;
    if (is(argv[i], 'count') && more >= 2) {
      const v = parseInt64(argv[i + 1]);
      if (v === null) throw new ReplyError(ERR.notInteger);
      if (v < 1) throw new ReplyError(ERR.syntax);
      opts.count = typeof v === 'number' ? v : Number.MAX_SAFE_INTEGER;
    } else if (is(argv[i], 'match') && more >= 2) {
      const p = argv[i + 1];
      opts.match = p === '*' ? null : globMatcher(p);
    } else if (is(argv[i], 'type') && allowType && more >= 2) {
      opts.type = argv[i + 1].toLowerCase();
    } else {
      throw new ReplyError(ERR.syntax);
    }
  }
  return opts;
}

/** The two-element SCAN reply: the next cursor, then the items. */
export function replyScan(out: ReplySink, cursor: number, items: string[], count = items.length): void {
  out.array(2);
  out.bulk(String(cursor));
  out.array(count);
  for (let i = 0; i < count; i++) out.bulk(items[i]);
}

/**
 * Walks a collection for HSCAN/SSCAN/ZSCAN. A compact encoding (listpack, intset) is
 * returned whole in one call with cursor 0, as Redis does; a hashtable one is stepped
 * through a parked iterator. `emit` pushes an entry's reply items when its name matches.
 */
export function scanCollection<T>(
  reg: ScanCursors,
  owner: object,
  cursor: number,
  opts: ScanOptions,
  compact: Iterable<T> | null,
  entries: () => Iterator<T>,
  nameOf: (e: T) => string,
  emit: (e: T, into: string[]) => void,
): { cursor: number; items: string[] } {
  const match = opts.match;
  const items: string[] = [];
  const visit = (e: T): void => {
    if (match === null || match(nameOf(e))) emit(e, items);
  };
  if (compact !== null) {
    for (const e of compact) visit(e);
    return { cursor: 0, items };
  }
  return { cursor: scanStep(reg, owner, cursor, entries, opts.count, visit), items };
}

/**
 * One SCAN step over `owner`: resumes `cursor` (or starts `start()`), passes up to `count`
 * entries to `visit`, and returns the cursor to reply. It examines one entry more than
 * COUNT, so an iteration whose rest fits in one call ends now with cursor 0, as Redis
 * answers when the table holds no more than COUNT elements.
 */
export function scanStep<T>(
  reg: ScanCursors,
  owner: object,
  cursor: number,
  start: () => Iterator<T>,
  count: number,
  visit: (entry: T) => void,
): number {
  const it = reg.resume<T>(owner, cursor) ?? start();
  for (let n = 0; n <= count; n++) {
    const r = it.next();
    if (r.done) return 0;
    visit(r.value);
  }
  return reg.park(owner, it);
}
