import { ReplyError, cstr, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import {
  HLL_INVALID_ERR,
  HLL_WRONGTYPE_ERR,
  hllAdd,
  hllCount,
  hllCountRegisters,
  hllDecodeSparse,
  hllDenseRegisters,
  hllIsDense,
  hllIsValid,
  hllMergeInto,
  hllNewRegisters,
  hllStoreMerged,
  hllToDense,
} from '../keyspace/hll.ts';

/** The HLL string at key, undefined when absent; Redis's errors for other values. */
function lookupHll(c: Client, key: string): string | undefined {
  const v = c.db.getString(key);
  if (v !== undefined && !hllIsValid(v)) throw new ReplyError(HLL_WRONGTYPE_ERR);
  return v;
}

/** Stores an HLL string; Redis creates HLLs as raw string objects. */
function storeHll(c: Client, key: string, value: string, created: boolean): void {
  if (created) c.db.set(key, value);
  else c.db.update(key, value);
  c.db.rawStrings.add(key);
}

function sparseMax(c: Client): number {
  return c.server.config.getInt('hll-sparse-max-bytes');
}

// PFADD key [element ...]
function pfadd(c: Client, argv: string[], out: ReplySink): void {
  const key = argv[1];
  const cur = lookupHll(c, key);
  const r = hllAdd(cur ?? null, argv.slice(2), sparseMax(c));
  if (r.value !== cur) storeHll(c, key, r.value, cur === undefined);
  if (r.corrupt) throw new ReplyError(HLL_INVALID_ERR);
  if (r.updated) c.server.notifier.notify('$', 'pfadd', key, c.db.id);
  out.integer(r.updated ? 1 : 0);
}

// PFCOUNT key [key ...]
function pfcount(c: Client, argv: string[], out: ReplySink): void {
  if (argv.length > 2) {
    const max = hllNewRegisters();
    for (let i = 1; i < argv.length; i++) {
      const v = lookupHll(c, argv[i]);
      if (v === undefined) continue;
      if (!hllMergeInto(max, v)) throw new ReplyError(HLL_INVALID_ERR);
    }
    out.integer(hllCountRegisters(max));
    return;
  }
  const key = argv[1];
  const v = lookupHll(c, key);
  if (v === undefined) {
    out.integer(0);
    return;
  }
  const r = hllCount(v);
  if (r === null) throw new ReplyError(HLL_INVALID_ERR);
  // Caching the cardinality is a write Redis propagates; WATCH sees it too.
  if (r.value !== v) storeHll(c, key, r.value, false);
  out.integer(r.count);
}

// PFMERGE destkey [sourcekey ...]
function pfmerge(c: Client, argv: string[], out: ReplySink): void {
  const max = hllNewRegisters();
  let useDense = false;
  for (let i = 1; i < argv.length; i++) {
    const v = lookupHll(c, argv[i]);
    if (v === undefined) continue;
    if (hllIsDense(v)) useDense = true;
    if (!hllMergeInto(max, v)) throw new ReplyError(HLL_INVALID_ERR);
  }
  const dest = argv[1];
  const cur = c.db.get(dest) as string | undefined;
  const merged = hllStoreMerged(cur ?? null, max, useDense, sparseMax(c));
  if (merged === null) throw new ReplyError(HLL_INVALID_ERR);
  storeHll(c, dest, merged, cur === undefined);
  c.server.notifier.notify('$', 'pfadd', dest, c.db.id);
  out.simple('OK');
}

// PFDEBUG subcommand key
function pfdebug(c: Client, argv: string[], out: ReplySink): void {
  const sub = argv[1].toLowerCase();
  const key = argv[2];
  const v = c.db.getString(key);
  if (v === undefined) throw new ReplyError(ERR.specifiedKeyDoes);
  if (!hllIsValid(v)) throw new ReplyError(HLL_WRONGTYPE_ERR);
  if (sub === 'getreg' || sub === 'todense') {
    let dense = v;
    if (!hllIsDense(v)) {
      const d = hllToDense(v);
      if (d === null) throw new ReplyError(HLL_INVALID_ERR);
      storeHll(c, key, d, false);
      dense = d;
    }
    if (sub === 'todense') {
      out.integer(dense !== v ? 1 : 0);
      return;
    }
    const regs = hllDenseRegisters(dense);
    out.array(regs.length);
    for (const r of regs) out.integer(r);
  } else if (sub === 'decode') {
    if (hllIsDense(v)) throw new ReplyError(ERR.hllEncodingNot);
    out.bulk(hllDecodeSparse(v));
  } else if (sub === 'encoding') {
    out.simple(hllIsDense(v) ? 'dense' : 'sparse');
  } else {
    throw new ReplyError(ERR.unknownPfdebugSubcommand(cstr(argv[1])));
  }
}

// PFSELFTEST: the registers and estimator are covered by our own unit tests.
function pfselftest(_c: Client, _argv: string[], out: ReplySink): void {
  out.simple('OK');
}

export const commands: HandlerTable = { pfadd, pfcount, pfmerge, pfdebug, pfselftest };
