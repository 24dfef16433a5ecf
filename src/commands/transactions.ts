import { aclVerify, aclDenialText } from '../core/acl.ts';
import { ReplyError, ERR } from '../errors.ts';
import type { Client, QueuedCommand } from '../core/client.ts';
import type { ReplySink } from '../resp/sink.ts';
import type { HandlerTable } from '../core/types.ts';
import { call } from '../core/dispatch.ts';

// MULTI
function multi(c: Client, _argv: string[], out: ReplySink): void {
  if (c.multi !== null) throw new ReplyError(ERR.multiCallsNot);
  c.multi = [];
  c.multiArgvBytes = 0;
  c.multiDirty = false;
  out.simple('OK');
}

/** Leaves MULTI state and drops every WATCH (discardTransaction). */
export function discardTransaction(c: Client): void {
  c.multi = null;
  c.multiDirty = false;
  c.server.unwatchAll(c);
}

// DISCARD
function discard(c: Client, _argv: string[], out: ReplySink): void {
  if (c.multi === null) throw new ReplyError(ERR.discardWithoutMulti);
  discardTransaction(c);
  out.simple('OK');
}

// EXEC
function exec(c: Client, _argv: string[], out: ReplySink): void {
  const queue = c.multi;
  if (queue === null) throw new ReplyError(ERR.execWithoutMulti);
  if (c.watched.size !== 0 && c.server.watches.anyExpired(c, c.server.dbs, c.server.clock.now())) c.watchDirty = true;
  if (c.multiDirty || c.watchDirty) {
    const aborted = c.multiDirty;
    discardTransaction(c);
    if (aborted) out.error(ERR.execabortTransactionDiscardedBecause);
    else out.nullArray();
    return;
  }
  c.server.unwatchAll(c);
  const faults = c.sock !== null && c.server.faults.size !== 0 ? execFaults(c, queue) : null;
  if (faults !== null && faults.disconnect) {
    // The connection drops before the transaction reaches the server: nothing runs.
    discardTransaction(c);
    c.server.holdClient(c, faults.delayMs, true);
    return;
  }
  const wasInExec = c.inExecOrScript;
  c.inExecOrScript = true;
  // Keys expire by EXEC's start time while it runs, as Redis's fixed_time_expire: a key is
  // either live or gone for the whole transaction.
  const server = c.server;
  const prevSnapshot = server.scriptTimeSnapshot;
  if (prevSnapshot === null) server.scriptTimeSnapshot = server.clock.now();
  out.array(queue.length);
  try {
    for (let i = 0; i < queue.length; i++) {
      const q = queue[i];
      const error = faults?.errors[i];
      if (error !== undefined) {
        out.error(error);
        continue;
      }
      // Permissions are checked again at EXEC: rules may have changed since queueing.
      const denied = aclVerify(c, q.cmd, q.argv, 'exec');
      if (denied !== null) {
        out.error(aclDenialText(denied, 'exec', q.cmd.name));
        continue;
      }
      call(c, q.cmd, q.argv, out);
    }
  } finally {
    server.scriptTimeSnapshot = prevSnapshot;
    c.inExecOrScript = wasInExec;
    discardTransaction(c);
  }
  if (faults !== null && faults.delayMs > 0) c.server.holdClient(c, faults.delayMs, false);
}

/**
 * The injected faults of a transaction's commands, picked at EXEC: an error replaces that
 * command's reply in EXEC's array (the others run, as after a runtime error), a delay
 * holds the whole EXEC reply (the longest one), a disconnect drops the transaction.
 */
function execFaults(c: Client, queue: readonly QueuedCommand[]): { errors: (string | undefined)[]; delayMs: number; disconnect: boolean } | null {
  let found = false;
  const errors: (string | undefined)[] = [];
  let delayMs = 0;
  let disconnect = false;
  for (const q of queue) {
    const f = c.server.faults.pick(q.argv);
    errors.push(f?.error);
    if (f === null) continue;
    found = true;
    delayMs = Math.max(delayMs, f.delayMs);
    if (f.disconnect) disconnect = true;
  }
  return found ? { errors, delayMs, disconnect } : null;
}

// WATCH key [key ...]
function watch(c: Client, argv: string[], out: ReplySink): void {
  if (c.multi !== null) throw new ReplyError(ERR.watchInsideMulti);
  // No point in watching if the client is already dirty.
  if (!c.watchDirty) {
    const now = c.server.clock.now();
    for (let i = 1; i < argv.length; i++) c.server.watches.watch(c, c.db, argv[i], now);
  }
  out.simple('OK');
}

// UNWATCH
function unwatch(c: Client, _argv: string[], out: ReplySink): void {
  c.server.unwatchAll(c);
  out.simple('OK');
}

export const commands: HandlerTable = { multi, exec, discard, watch, unwatch };
