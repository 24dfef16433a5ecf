import { rewriteCommand } from '../core/propagate.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import type { RedisValue } from '../keyspace/db.ts';
import { parseTimeout } from '../core/blocking.ts';
import { is } from './args.ts';
import { parseIntArg } from '../util/numbers.ts';
import { listPop, listMove, parseMpop } from './lists.ts';
import { zpopGeneric, parseZmpop } from './zsets.ts';

/** A non-empty value of the given type, without side effects beyond lazy expiry. */
function hasData(v: RedisValue | undefined, type: 'list' | 'zset'): boolean {
  if (v === undefined || typeof v === 'string' || v.type !== type) return false;
  return v.size > 0;
}

/** Distinct keys in order (a client waits once per key). */
function distinct(keys: string[]): string[] {
  return keys.length < 2 ? keys : [...new Set(keys)];
}

function whereArg(s: string): boolean {
  if (is(s, 'left')) return true;
  if (is(s, 'right')) return false;
  throw new ReplyError(ERR.syntax);
}

// ---- lists ---------------------------------------------------------------------------------

/** BLPOP/BRPOP/BLMPOP. count -1: [key, value] reply; otherwise [key, [values...]]. */
function blockingPop(c: Client, keys: string[], left: boolean, timeoutArg: string, count: number, out: ReplySink): void {
  const deadline = parseTimeout(timeoutArg, c.server.clock.now());
  for (const key of keys) {
    const popped = listPop(c, key, left, count === -1 ? 1 : count);
    if (popped.length === 0) continue;
    rewriteCommand(c, popArgv(key, left, count, popped.length));
    replyPopped(out, key, popped, count);
    return;
  }
  if (c.inExecOrScript) {
    out.nullArray();
    return;
  }
  c.server.blocking.block(c, {
    keys: distinct(keys),
    deadline,
    serve: (key) => {
      if (!hasData(c.db.get(key), 'list')) return false;
      const popped = listPop(c, key, left, count === -1 ? 1 : count);
      // served later: the pop is logged on its own, after the push that made it possible
      c.server.propagator.also(c.db.id, popArgv(key, left, count, popped.length));
      replyPopped(c.writer, key, popped, count);
      return true;
    },
    timeout: () => c.writer.nullArray(),
  });
}

/** The LPOP/RPOP a blocking pop is logged as (with COUNT for BLMPOP). */
function popArgv(key: string, left: boolean, count: number, popped: number): string[] {
  return count === -1 ? [left ? 'LPOP' : 'RPOP', key] : [left ? 'LPOP' : 'RPOP', key, String(popped)];
}

function replyPopped(out: ReplySink, key: string, popped: string[], count: number): void {
  out.array(2);
  out.bulk(key);
  if (count === -1) {
    out.bulk(popped[0]);
    return;
  }
  out.array(popped.length);
  for (const v of popped) out.bulk(v);
}

// BLPOP key [key ...] timeout
function blpop(c: Client, argv: string[], out: ReplySink): void {
  blockingPop(c, argv.slice(1, -1), true, argv[argv.length - 1], -1, out);
}

// BRPOP key [key ...] timeout
function brpop(c: Client, argv: string[], out: ReplySink): void {
  blockingPop(c, argv.slice(1, -1), false, argv[argv.length - 1], -1, out);
}

// BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count]
function blmpop(c: Client, argv: string[], out: ReplySink): void {
  const p = parseMpop(argv, 2);
  blockingPop(c, argv.slice(3, 3 + p.numkeys), p.left, argv[1], p.count, out);
}

function blmoveGeneric(c: Client, argv: string[], src: string, dst: string, fromLeft: boolean, toLeft: boolean, timeoutArg: string, out: ReplySink): void {
  const isRpoplpush = argv.length === 4;
  const deadline = parseTimeout(timeoutArg, c.server.clock.now());
  const v = c.db.get(src);
  if (v !== undefined && (typeof v === 'string' || v.type !== 'list')) throw new ReplyError(ERR.wrongType);
  if (v !== undefined) {
    const moved = listMove(c, src, dst, fromLeft, toLeft);
    if (moved !== null) {
      rewriteCommand(c, isRpoplpush ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, argv[3], argv[4]]);
      out.bulk(moved);
      return;
    }
  }
  if (c.inExecOrScript) {
    out.null();
    return;
  }
  c.server.blocking.block(c, {
    keys: [src],
    deadline,
    serve: (key) => {
      if (!hasData(c.db.get(key), 'list')) return false;
      // A destination of the wrong type unblocks the client with the error (listMove throws
      // before touching anything); the blocking layer turns the throw into the reply.
      const moved = listMove(c, src, dst, fromLeft, toLeft);
      if (moved === null) return false;
      // (Redis's shared "left"/"right" objects are lower case)
      c.server.propagator.also(
        c.db.id,
        isRpoplpush ? ['RPOPLPUSH', src, dst] : ['LMOVE', src, dst, fromLeft ? 'left' : 'right', toLeft ? 'left' : 'right'],
      );
      c.writer.bulk(moved);
      return true;
    },
    timeout: () => c.writer.nullArray(),
  });
}

// BLMOVE source destination LEFT|RIGHT LEFT|RIGHT timeout
function blmove(c: Client, argv: string[], out: ReplySink): void {
  const fromLeft = whereArg(argv[3]);
  const toLeft = whereArg(argv[4]);
  blmoveGeneric(c, argv, argv[1], argv[2], fromLeft, toLeft, argv[5], out);
}

// BRPOPLPUSH source destination timeout
function brpoplpush(c: Client, argv: string[], out: ReplySink): void {
  blmoveGeneric(c, argv, argv[1], argv[2], false, true, argv[3], out);
}

// ---- sorted sets ---------------------------------------------------------------------------

function blockingZpop(c: Client, keys: string[], max: boolean, timeoutArg: string, count: number, nested: boolean, out: ReplySink): void {
  const deadline = parseTimeout(timeoutArg, c.server.clock.now());
  for (const key of keys) {
    const v = c.db.get(key);
    if (v === undefined) continue;
    if (typeof v === 'string' || v.type !== 'zset') throw new ReplyError(ERR.wrongType);
    if (!hasData(v, 'zset')) continue;
    const n = (v as unknown as { size: number }).size;
    zpopGeneric(c, [key], max, true, count, nested, nested, out);
    rewriteCommand(c, zpopArgv(key, max, count, n));
    return;
  }
  if (c.inExecOrScript) {
    out.nullArray();
    return;
  }
  c.server.blocking.block(c, {
    keys: distinct(keys),
    deadline,
    serve: (key) => {
      const v = c.db.get(key);
      if (!hasData(v, 'zset')) return false;
      c.server.propagator.also(c.db.id, zpopArgv(key, max, count, (v as unknown as { size: number }).size));
      zpopGeneric(c, [key], max, true, count, nested, nested, c.writer);
      return true;
    },
    timeout: () => c.writer.nullArray(),
  });
}

/** The ZPOPMIN/ZPOPMAX a blocking zset pop is logged as (COUNT clipped to the size, for BZMPOP). */
function zpopArgv(key: string, max: boolean, count: number, size: number): string[] {
  const name = max ? 'ZPOPMAX' : 'ZPOPMIN';
  return count === -1 ? [name, key] : [name, key, String(count > size ? size : count)];
}

// BZPOPMIN key [key ...] timeout
function bzpopmin(c: Client, argv: string[], out: ReplySink): void {
  blockingZpop(c, argv.slice(1, -1), false, argv[argv.length - 1], -1, false, out);
}

// BZPOPMAX key [key ...] timeout
function bzpopmax(c: Client, argv: string[], out: ReplySink): void {
  blockingZpop(c, argv.slice(1, -1), true, argv[argv.length - 1], -1, false, out);
}

// BZMPOP timeout numkeys key [key ...] MIN|MAX [COUNT count]
function bzmpop(c: Client, argv: string[], out: ReplySink): void {
  const p = parseZmpop(argv, 2);
  blockingZpop(c, argv.slice(3, 3 + p.numkeys), p.max, argv[1], p.count, true, out);
}

// ---- CLIENT UNBLOCK ------------------------------------------------------------------------

// CLIENT UNBLOCK client-id [TIMEOUT|ERROR]
function clientUnblock(c: Client, argv: string[], out: ReplySink): void {
  let reason: 'timeout' | 'error' = 'timeout';
  if (argv.length === 4) {
    if (is(argv[3], 'timeout')) reason = 'timeout';
    else if (is(argv[3], 'error')) reason = 'error';
    else throw new ReplyError(ERR.clientUnblockReason);
  }
  const id = parseIntArg(argv[2]);
  if (id === null) throw new ReplyError(ERR.notInteger);
  const target = c.server.clients.get(id);
  out.integer(target !== undefined && c.server.blocking.unblock(target, reason) ? 1 : 0);
}

export const commands: HandlerTable = {
  blpop,
  brpop,
  blmpop,
  blmove,
  brpoplpush,
  bzpopmin,
  bzpopmax,
  bzmpop,
  'client|unblock': clientUnblock,
};
